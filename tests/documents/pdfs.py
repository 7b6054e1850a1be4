"""PDF fixtures built on the fly with fpdf2, shared by the extraction, Django and browser tests.

Each builder returns the bytes of a small PDF whose text is known exactly, so a test can check
that page 2's words land at page 2's offsets.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw

# fpdf2 bundles no TrueType font; the core fonts (Helvetica) only cover Latin-1.
_TTF_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
)


def unicode_font() -> Path | None:
    """A TrueType font with Greek, Cyrillic and combining accents, if the system has one."""
    for candidate in _TTF_CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            return path
    return None


def _new(title: str | None) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    # A fixed timestamp, so the same call builds the same bytes.
    pdf.set_creation_date(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    if title:
        pdf.set_title(title)
    return pdf


def make_pdf(pages: list[str], title: str | None = None, font: Path | None = None) -> bytes:
    """One PDF page per string ("" gives a blank page); Helvetica unless `font` (a TTF) is given.

    Lines are wrapped to the page width; a string too long for one page flows onto more pages,
    so keep each under about 3,000 characters when page numbers matter.
    """
    pdf = _new(title)
    if font is not None:
        pdf.add_font("body", fname=str(font))
        pdf.set_font("body", size=11)
    else:
        pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def _scan_image(seed: int) -> Image.Image:
    """A grey page with dark bars where lines of print would be: pixels, no text."""
    image = Image.new("L", (420, 594), color=235)
    draw = ImageDraw.Draw(image)
    for line in range(30):
        top = 40 + line * 17
        width = 300 + (seed * 37 + line * 53) % 60
        draw.rectangle((50, top, 50 + width, top + 8), fill=40)
    return image


def make_scanned_pdf(
    pages: int = 2, text_pages: tuple[int, ...] = (), stamp: str | None = None
) -> bytes:
    """A scan: every page an image only, except `text_pages` (1-based), which get typed text.

    `stamp` puts one line of real text over each image, as archives stamp "This content
    downloaded from ..." on scanned articles.
    """
    pdf = _new("Scanned report")
    pdf.set_auto_page_break(auto=False)
    pdf.set_font("Helvetica", size=11)
    for number in range(1, pages + 1):
        pdf.add_page()
        if number in text_pages:
            pdf.multi_cell(0, 6, f"Typed page {number}. " + "Evidence about mechanisms. " * 40)
        else:
            buffer = io.BytesIO()
            _scan_image(number).save(buffer, format="PNG")
            pdf.image(buffer, x=0, y=0, w=210, h=297)
            if stamp:
                pdf.set_xy(10, 285)
                pdf.cell(0, 5, stamp)
    return bytes(pdf.output())


def make_encrypted_pdf(user_password: str = "secret", owner_password: str = "owner") -> bytes:
    """A PDF that needs a password to open (an empty user_password gives an owner-only lock)."""
    pdf = _new("Locked paper")
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, "Confidential findings about the programme theory.")
    pdf.set_encryption(owner_password=owner_password, user_password=user_password)
    return bytes(pdf.output())


def make_long_pdf(pages: int, paragraphs_per_page: int = 6, seed: int = 1) -> bytes:
    """Many pages of deterministic English-like prose, for the benchmark and the page limit."""
    pdf = _new("Synthetic realist evaluation")
    pdf.set_font("Helvetica", size=10)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.multi_cell(0, 5, page_prose(number, paragraphs_per_page, seed))
    return bytes(pdf.output())


_WORDS = (
    "the context of the programme shaped how staff responded to the resources it offered and "
    "in which circumstances mechanisms such as trust reciprocity and perceived legitimacy were "
    "triggered among managers nurses patients and carers while outcomes varied across sites "
    "because leadership funding workload and organisational culture differed over time"
).split()


def page_prose(number: int, paragraphs: int = 6, seed: int = 1) -> str:
    """Deterministic paragraphs for page `number` (a linear congruential walk over _WORDS)."""
    state = (number * 7919 + seed * 104729) % 2147483647 or 1
    out: list[str] = []
    for _ in range(paragraphs):
        sentences: list[str] = []
        for _ in range(4):
            words: list[str] = []
            for _ in range(12):
                state = (state * 48271) % 2147483647
                words.append(_WORDS[state % len(_WORDS)])
            sentences.append(" ".join(words).capitalize() + ".")
        out.append(" ".join(sentences))
    return f"Page {number}.\n" + "\n".join(out)
