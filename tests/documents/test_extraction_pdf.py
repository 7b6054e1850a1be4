"""PDF full texts: pages as offsets, scans flagged, locked and broken files refused clearly."""

from __future__ import annotations

import pytest

from retroduce.documents.extraction import (
    PAGE_SEPARATOR,
    ExtractionError,
    ExtractionLimits,
    detect_kind,
    extract,
)

from .pdfs import (
    make_encrypted_pdf,
    make_long_pdf,
    make_pdf,
    make_scanned_pdf,
    page_prose,
    unicode_font,
)


def page_text(result, number: int) -> str:
    page = result.pages[number - 1]
    assert page.number == number
    return result.text[page.start : page.end]


def refusal(data: bytes, name: str, **kwargs: object) -> str:
    with pytest.raises(ExtractionError) as caught:
        extract(data, name, **kwargs)  # type: ignore[arg-type]
    assert caught.value.filename == name
    return str(caught.value)


def test_each_page_offsets_point_at_that_pages_words() -> None:
    data = make_pdf(
        ["Context: rural clinics.", "Mechanism: trust in nurses.", "Outcome: fewer admissions."]
    )
    result = extract(data, "paper.pdf")
    assert result.kind == "pdf"
    assert [p.number for p in result.pages] == [1, 2, 3]
    assert page_text(result, 1) == "Context: rural clinics."
    assert page_text(result, 2) == "Mechanism: trust in nurses."
    assert page_text(result, 3) == "Outcome: fewer admissions."
    # The separator between pages belongs to no page.
    assert result.text[result.pages[0].end : result.pages[1].start] == PAGE_SEPARATOR
    assert not result.needs_ocr
    assert result.pages_without_text == ()
    assert result.warnings == ()


def test_lines_end_in_lf_and_wrapped_lines_stay_on_their_page() -> None:
    prose = [page_prose(1), page_prose(2)]
    result = extract(make_pdf(prose), "long.pdf")
    assert "\r" not in result.text
    first, second = page_text(result, 1), page_text(result, 2)
    assert first.startswith("Page 1.\n") and second.startswith("Page 2.\n")
    # Every word of page 2's source is on page 2, in order, whatever the line wrapping did.
    assert second.split() == prose[1].split()


def test_title_comes_from_the_pdf_metadata() -> None:
    result = extract(make_pdf(["Text."], title="Realist review of ward rounds"), "x.pdf")
    assert result.title == "Realist review of ward rounds"
    assert extract(make_pdf(["Text."]), "x.pdf").title is None


def test_latin1_accents_survive() -> None:
    result = extract(make_pdf(["Café, naïve résumé; São Paulo; 50 µg"]), "accents.pdf")
    assert page_text(result, 1) == "Café, naïve résumé; São Paulo; 50 µg"


def test_non_latin_text_and_combining_accents_keep_code_point_offsets() -> None:
    font = unicode_font()
    if font is None:
        pytest.skip("no TrueType font with Greek and Cyrillic on this system (DejaVu Sans)")
    pages = ["Ελληνικά: μηχανισμός.", "Русский: механизм.", "cafe\u0301 and nai\u0308ve"]
    result = extract(make_pdf(pages, font=font), "unicode.pdf")
    assert page_text(result, 1) == pages[0]
    assert page_text(result, 2) == pages[1]
    # Combining accents are kept as they were, not composed (no Unicode normalisation).
    assert page_text(result, 3) == "cafe\u0301 and nai\u0308ve"
    assert result.text.index("nai\u0308ve") == result.pages[2].start + len("cafe\u0301 and ")


def test_a_line_end_hyphen_is_kept_as_the_reader_saw_it() -> None:
    # PDFium reports "-" + line break before a letter as U+FFFE; the page showed both.
    page = "Realist evaluation of evidence-\ninformed care and man-\nagement. Years 1990-\n2000."
    result = extract(make_pdf([page]), "hyphen.pdf")
    assert "\ufffe" not in result.text
    assert page_text(result, 1) == page


def test_a_scanned_pdf_is_flagged_for_ocr_not_returned_empty() -> None:
    result = extract(make_scanned_pdf(pages=3), "scan.pdf")
    assert result.needs_ocr
    assert result.pages_without_text == (1, 2, 3)
    assert len(result.pages) == 3
    assert any("OCR" in w for w in result.warnings)


