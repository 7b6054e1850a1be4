"""Telling PDF, DOCX, HTML and plain text apart by content; the extension only breaks ties."""

from __future__ import annotations

import io
import os
import re
import zipfile

from .docx import ZIP_ERRORS, is_word_document
from .results import ExtractionError

_SAVE = "save it as DOCX or PDF and upload that"
# Files people attach by mistake, and what to tell them.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "this is an old Word .doc file or a password-protected Office document; open it in "
        f"Word, remove any password, and {_SAVE}",
    ),
    (b"{\\rtf", f"this is a rich-text (RTF) document; {_SAVE}"),
    (b"\x89PNG", "this is an image (PNG), not a full text; attach the article as a PDF"),
    (b"\xff\xd8\xff", "this is an image (JPEG), not a full text; attach the article as a PDF"),
    (b"GIF87a", "this is an image (GIF), not a full text; attach the article as a PDF"),
    (b"GIF89a", "this is an image (GIF), not a full text; attach the article as a PDF"),
    (b"II*\x00", "this is an image (TIFF); scans must be combined into a PDF first"),
    (b"MM\x00*", "this is an image (TIFF); scans must be combined into a PDF first"),
    (b"\x7fELF", "this is a program, not a document"),
    (b"\x1f\x8b", "this is a compressed (gzip) file; unpack it first"),
    (b"Rar!\x1a\x07", "this is a RAR archive; unpack it first"),
    (b"7z\xbc\xaf\x27\x1c", "this is a 7-Zip archive; unpack it first"),
    (b"SQLite format 3\x00", "this is a database file, not a document"),
    (b"AT&TFORM", "this is a DjVu document; print it to PDF first"),
)
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".docm": "docx",
    ".dotx": "docx",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xht": "html",
    ".txt": "txt",
    ".text": "txt",
}
_NAMES = {"pdf": "PDF", "docx": "Word (DOCX)", "html": "HTML", "txt": "plain-text"}
# A PDF's header may follow up to 1 KiB of junk (some servers prepend it); readers accept that.
_PDF_WINDOW = 1024
_HTML_START = re.compile(
    rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
    re.I | re.S,
)
_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}


def extension_kind(filename: str) -> str | None:
    return _EXTENSIONS.get(os.path.splitext(filename)[1].lower())


def _zip_kind(filename: str, data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if is_word_document(archive):
                return "docx"
            names = set(archive.namelist())
    except ZIP_ERRORS:
        raise ExtractionError(
            filename, "not a readable DOCX: the zip archive is damaged or truncated"
        ) from None
    if "ppt/presentation.xml" in names:
        reason = f"this is a PowerPoint presentation; {_SAVE.replace('DOCX or ', '')}"
    elif "xl/workbook.xml" in names:
        reason = "this is an Excel workbook, not a full text"
    elif "content.xml" in names:
        reason = f"this is an OpenDocument (LibreOffice) file; {_SAVE}"
    elif "META-INF/container.xml" in names:
        reason = "this is an EPUB e-book; print or export it to PDF first"
    else:
        reason = "this is a zip archive; unpack it and attach the documents inside"
    raise ExtractionError(filename, reason)


def _looks_like_html(data: bytes) -> bool:
    head = data[:4096]
    for bom, codec in _UTF16_BOMS.items():
        if head.startswith(bom):
            head = head[2:].decode(codec, "ignore").encode("ascii", "ignore")
            break
    else:
        head = head.removeprefix(b"\xef\xbb\xbf")
    return _HTML_START.match(head) is not None


def classify(data: bytes, filename: str) -> str:
    """The kind by content, without decoding or opening the whole file."""
    if not data:
        raise ExtractionError(filename, "the file is empty")
    if b"%PDF-" in data[:_PDF_WINDOW]:
        return "pdf"
    if data.startswith(_ZIP):
        return _zip_kind(filename, data)
    for magic, reason in _SIGNATURES:
        if data.startswith(magic):
            raise ExtractionError(filename, reason)
    # "MZ" alone could begin a text; a Windows program has NUL bytes right after it.
    if data.startswith(b"MZ") and b"\x00" in data[2:64]:
        raise ExtractionError(filename, "this is a program (.exe), not a document")
    if _looks_like_html(data):
        return "html"
    named = extension_kind(filename)
    if named in ("pdf", "docx"):
        raise ExtractionError(
            filename,
            f"the file is named like a {_NAMES[named]} file but is not one; it may be damaged, "
            "or a web page saved under the wrong name",
        )
    return named or "txt"


def mismatch_warning(filename: str, kind: str) -> str | None:
    """A note when the name promised another format (a paywall page saved as paper.pdf)."""
    named = extension_kind(filename)
    if named is None or named == kind:
        return None
    note = f"the file is named like a {_NAMES[named]} file but holds {_NAMES[kind]}"
    if kind == "html" and named == "pdf":
        note += "; it may be a publisher's login page rather than the article"
    return note + f"; it was read as {_NAMES[kind]}"
