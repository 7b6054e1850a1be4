"""Full-text extraction: pure functions from a file's bytes to its text with page offsets.

    from retroduce.documents.extraction import extract, detect_kind, checksum

`extract` returns the whole text (PDF, HTML, DOCX or plain text) with each page as code-point
offsets into it, or raises ExtractionError naming the file and the reason. No Django here: the
documents app stores what this returns.
"""

from __future__ import annotations

from .api import checksum, detect_kind, extract
from .results import (
    SUPPORTED_KINDS,
    Extracted,
    ExtractionError,
    ExtractionLimits,
    Page,
)
from .text import PAGE_SEPARATOR

__all__ = [
    "PAGE_SEPARATOR",
    "SUPPORTED_KINDS",
    "Extracted",
    "ExtractionError",
    "ExtractionLimits",
    "Page",
    "checksum",
    "detect_kind",
    "extract",
]
