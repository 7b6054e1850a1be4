"""A damaged RIS file is refused as a whole, and the message names the line and the cause."""

from __future__ import annotations

from .helpers import failure, fixture_bytes

RECORD = "TY  - JOUR\nTI  - A title\nAU  - Doe, A\nER  - \n\n"


def test_missing_end_tag_at_the_end_names_the_record_and_says_truncated() -> None:
    text = RECORD + "TY  - JOUR\nTI  - Cut off\nAB  - The export stopped in the mid"
    error = failure("cut.ris", text.encode())
    assert error.file == "cut.ris"
    assert error.line == 8
    assert "the record that starts on line 6 has no 'ER  -' end tag" in error.reason
    assert "truncated" in error.reason
    assert str(error).startswith("cut.ris, line 8: ")


def test_truncated_real_export_is_refused_not_shortened() -> None:
    data = fixture_bytes("ovid_medline.ris")
    error = failure("ovid.ris", data[: len(data) - 40])
    assert "no 'ER  -' end tag" in error.reason
    assert error.line is not None and error.line > 20


def test_a_record_starting_inside_another_names_both_lines() -> None:
    text = "TY  - JOUR\nTI  - First\nTY  - JOUR\nTI  - Second\nER  - \n"
    error = failure("joined.ris", text.encode())
    assert error.line == 3
    assert "record that starts on line 1" in error.reason


def test_tag_lines_outside_any_record_are_refused() -> None:
    text = RECORD + "AU  - Stray, Author\n" + RECORD
    error = failure("stray.ris", text.encode())
    assert error.line == 6
    assert "'AU' line is outside any record" in error.reason


def test_an_end_tag_without_a_record_is_refused() -> None:
    error = failure("double.ris", (RECORD + "ER  - \n").encode())
    assert error.line == 6
    assert "end tag without a record" in error.reason


def test_a_file_of_tags_without_any_record_start_is_not_recognised() -> None:
    error = failure("notris.ris", b"TI  - A title\nAU  - Doe, A\n")
    assert "not a reference file we recognise" in error.reason
    assert "'TY  -'" in error.reason
