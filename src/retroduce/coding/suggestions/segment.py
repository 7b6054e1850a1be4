"""Documents cut into candidate passages: sentences, with very short ones joined to a neighbour
and very long ones cut at a word boundary.

Offsets are str indices into the document's text and each passage is exactly text[start:end],
so a suggestion can be turned into a fragment without searching for it again.
"""

from __future__ import annotations

import re

MIN_CHARS = 40
MAX_CHARS = 600

# A sentence may end after . ! or ? (and any closing quotes or brackets), before whitespace and
# a capital, a digit or an opening quote or bracket. "3.5" never qualifies (no whitespace), nor
# does "e.g. the" (lower case next); abbreviations before a capital are vetoed below.
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_ABBREVIATIONS = frozenset(
    "al e.g eg i.e ie cf vs fig figs eq eqs dr mr mrs ms prof no nos vol vols pp p approx ca "
    "resp st jr sr inc ltd co dept univ ref refs tab sec ch ed eds ibid viz op".split()
)
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def _is_abbreviation(text: str, period: int) -> bool:
    word = _WORD_BEFORE.search(text, max(0, period - 12), period)
    if word is None:
        return False
    token = word.group(1).lower().rstrip(".")
    # A lone capital before a period is an initial: "J. Smith".
    return token in _ABBREVIATIONS or (len(token) == 1 and text[period - 1].isupper())


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    begin = start
    for match in _END.finditer(text, start, end):
        if text[match.start()] == "." and _is_abbreviation(text, match.start()):
            continue
        spans.append((begin, match.end()))
        begin = match.end()
    spans.append((begin, end))
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cap(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    while end - start > limit:
        cut = -1
        # Prefer a clause boundary in the second half of the window, then any space.
        for mark in ("; ", ", ", " "):
            cut = text.rfind(mark, start + limit // 2, start + limit)
            if cut != -1:
                cut += len(mark)
                break
        if cut == -1:
            cut = start + limit
        piece = _strip(text, start, cut)
        if piece[1] > piece[0]:
            pieces.append(piece)
        start, end = _strip(text, cut, end)
    if end > start:
        pieces.append((start, end))
    return pieces


def segment(
    text: str, min_chars: int = MIN_CHARS, max_chars: int = MAX_CHARS
) -> list[tuple[int, int]]:
    """Passages of `text` as (start, end) offsets, in order and without overlap."""
    spans: list[tuple[int, int]] = []
    paragraph_start = 0
    breaks = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)] + [(len(text), len(text))]
    for para_end, next_start in breaks:
        merged: list[tuple[int, int]] = []
        for start, end in _sentences(text, paragraph_start, para_end):
            start, end = _strip(text, start, end)
            if end <= start:
                continue
            # A heading, a citation or "Methods." alone is too short to suggest: join it to the
            # sentence after it (within the paragraph), or to the one before at the end.
            if merged and merged[-1][1] - merged[-1][0] < min_chars:
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        if len(merged) > 1 and merged[-1][1] - merged[-1][0] < min_chars:
            last = merged.pop()
            merged[-1] = (merged[-1][0], last[1])
        for start, end in merged:
            spans.extend(_cap(text, start, end, max_chars))
        paragraph_start = next_start
    return spans
