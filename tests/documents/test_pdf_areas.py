"""PDF areas of quotes (REFI-QDA PDFSelections) and the text back out of an area."""

from __future__ import annotations

import io
import threading

import pypdfium2 as pdfium
import pytest
from fpdf import FPDF

from retroduce.documents.extraction import PAGE_SEPARATOR, extract
from retroduce.documents.extraction.pdf import _PDFIUM
from retroduce.documents.pdfareas import Area, areas_for, text_in_area

from .pdfs import make_long_pdf, make_pdf

PT_PER_MM = 72 / 25.4
SENTENCE = "Trust in nurses triggered the mechanism."
# Where SENTENCE is written on page 2, fpdf2's way: mm from the top-left corner.
X_MM, Y_MM, H_MM = 30.0, 100.0, 6.0


def placed_pdf(lines: list[tuple[float, float, str]]) -> tuple[bytes, float, float]:
    """Page 1 a filler line; page 2 each (x mm, y mm, text) as one 6 mm high cell, Helvetica 11.

    Also returns page 2's height in points and SENTENCE's width in points.
    """
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.set_xy(20, 20)
    pdf.cell(h=H_MM, text="Page one says something else entirely.")
    pdf.add_page()
    for x, y, text in lines:
        pdf.set_xy(x, y)
        pdf.cell(h=H_MM, text=text)
    width = pdf.get_string_width(SENTENCE) * PT_PER_MM
    return bytes(pdf.output()), pdf.h_pt, width


def y_pdf(page_height_pt: float, y_mm: float) -> float:
    return page_height_pt - y_mm * PT_PER_MM


def test_a_sentence_at_a_known_place_gives_a_tight_box_around_it() -> None:
    data, height, width = placed_pdf([(X_MM, Y_MM, SENTENCE), (X_MM, 150, "Another line.")])
    [area] = areas_for(data, [(2, SENTENCE)])
    assert area is not None
    assert area.page == 2
    assert area.x1 < area.x2 and area.y1 < area.y2
    # The box holds the middle of the text: fpdf2 starts the text a cell margin (1 mm) right
    # of x and centres it vertically in the 6 mm cell.
    middle_x = (X_MM + 1) * PT_PER_MM + width / 2
    middle_y = y_pdf(height, Y_MM + H_MM / 2)
    assert area.x1 < middle_x < area.x2
    assert area.y1 < middle_y < area.y2
    # ...and it is tight: inside the cell, as wide as the text, as tall as 11 pt type.
    assert X_MM * PT_PER_MM <= area.x1 <= (X_MM + 2) * PT_PER_MM
    assert abs((area.x2 - area.x1) - width) < 3
    assert y_pdf(height, Y_MM + H_MM) <= area.y1 < area.y2 <= y_pdf(height, Y_MM)
    assert 6 < area.y2 - area.y1 < 12
    # Two decimals at most.
    assert all(round(v, 2) == v for v in (area.x1, area.y1, area.x2, area.y2))


def test_the_text_in_the_area_is_the_sentence() -> None:
    data, _height, _width = placed_pdf(
        [(X_MM, Y_MM - 8, "The line above."), (X_MM, Y_MM, SENTENCE), (X_MM, Y_MM + 8, "Below.")]
    )
    [area] = areas_for(data, [(2, SENTENCE)])
    assert area is not None
    assert text_in_area(data, area) == SENTENCE
    # Rounded outward to whole points, as the REFI-QDA XSD stores them, it still is.
    x1, y1, x2, y2 = area.whole_points()
    assert (x1, y1) <= (area.x1, area.y1) and (x2, y2) >= (area.x2, area.y2)
    assert all(isinstance(v, int) for v in (x1, y1, x2, y2))
    assert text_in_area(data, Area(2, x1, y1, x2, y2)) == SENTENCE
    # A foreign selection may give its corners in either order.
    assert text_in_area(data, Area(2, x2, y2, x1, y1)) == SENTENCE


def test_a_quote_broken_elsewhere_than_in_the_pdf_still_matches() -> None:
    data, _height, _width = placed_pdf(
        [
            (X_MM, Y_MM, "Staff trusted the new"),
            (X_MM, Y_MM + H_MM, "rota because managers listened."),
        ]
    )
    one_line = areas_for(data, [(2, "Staff trusted the new")])[0]
    assert one_line is not None
    for quote in ("trusted the new rota\nbecause managers", "trusted the\r\nnew  rota because"):
        [area] = areas_for(data, [(2, quote)])
        assert area is not None and area.page == 2
        # Both lines are inside: the box reaches a line (17 pt) below the first line's.
        assert area.y1 < one_line.y1 - 10 and one_line.y1 < area.y2 <= one_line.y2
        # One rectangle over two lines holds the lines' text between its left and right edges.
        inside = text_in_area(data, area)
        assert inside is not None and " ".join(quote.split()) in inside
    [wide] = areas_for(data, [(2, "trusted the new rota\nbecause managers listened.")])
    assert wide is not None
    assert text_in_area(data, wide) == "Staff trusted the new rota because managers listened."


def test_a_hyphen_at_a_line_end_matches_with_or_without_it() -> None:
    data = make_pdf(["Context first.", "Realist evaluation of man-\nagement in rural clinics."])
    text = extract(data, "hyphen.pdf").text
    assert "man-\nagement" in text
    ours, joined, lone = areas_for(
        data,
        [(2, "evaluation of man-\nagement in"), (2, "management in rural"), (2, "of man-")],
    )
    assert ours is not None and joined is not None and lone is not None
    assert text_in_area(data, ours) == "Realist evaluation of man- agement in rural clinics."
    # A quote that ends with the hyphen gets the hyphen in its box.
    assert text_in_area(data, lone) == "of man-"


