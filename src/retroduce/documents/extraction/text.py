"""What every format shares: decoding bytes, cleaning text, and laying pages out in one string."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable

from retroduce.sources.importers.context import Context, Progress
from retroduce.sources.importers.encoding import check_head, decode
from retroduce.sources.importers.limits import DEFAULT_LIMITS, describe_size
from retroduce.sources.records import ImportFailure

from .results import Extracted, ExtractionError, ExtractionLimits, Page

ProgressCallback = Callable[[int, int], None]

# Pages are joined by a blank line that belongs to no page, so text[page.start:page.end] is
# exactly what the page said and a quote never straddles two pages unnoticed.
PAGE_SEPARATOR = "\n\n"

# C0 controls (except tab and newline), DEL and C1 controls: they never carry meaning in a full
# text and would break the XML/HTML the text is later shown in.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"\r\n?")


def clean(text: str) -> str:
    """LF line endings and no control characters; no Unicode normalisation (offsets are code
    points into exactly this string, and combining accents stay as the file had them)."""
    if "\r" in text:
        text = _NEWLINES.sub("\n", text)
    return _CONTROLS.sub("", text)


def assemble(page_texts: Iterable[str]) -> tuple[str, tuple[Page, ...]]:
    """One string of all pages joined by PAGE_SEPARATOR, and each page's offsets within it."""
    parts: list[str] = []
    pages: list[Page] = []
    at = 0
    for number, page_text in enumerate(page_texts, start=1):
        if parts:
            parts.append(PAGE_SEPARATOR)
            at += len(PAGE_SEPARATOR)
        parts.append(page_text)
        pages.append(Page(number, at, at + len(page_text)))
        at += len(page_text)
    if not pages:
        pages.append(Page(1, 0, 0))
    return "".join(parts), tuple(pages)


def text_result(
    kind: str,
    page_texts: list[str],
    progress: ProgressCallback | None,
    *,
    empty: str,
    encoding: str | None = None,
    warnings: Iterable[str] = (),
    title: str | None = None,
) -> Extracted:
    """The result for a format that always has a text layer (all but PDF); `empty` is the
    warning given when it holds no text at all."""
    text, pages = assemble(page_texts)
    notes = list(warnings)
    if not text.strip():
        notes.append(empty)
    progress_for(progress, len(pages)).finish("")
    return Extracted(
        text=text,
        pages=pages,
        kind=kind,
        needs_ocr=False,
        pages_without_text=(),
        encoding=encoding,
        warnings=tuple(notes),
        title=title,
    )


def check_chars(filename: str, count: int, limits: ExtractionLimits) -> None:
    if count > limits.max_chars:
        raise ExtractionError(
            filename,
            f"the text is longer than {limits.max_chars:,} characters, the most one document "
            "may hold; split the document into parts",
        )


def check_bytes(filename: str, data: bytes, limits: ExtractionLimits) -> None:
    if not data:
        raise ExtractionError(filename, "the file is empty")
    if len(data) > limits.max_bytes:
        raise ExtractionError(
            filename,
            f"the file is {describe_size(len(data))}, over the limit of "
            f"{describe_size(limits.max_bytes)}",
        )


def progress_for(callback: ProgressCallback | None, total: int) -> Progress:
    """The importers' 1%-step progress throttle, reporting (done, total) pages."""
    if callback is None:
        return Progress(None, total, "")
    return Progress(lambda done, all_, _message: callback(done, all_), total, "")


def _context(filename: str) -> Context:
    return Context(file=filename, limits=DEFAULT_LIMITS)


def _refusal(filename: str, failure: ImportFailure) -> ExtractionError:
    reason = failure.reason
    # The importers' binary check speaks of reference exports; a full text is not one.
    if "reference" in reason:
        reason = "this looks like a binary file, not text"
    return ExtractionError(filename, reason)


def decode_text(filename: str, data: bytes) -> tuple[str, str, list[str]]:
    """Text, encoding and warnings: BOM, then strict UTF-8, then cp1252/latin-1 (the importers'
    rules, which also refuse binary content)."""
    ctx = _context(filename)
    try:
        text, encoding = decode(ctx, data)
    except ImportFailure as failure:
        raise _refusal(filename, failure) from None
    return text, encoding, ctx.warnings


# Python codecs a page may name that are no character set of the web: decoding with them would
# reinterpret backslashes or fail oddly, so such a declaration is ignored.
_NOT_PAGE_ENCODINGS = frozenset(
    {"unicode-escape", "raw-unicode-escape", "undefined", "idna", "punycode", "utf-7"}
)


def decode_declared(filename: str, data: bytes, declared: str) -> tuple[str, str] | None:
    """The text in a declared encoding, or None when the bytes are not valid in it."""
    try:
        codec = codecs.lookup(declared)
        if codec.name in _NOT_PAGE_ENCODINGS:
            return None
        text = data.decode(codec.name)
    except (LookupError, UnicodeError, ValueError):
        return None
    try:
        check_head(_context(filename), text)
    except ImportFailure as failure:
        raise _refusal(filename, failure) from None
    return text, codec.name


def page_list(numbers: Iterable[int]) -> str:
    """'3', '2-4 and 7': page numbers as a reader would write them."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    words = [str(a) if a == b else f"{a}-{b}" for a, b in runs]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]
