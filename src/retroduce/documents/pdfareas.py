"""Where a coded passage sits on its PDF page, and which text a PDF rectangle holds.

REFI-QDA 1.5 (section 10.3) exchanges coded passages of a PDF as PDFSelections: a page and a
rectangle in PDF points with the origin at the bottom-left of the page, which is how NVivo and
ATLAS.ti store a highlight. Our fragments are code-point offsets into the text extracted by
`extraction.pdf`, so an export has to find each quote again on its page and measure it, and an
import has to turn a foreign rectangle back into text it can look up in ours.

    areas_for(pdf_bytes, [(2, "Trust in nurses triggered the mechanism.")])
    -> [Area(page=2, x1=88.02, y1=544.21, x2=286.82, y2=554.52)]
    text_in_area(pdf_bytes, area) -> "Trust in nurses triggered the mechanism."

Both are pure functions over the PDF's bytes (no Django, no storage) and never raise on a damaged
PDF: what cannot be read is None.

Matching. A quote is our extracted text, which is not PDFium's raw text: the extractor turned
CRLF into LF, dropped control characters, put "-\\n" where PDFium reports a line-end hyphen
(U+FFFE in the text, U+0002 per character) and stripped the page; a quote typed or imported
elsewhere may break lines elsewhere or drop the hyphen. So quote and page are compared by their
*key*: the characters left after removing whitespace, control characters and hyphens (soft,
line-end or plain; a hyphen is the one mark whose presence depends on where a line broke). The
page's key is built from one character per PDFium character index (its text when that lines up
index for index, as it nearly always does, else FPDFText_GetUnicode for each index), so a match
maps straight back to character indices and their boxes. When a quote occurs more than once on
its page, the first occurrence is taken.

Quotes over a page break. A fragment knows the page it starts on. When the whole quote is not on
that page but the page *ends* with the quote's start, and the rest of the quote is what the
following page(s) begin with, the area is the box of the part on the given page: a PDFSelection
holds one page, and the start is where a reader looks for the passage. A quote whose start is not
on the given page is None, never a guess.

The box. The union of PDFium's tight character boxes (the glyphs' ink, as FPDFText_GetCharBox
gives them) of the matched characters, whitespace and characters PDFium generated (inserted
spaces and line breaks) left out, rounded outward to 0.01 pt so it still covers every glyph. A
quote over several lines gives one rectangle over all of them (a PDFSelection is one rectangle),
so it also covers the line parts before the quote's start and after its end. Tight boxes rather
than loose (font ascent to descent) ones keep `text_in_area` honest: PDFium's
FPDFText_GetBoundedText takes every character whose tight box intersects the rectangle, and a
loose box can reach into a kerned neighbour or the next line.

Coordinates are relative to the bottom-left corner of the page as PDFium bounds it (the crop box,
within the media box), which is (0, 0) for nearly every PDF; `text_in_area` adds that corner back.
A rotated page (/Rotate) is measured unrotated, as PDF user space has it.

All PDFium calls hold `extraction.pdf._PDFIUM`: PDFium is not thread-safe, and these run beside
uploads being checked and extracted.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .extraction.pdf import _PDFIUM
from .extraction.text import clean

# What the matching key leaves out: whitespace, control characters (C0, DEL, C1), lone UTF-16
# surrogates, and hyphens: hyphen-minus, soft hyphen, Unicode and non-breaking hyphen, and
# PDFium's marker for a hyphen that ends a line (U+FFFE in its text, U+0002 per character).
_DROPPED = r"\s\x00-\x1f\x7f-\x9f\ud800-\udfff\-\u00ad\u2010\u2011\ufffe"
_DROP = re.compile(f"[{_DROPPED}]")
_RUN = re.compile(f"[^{_DROPPED}]+")
# PDFium's own threshold for a character box too thin to be a glyph (kSizeEpsilon).
_THIN = 0.01


@dataclass(frozen=True)
class Area:
    """A rectangle on one page: PDF points, origin at the page's bottom-left, x1 < x2, y1 < y2.

    `page` is 1-based; REFI-QDA's PDFSelection counts pages from 0, which the caller converts.
    """

    page: int
    x1: float
    y1: float
    x2: float
    y2: float

    def whole_points(self) -> tuple[int, int, int, int]:
        """(firstX, firstY, secondX, secondY) as whole points, which is what the REFI-QDA XSD
        allows (xsd:integer), rounded outward so the rectangle still covers the text."""
        return (
            math.floor(self.x1),
            math.floor(self.y1),
            math.ceil(self.x2),
            math.ceil(self.y2),
        )


def areas_for(pdf: bytes, wanted: Sequence[tuple[int, str]]) -> list[Area | None]:
    """For each (page number from 1, quote), the box of the quote's characters on that page.

    None for an item whose page does not exist or cannot be read, or whose quote is not on it
    (see the module docstring for how quotes are matched and what a quote over a page break
    gives); None for every item when the PDF does not open. The PDF is opened once, and each
    page read once, however many items ask for it.
    """
    results: list[Area | None] = [None] * len(wanted)
    if not wanted:
        return results
    by_page: dict[int, list[int]] = {}
    for item, (number, _quote) in enumerate(wanted):
        by_page.setdefault(number, []).append(item)
    with _PDFIUM:
        try:
            doc = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError:
            return results
        try:
            total = len(doc)
            keys: dict[int, str | None] = {}
            for number in sorted(by_page):
                if 1 <= number <= total:
                    _measure(
                        doc, number, [(i, wanted[i][1]) for i in by_page[number]], keys, results
                    )
        except pdfium.PdfiumError:
            return [None] * len(wanted)
        finally:
            doc.close()
    return results


def text_in_area(pdf: bytes, area: Area) -> str | None:
    """The text PDFium finds in the rectangle, whitespace collapsed to single spaces ("" when
    there is none), or None when the PDF or the page cannot be read.

    A character counts when its glyph box intersects the rectangle. Line-end hyphens come back
    as the extractor writes them ("man-" then a line break, here a space), so the result can be
    looked up in our extracted text the way `areas_for` matches quotes.
    """
    with _PDFIUM:
        try:
            doc = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError:
            return None
        try:
            if not 1 <= area.page <= len(doc):
                return None
            page = doc[area.page - 1]
            try:
                left, bottom, _right, _top = page.get_bbox()
                textpage = page.get_textpage()
                try:
                    raw = textpage.get_text_bounded(
                        left + min(area.x1, area.x2),
                        bottom + min(area.y1, area.y2),
                        left + max(area.x1, area.x2),
                        bottom + max(area.y1, area.y2),
                    )
                finally:
                    textpage.close()
            finally:
                page.close()
        except pdfium.PdfiumError:
            return None
        finally:
            doc.close()
    text = clean(raw.replace("\ufffe", "-\n").replace("\x02", "-\n"))
    return " ".join(text.split())


def _key(text: str) -> str:
    return _DROP.sub("", text)


def _kept(char: str) -> bool:
    return _DROP.match(char) is None


@dataclass(frozen=True)
class _PageText:
    """A page's characters, one per PDFium character index, and its matching key."""

    chars: str
    key: str
    # Where each run of kept characters starts, in the key and in `chars`.
    key_starts: list[int]
    char_starts: list[int]

    def index(self, at: int) -> int:
        """The PDFium character index of key character `at`."""
        run = bisect.bisect_right(self.key_starts, at) - 1
        return self.char_starts[run] + at - self.key_starts[run]


