"""PDF text through PDFium (pypdfium2): one string, page boundaries kept as offsets."""

from __future__ import annotations

import re
import threading

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .results import Extracted, ExtractionError, ExtractionLimits
from .text import ProgressCallback, assemble, check_chars, clean, page_list, progress_for

# PDFium is not thread-safe: two threads inside it at once (a web request checking an upload
# while a worker thread extracts) can corrupt its state, so every call into it is serialised.
_PDFIUM = threading.Lock()

# PDFium's error codes (FPDF_GetLastError) for a document that would not open.
_ERR_PASSWORD = 4
_ERR_SECURITY = 5
_DETAIL = re.compile(r"\((PDFium: [^)]*?)\.?\)")

# A typeset page holds 2,000-4,000 characters; a scanned page with a publisher's download stamp
# ("This content downloaded from ...") holds about 100 over a page-sized image. Such a page has
# a text layer in name only.
_MIN_CHARS_PER_PAGE = 200
_SCAN_COVER = 0.5

# PDFium reports a hyphen that ends a line before a letter (and a soft hyphen) as U+FFFE, a
# noncharacter, in place of the hyphen and the line break. Both are put back as the page shows
# them: dropping the hyphen would glue compounds ("evidence-informed"), and keeping only the
# hyphen would split words mid-line ("man-agement").
_LINE_END_HYPHEN = "\ufffe"


def _open(filename: str, data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == _ERR_PASSWORD:
            raise ExtractionError(
                filename, "the PDF is encrypted; remove the password and upload it again"
            ) from None
        if code == _ERR_SECURITY:
            raise ExtractionError(
                filename,
                "the PDF is protected by a security scheme PDFium cannot open; print it to a "
                "new PDF or save an unprotected copy and upload that",
            ) from None
        detail = _DETAIL.search(str(exc))
        raise ExtractionError(
            filename,
            "not a readable PDF: the file is damaged or truncated"
            + (f" ({detail.group(1)})" if detail else ""),
        ) from None


def check_pdf(filename: str, data: bytes) -> None:
    """Refuse an encrypted or unreadable PDF without extracting it (PDFium opens lazily)."""
    with _PDFIUM:
        _open(filename, data).close()


def _image_page(page: pdfium.PdfPage) -> bool:
    """Whether an image covers most of the page, as a scan does."""
    width, height = page.get_size()
    area = max(width * height, 1.0)
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        left, bottom, right, top = image.get_bounds()
        if (right - left) * (top - bottom) >= _SCAN_COVER * area:
            return True
    return False


def _read_page(doc: pdfium.PdfDocument, index: int) -> tuple[str, bool] | None:
    """The page's text, and whether it is a scan (little or no text over a page-sized image);
    None when PDFium cannot load the page at all."""
    try:
        page = doc[index]
    except pdfium.PdfiumError:
        return None
    try:
        textpage = page.get_textpage()
        try:
            raw = textpage.get_text_range()
        finally:
            textpage.close()
        text = clean(raw.replace(_LINE_END_HYPHEN, "-\n")).strip()
        visible = _visible(text)
        scanned = visible == 0 or (visible < _MIN_CHARS_PER_PAGE and _image_page(page))
    except pdfium.PdfiumError:
        return None
    finally:
        page.close()
    return text, scanned


def _visible(text: str) -> int:
    return len("".join(text.split()))


def _title(doc: pdfium.PdfDocument) -> str | None:
    try:
        title = doc.get_metadata_value("Title")
    except (pdfium.PdfiumError, UnicodeDecodeError):
        return None
    title = " ".join(clean(title).split())
    return title or None


def extract_pdf(
    filename: str, data: bytes, limits: ExtractionLimits, progress: ProgressCallback | None
) -> Extracted:
    texts: list[str] = []
    scanned: list[int] = []
    unreadable: list[int] = []
    with _PDFIUM:
        doc = _open(filename, data)
        try:
            total = len(doc)
            if total == 0:
                raise ExtractionError(filename, "not a readable PDF: it has no pages")
            if total > limits.max_pages:
                raise ExtractionError(
                    filename,
                    f"the PDF has {total:,} pages, more than the {limits.max_pages:,} one "
                    "document may have; split it into parts",
                )
            title = _title(doc)
            ticker = progress_for(progress, total)
            chars = 0
            for index in range(total):
                read = _read_page(doc, index)
                if read is None:
                    unreadable.append(index + 1)
                    read = ("", True)
                text, scan = read
                if scan:
                    scanned.append(index + 1)
                chars += len(text)
                check_chars(filename, chars, limits)
                texts.append(text)
                ticker.tick(index + 1)
        finally:
            doc.close()
    ticker.finish("")
    return _result(texts, scanned, unreadable, title)


def _result(
    texts: list[str], scanned: list[int], unreadable: list[int], title: str | None
) -> Extracted:
    text, pages = assemble(texts)
    warnings: list[str] = []
    if unreadable:
        warnings.append(
            f"{_pages(unreadable)} {page_list(unreadable)} could not be read (the PDF is "
            "damaged there)"
        )
    needs_ocr = len(scanned) * 2 >= len(texts)
    if needs_ocr:
        warnings.append(
            "the PDF has almost no text layer: it looks scanned, and needs OCR (text "
            "recognition) before its text can be coded"
        )
    missing = [n for n in scanned if n not in unreadable]
    if missing and len(missing) == len(texts):
        warnings.append("no page has a text layer")
    elif missing:
        has = "has" if len(missing) == 1 else "have"
        warnings.append(f"{_pages(missing)} {page_list(missing)} {has} no text layer")
    return Extracted(
        text=text,
        pages=pages,
        kind="pdf",
        needs_ocr=needs_ocr,
        pages_without_text=tuple(scanned),
        encoding=None,
        warnings=tuple(warnings),
        title=title,
    )


def _pages(numbers: list[int]) -> str:
    return "page" if len(numbers) == 1 else "pages"
