"""extract(): a full text's bytes in, its text with page offsets out, or ExtractionError."""

from __future__ import annotations

import dataclasses
import hashlib

from . import docx, pdf
from .detect import classify, mismatch_warning
from .htmltext import extract_html
from .plaintext import extract_txt
from .results import Extracted, ExtractionLimits
from .text import ProgressCallback, check_bytes, decode_text

_DEFAULT_LIMITS = ExtractionLimits()
_EXTRACTORS = {
    "pdf": pdf.extract_pdf,
    "docx": docx.extract_docx,
    "html": extract_html,
    "txt": extract_txt,
}


def checksum(data: bytes) -> str:
    """The SHA-256 of the file, in hex: the same file attached twice has the same checksum."""
    return hashlib.sha256(data).hexdigest()


def detect_kind(data: bytes, filename: str) -> str:
    """'pdf', 'html', 'docx' or 'txt' by content, or ExtractionError saying why not.

    Cheap enough for an upload request, and it refuses at once what extraction would refuse
    later for the file as a whole: an encrypted or unreadable PDF, a zip bomb, binary data.
    """
    kind = classify(data, filename)
    if kind == "pdf":
        pdf.check_pdf(filename, data)
    elif kind == "docx":
        docx.open_archive(filename, data, _DEFAULT_LIMITS).close()
    else:
        decode_text(filename, data)
    return kind


def extract(
    data: bytes,
    filename: str,
    limits: ExtractionLimits = _DEFAULT_LIMITS,
    progress: ProgressCallback | None = None,
) -> Extracted:
    """The file's text, its pages as offsets into that text, and what a reviewer should know.

    `progress(done_pages, total_pages)` is called as pages are read (about every 1%) and once
    at the end.
    """
    check_bytes(filename, data, limits)
    kind = classify(data, filename)
    result = _EXTRACTORS[kind](filename, data, limits, progress)
    note = mismatch_warning(filename, kind)
    if note is None:
        return result
    return dataclasses.replace(result, warnings=(note, *result.warnings))