def _page_text(textpage: pdfium.PdfTextPage) -> _PageText:
    chars = _chars(textpage)
    parts: list[str] = []
    key_starts: list[int] = []
    char_starts: list[int] = []
    at = 0
    for run in _RUN.finditer(chars):
        key_starts.append(at)
        char_starts.append(run.start())
        parts.append(run.group())
        at += run.end() - run.start()
    return _PageText(chars, "".join(parts), key_starts, char_starts)


def _chars(textpage: pdfium.PdfTextPage) -> str:
    """One character per PDFium character index.

    PDFium's text (one call) has one character per index unless the page has characters its
    text leaves out (stray control codes) or adds; then each index is asked for on its own
    (FPDFText_GetUnicode, a call per character, several times slower).
    """
    count = textpage.count_chars()
    if count <= 0:
        return ""
    raw = textpage.raw
    text = textpage.get_text_range()
    text_index = pdfium_c.FPDFText_GetTextIndexFromCharIndex
    if len(text) == count and text_index(raw, 0) == 0 and text_index(raw, count - 1) == count - 1:
        return text
    unicode = pdfium_c.FPDFText_GetUnicode
    codes = (unicode(raw, index) for index in range(count))
    return "".join(chr(code) if 0 < code <= 0x10FFFF else "\x00" for code in codes)


