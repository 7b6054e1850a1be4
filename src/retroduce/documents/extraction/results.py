"""The shapes extraction returns and the limits it enforces: plain data, no database."""

from __future__ import annotations

from dataclasses import dataclass

SUPPORTED_KINDS: tuple[str, ...] = ("pdf", "html", "docx", "txt")


@dataclass(frozen=True)
class Page:
    """One page of the extracted text: `text[start:end]`, offsets in code points (str indices)."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class Extracted:
    text: str
    pages: tuple[Page, ...]
    kind: str
    needs_ocr: bool
    pages_without_text: tuple[int, ...]
    encoding: str | None
    warnings: tuple[str, ...]
    title: str | None


class ExtractionError(Exception):
    """A file whose text cannot be extracted; str(error) names the file and says why."""

    def __init__(self, filename: str, reason: str) -> None:
        self.filename = filename
        self.reason = reason
        super().__init__(f"{filename or 'the file'}: {reason}")


@dataclass(frozen=True)
class ExtractionLimits:
    """Bounds that turn absurd or hostile files into a clean refusal instead of a stuck worker."""

    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    max_chars: int = 20_000_000
    max_docx_uncompressed: int = 200 * 1024 * 1024
    max_docx_ratio: int = 100
