"""Plain-text full texts: decoded per file; form feeds (as pdftotext writes them) split pages."""

from __future__ import annotations

from .results import Extracted, ExtractionError, ExtractionLimits
from .text import ProgressCallback, check_chars, clean, decode_text, text_result


def extract_txt(
    filename: str, data: bytes, limits: ExtractionLimits, progress: ProgressCallback | None
) -> Extracted:
    text, encoding, warnings = decode_text(filename, data)
    # The form feed is split on before clean() removes it with the other control characters.
    parts = text.split("\f")
    if len(parts) > 1 and not parts[-1].strip():
        parts.pop()  # pdftotext ends every page, the last one included, with a form feed
    page_texts = [clean(part).strip("\n") for part in parts]
    check_chars(filename, sum(map(len, page_texts)), limits)
    if len(page_texts) > limits.max_pages:
        raise ExtractionError(
            filename,
            f"the text has {len(page_texts):,} pages (form feeds), more than the "
            f"{limits.max_pages:,} one document may have",
        )
    return text_result(
        "txt",
        page_texts,
        progress,
        empty="the file holds only white space",
        encoding=encoding,
        warnings=warnings,
    )