def test_a_scan_with_a_download_stamp_on_each_page_still_needs_ocr() -> None:
    stamp = "This content downloaded from 10.0.0.1 on Mon, 01 Jan 2024 12:00:00 UTC"
    result = extract(make_scanned_pdf(pages=2, stamp=stamp), "jstor.pdf")
    assert result.needs_ocr
    assert result.pages_without_text == (1, 2)
    assert page_text(result, 1) == stamp


def test_one_scanned_page_among_typed_ones_is_named() -> None:
    result = extract(make_scanned_pdf(pages=3, text_pages=(1, 3)), "mixed.pdf")
    assert not result.needs_ocr
    assert result.pages_without_text == (2,)
    assert "page 2 has no text layer" in result.warnings
    assert page_text(result, 3).startswith("Typed page 3.")


def test_a_short_born_digital_pdf_is_not_mistaken_for_a_scan() -> None:
    result = extract(make_pdf(["Minutes.", "Agreed."]), "minutes.pdf")
    assert not result.needs_ocr
    assert result.pages_without_text == ()


def test_an_encrypted_pdf_is_refused_with_a_clear_message() -> None:
    message = refusal(make_encrypted_pdf(), "locked.pdf")
    assert message == "locked.pdf: the PDF is encrypted; remove the password and upload it again"
    with pytest.raises(ExtractionError, match="encrypted"):
        detect_kind(make_encrypted_pdf(), "locked.pdf")


def test_a_pdf_locked_only_against_editing_opens() -> None:
    result = extract(make_encrypted_pdf(user_password=""), "owner-only.pdf")
    assert "Confidential findings" in result.text


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_a_truncated_pdf_is_refused(keep: float) -> None:
    data = make_pdf(["Some findings.", "More findings."])
    message = refusal(data[: int(len(data) * keep)], "cut.pdf")
    assert message == (
        "cut.pdf: not a readable PDF: the file is damaged or truncated (PDFium: Data format error)"
    )


def test_a_pdf_missing_only_its_trailer_is_repaired_and_read() -> None:
    data = make_pdf(["Some findings.", "More findings."])
    cut = data[: data.rindex(b"startxref")]
    assert extract(cut, "cut.pdf").text == "Some findings.\n\nMore findings."


def test_garbage_after_the_pdf_header_is_refused() -> None:
    assert refusal(b"%PDF-1.7\n" + b"garbage " * 100, "junk.pdf").startswith(
        "junk.pdf: not a readable PDF"
    )


def test_more_pages_than_the_limit_is_refused_naming_the_limit() -> None:
    message = refusal(make_pdf(["a", "b", "c"]), "big.pdf", limits=ExtractionLimits(max_pages=2))
    assert "3 pages" in message and "2 one document may have" in message


def test_more_text_than_the_limit_is_refused() -> None:
    data = make_pdf([page_prose(1), page_prose(2)])
    message = refusal(data, "wordy.pdf", limits=ExtractionLimits(max_chars=1000))
    assert "1,000 characters" in message


def test_progress_reports_pages_done_out_of_total() -> None:
    calls: list[tuple[int, int]] = []
    extract(
        make_long_pdf(5, paragraphs_per_page=1), "p.pdf", progress=lambda d, t: calls.append((d, t))
    )
    assert calls[-1] == (5, 5)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert {t for _, t in calls} == {5}


def test_blank_page_in_the_middle_is_an_empty_page_not_a_missing_one() -> None:
    result = extract(make_pdf(["One.", "", "Three.", "Four."]), "blank.pdf")
    assert page_text(result, 2) == ""
    assert page_text(result, 3) == "Three."
    assert result.pages_without_text == (2,)
    assert not result.needs_ocr


def test_concurrent_extractions_in_threads_give_each_its_own_text() -> None:
    # PDFium is not thread-safe; extraction serialises calls into it, so threads are safe.
    from concurrent.futures import ThreadPoolExecutor

    files = [make_pdf([f"Document {n} page one.", f"Document {n} page two."]) for n in range(6)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda pair: extract(pair[1], f"{pair[0]}.pdf"), enumerate(files)))
    for n, result in enumerate(results):
        assert page_text(result, 2) == f"Document {n} page two."