def _measure(
    doc: pdfium.PdfDocument,
    number: int,
    items: list[tuple[int, str]],
    keys: dict[int, str | None],
    results: list[Area | None],
) -> None:
    """Fill in the areas of the items on page `number` (1-based)."""
    try:
        page = doc[number - 1]
    except pdfium.PdfiumError:
        return
    try:
        origin_x, origin_y, _right, _top = page.get_bbox()
        textpage = page.get_textpage()
        try:
            text = _page_text(textpage)
            keys[number] = text.key
            for item, quote in items:
                span = _find(doc, number, text.key, _key(quote), keys)
                if span is None:
                    continue
                first, last = _widen(
                    text.chars, quote, text.index(span[0]), text.index(span[1] - 1)
                )
                box = _box(textpage, text.chars, first, last)
                if box is not None:
                    results[item] = _area(number, box, origin_x, origin_y)
        finally:
            textpage.close()
    except pdfium.PdfiumError:
        return
    finally:
        page.close()


def _find(
    doc: pdfium.PdfDocument, number: int, page_key: str, quote_key: str, keys: dict[int, str | None]
) -> tuple[int, int] | None:
    """The [start, end) of the quote's part on the page, in key characters, or None."""
    if not quote_key or not page_key:
        return None
    at = page_key.find(quote_key)
    if at >= 0:
        return at, at + len(quote_key)
    # The page may end with the quote's start: the earliest such start is the longest part.
    start = max(0, len(page_key) - len(quote_key) + 1)
    while (at := page_key.find(quote_key[0], start)) >= 0:
        part = len(page_key) - at
        if page_key.endswith(quote_key[:part]) and _continues(doc, number, quote_key[part:], keys):
            return at, len(page_key)
        start = at + 1
    return None


def _continues(
    doc: pdfium.PdfDocument, number: int, rest: str, keys: dict[int, str | None]
) -> bool:
    """Whether the pages after `number` begin with `rest` (blank pages passed over)."""
    following = number + 1
    while rest:
        if following > len(doc):
            return False
        if following not in keys:
            keys[following] = _key_only(doc, following)
        key = keys[following]
        if key is None:
            return False
        if not rest.startswith(key):
            return key.startswith(rest)
        rest = rest[len(key) :]
        following += 1
    return True


def _key_only(doc: pdfium.PdfDocument, number: int) -> str | None:
    try:
        page = doc[number - 1]
    except pdfium.PdfiumError:
        return None
    try:
        textpage = page.get_textpage()
        try:
            return _page_text(textpage).key
        finally:
            textpage.close()
    except pdfium.PdfiumError:
        return None
    finally:
        page.close()


def _dropped(text: Iterable[str]) -> int:
    """How many hyphens or control characters `text` starts with (whitespace skipped)."""
    count = 0
    for char in text:
        if char.isspace():
            continue
        if _kept(char):
            break
        count += 1
    return count


def _widen(chars: str, quote: str, first: int, last: int) -> tuple[int, int]:
    """The character range grown over the hyphens the quote starts or ends with ("man-"), which
    the key leaves out, as far as the page has them next to the match."""

    def hyphen(index: int) -> bool:
        return not (chars[index].isspace() or _kept(chars[index]))

    for _ in range(_dropped(reversed(quote))):
        if last + 1 >= len(chars) or not hyphen(last + 1):
            break
        last += 1
    for _ in range(_dropped(quote)):
        if first == 0 or not hyphen(first - 1):
            break
        first -= 1
    return first, last


def _box(
    textpage: pdfium.PdfTextPage, chars: str, first: int, last: int
) -> tuple[float, float, float, float] | None:
    """The union of the glyph boxes of characters first..last (PDFium indices, inclusive)."""
    left = bottom = math.inf
    right = top = -math.inf
    for index in range(first, last + 1):
        if chars[index].isspace() or chars[index] == "\x00":
            continue
        if pdfium_c.FPDFText_IsGenerated(textpage.raw, index) == 1:
            continue
        try:
            x0, y0, x1, y1 = textpage.get_charbox(index)
        except pdfium.PdfiumError:
            continue
        if x1 - x0 < _THIN or y1 - y0 < _THIN:
            continue
        left, bottom = min(left, x0), min(bottom, y0)
        right, top = max(right, x1), max(top, y1)
    if left == math.inf:
        return None
    return left, bottom, right, top


def _area(
    number: int, box: tuple[float, float, float, float], origin_x: float, origin_y: float
) -> Area | None:
    left, bottom, right, top = box
    x1 = math.floor((left - origin_x) * 100) / 100
    y1 = math.floor((bottom - origin_y) * 100) / 100
    x2 = math.ceil((right - origin_x) * 100) / 100
    y2 = math.ceil((top - origin_y) * 100) / 100
    if not (x1 < x2 and y1 < y2):
        return None
    return Area(page=number, x1=round(x1, 2), y1=round(y1, 2), x2=round(x2, 2), y2=round(y2, 2))