def test_a_quote_not_on_the_page_is_none() -> None:
    data, _height, _width = placed_pdf([(X_MM, Y_MM, SENTENCE)])
    assert areas_for(
        data,
        [
            (2, "Distrust in doctors blocked the mechanism."),
            (1, SENTENCE),  # on another page than the one given
            (2, ""),
            (2, " \n "),
        ],
    ) == [None, None, None, None]


def test_a_page_out_of_range_is_none() -> None:
    data, _height, _width = placed_pdf([(X_MM, Y_MM, SENTENCE)])
    assert areas_for(data, [(0, SENTENCE), (3, SENTENCE), (-1, SENTENCE)]) == [None, None, None]
    assert areas_for(data, [(3, SENTENCE), (2, SENTENCE)])[1] is not None
    assert text_in_area(data, Area(3, 10, 10, 500, 800)) is None
    assert text_in_area(data, Area(0, 10, 10, 500, 800)) is None
    # A page that exists but has nothing in the rectangle is empty, not unreadable.
    assert text_in_area(data, Area(2, 1, 1, 20, 20)) == ""


def test_garbage_bytes_give_none_for_everything() -> None:
    for junk in (b"", b"not a pdf at all", b"%PDF-1.7\n" + b"\x00" * 64, make_pdf(["x"])[:200]):
        assert areas_for(junk, [(1, "x"), (2, "y")]) == [None, None]
        assert text_in_area(junk, Area(1, 0, 0, 100, 100)) is None
    assert areas_for(b"not a pdf", []) == []


def test_many_quotes_in_one_call_come_back_in_order() -> None:
    data = make_long_pdf(4)
    result = extract(data, "long.pdf")
    wanted: list[tuple[int, str]] = []
    for page in reversed(result.pages):  # pages out of order, several quotes per page
        text = result.text[page.start : page.end]
        for start in range(0, len(text) - 120, 97):
            wanted.append((page.number, text[start : start + 120]))
    wanted.append((9, "no such page"))
    areas = areas_for(data, wanted)
    assert len(areas) == len(wanted) > 40
    assert areas[-1] is None
    for (number, quote), area in zip(wanted[:-1], areas[:-1], strict=True):
        assert area is not None, quote
        assert area.page == number
        # The box spans whole lines where the quote wraps, so it holds at least the quote.
        inside = text_in_area(data, area)
        assert inside is not None and " ".join(quote.split()) in inside


def test_a_quote_over_a_page_break_gives_its_part_on_the_first_page() -> None:
    data = make_long_pdf(3)
    result = extract(data, "long.pdf")
    first, second = result.pages[0], result.pages[1]
    end_of_one = result.text[first.end - 30 : first.end]
    start_of_two = result.text[second.start : second.start + 25]
    quote = end_of_one + PAGE_SEPARATOR + start_of_two
    assert result.text[first.end - 30 : second.start + 25] == quote
    spanning, on_two, wrong_rest = areas_for(
        data,
        [
            (1, quote),
            (2, quote),  # the start is not on page 2
            (1, end_of_one + " and words page 2 does not begin with"),
        ],
    )
    assert on_two is None and wrong_rest is None
    assert spanning is not None and spanning.page == 1
    only_first = areas_for(data, [(1, end_of_one)])[0]
    assert spanning == only_first
    inside = text_in_area(data, spanning)
    assert inside is not None and inside.endswith(" ".join(end_of_one.split()))


def test_coordinates_start_at_the_pages_corner_when_its_box_does_not() -> None:
    data, _height, _width = placed_pdf([(X_MM, Y_MM, SENTENCE)])
    [plain] = areas_for(data, [(2, SENTENCE)])
    doc = pdfium.PdfDocument(data)
    try:
        page = doc[1]
        page.set_mediabox(40, 60, 580, 830)
        page.set_cropbox(40, 60, 580, 830)
        page.close()
        buffer = io.BytesIO()
        doc.save(buffer)
    finally:
        doc.close()
    shifted_pdf = buffer.getvalue()
    [shifted] = areas_for(shifted_pdf, [(2, SENTENCE)])
    assert plain is not None and shifted is not None
    assert abs(shifted.x1 - (plain.x1 - 40)) < 0.02 and abs(shifted.y1 - (plain.y1 - 60)) < 0.02
    assert text_in_area(shifted_pdf, shifted) == SENTENCE


def test_pdfium_is_entered_only_under_the_extractors_lock() -> None:
    data, _height, _width = placed_pdf([(X_MM, Y_MM, SENTENCE)])
    done = threading.Event()
    found: list[object] = []

    def work() -> None:
        found.append(areas_for(data, [(2, SENTENCE)])[0])
        found.append(text_in_area(data, Area(2, 0, 0, 600, 850)))
        done.set()

    with _PDFIUM:
        worker = threading.Thread(target=work)
        worker.start()
        assert not done.wait(0.3)
    assert done.wait(10)
    worker.join()
    assert isinstance(found[0], Area) and found[1] == SENTENCE


def test_a_page_whose_text_skips_characters_is_read_character_by_character(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = make_pdf(["Context first.", "Realist evaluation of man-\nagement in rural clinics."])
    wanted = [(2, "evaluation of man-\nagement in"), (2, "rural clinics."), (1, "first")]
    fast = areas_for(data, wanted)
    # PDFium's text leaves out stray control codes; then it no longer has one character per
    # character index, and the index-by-index path must give the same boxes.
    monkeypatch.setattr(pdfium.PdfTextPage, "get_text_range", lambda self, *a, **k: "")
    assert areas_for(data, wanted) == fast
    assert all(area is not None for area in fast)
