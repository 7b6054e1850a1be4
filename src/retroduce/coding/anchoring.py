"""Anchors for coded fragments that survive a document being extracted again.

A fragment is stored as offsets plus the quoted text and some context either side, like the W3C Web
Annotation model's TextPositionSelector + TextQuoteSelector. When the document's text changes (a
better PDF extraction, a fixed OCR error, a new version), `reanchor` finds the fragment again:

1. the old offsets still hold the quote: keep them;
2. the quote occurs exactly elsewhere: of all occurrences, take the one whose prefix and suffix
   agree best with the stored context, then the one nearest the old position;
3. the quote occurs once both sides are normalised (whitespace runs, CRLF, hyphenation at line
   ends, soft hyphens, zero-width characters and a BOM, ligatures, accents, case), mapped back to
   offsets in the original text;
4. fuzzy alignment (rapidfuzz) of the normalised quote, accepted above a similarity threshold;
5. otherwise None: better to report an orphaned fragment than to attach it to the wrong passage.

Offsets are Python str indices (code points). A browser's JavaScript counts UTF-16 units, so an
emoji is one position here and two there; the web layer converts at its boundary.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from retroduce.sources.dedup.text import fold

# Hypothesis weighs its fuzzy matches in this spirit: the quote counts most, the context decides
# between near-equal candidates, and the old position only breaks what remains tied.
_W_QUOTE, _W_PREFIX, _W_SUFFIX, _W_POSITION = 50.0, 20.0, 20.0, 2.0

# Below this many normalised characters a fuzzy match is as likely to be chance as the passage.
_MIN_FUZZY_LENGTH = 8
# Whole-text fuzzy alignment is fast for needles up to about this length (tens of milliseconds on
# a megabyte); its cost grows with the needle, so longer quotes are placed by the pieces of them
# that survive exactly, and only the ends are aligned.
_FULL_SCAN_LENGTH = 400
_PIECE = 20
_PIECES = 24
_HITS_PER_PIECE = 8
_CLUSTERS = 3
_EDGE = 64
_EDGE_CUTOFF = 70.0

# Characters that may start a stretch to normalise. One character class scans a megabyte in a few
# milliseconds where an alternation of patterns takes tens, so the scan looks only for these and
# the work is done at each hit. Double spaces are found separately with str.find.
_TRIGGER = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1f\-\x80-\U0010ffff]")
_SPACES = re.compile(r"\s+")
# A hyphen between letters, with or without a line break after it: "exam-\nple", "well-known".
_HYPHENATION = re.compile(r"(?<=\w)[-\u00ad\u2010\u2011]\s*(?=\w)")
_HYPHENS = frozenset("-\u00ad\u2010\u2011")
# Characters that extraction tools add or drop at will: soft hyphen, zero-width ones, BOM.
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")


def _double_spaces(text: str) -> Iterator[int]:
    at = text.find("  ")
    while at != -1:
        yield at
        at = text.find("  ", at + 2)


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Reanchored:
    start: int
    end: int
    exact: bool  # text[start:end] == anchor.quote
    # 1.0 when the quote was found exactly or equal after normalisation; the fuzzy alignment's
    # similarity (0..1) otherwise.
    score: float


def make_anchor(text: str, start: int, end: int, context: int = 40) -> Anchor:
    """The anchor of text[start:end], with up to `context` characters of context either side."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"need 0 <= start < end <= {len(text)}, got start={start}, end={end}")
    if context < 0:
        raise ValueError("context must not be negative")
    return Anchor(
        start=start,
        end=end,
        quote=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )


class _Normalised:
    """A normalised copy of a text with a map from its offsets back to the original's.

    The map is a list of segments rather than one integer per character: identity segments (text
    kept as it was) and replaced ones (a whitespace run, a ligature, a dropped hyphen), so a
    1 MB text with a few thousand line breaks costs a few thousand entries.
    """

    def __init__(self, text: str) -> None:
        pieces: list[str] = []
        # Per segment: start in the normalised text, start and end in the original, identity?
        self.norm_starts: list[int] = []
        self.orig_starts: list[int] = []
        self.orig_ends: list[int] = []
        self.identity: list[bool] = []
        position = 0  # in the normalised text
        last = 0  # in the original text
        triggers = heapq.merge((m.start() for m in _TRIGGER.finditer(text)), _double_spaces(text))
        for at in triggers:
            if at < last:
                continue
            span = self._stretch(text, at, last)
            if span is None:
                continue
            begin, finish, replacement = span
            if begin > last:
                self._segment(position, last, begin, True)
                pieces.append(text[last:begin])
                position += begin - last
            self._segment(position, begin, finish, False)
            pieces.append(replacement)
            position += len(replacement)
            last = finish
        if last < len(text):
            self._segment(position, last, len(text), True)
            pieces.append(text[last:])
        joined = "".join(pieces)
        lowered = joined.lower()
        # Lower-casing keeps ASCII lengths; a stray character that would grow is left as it was.
        self.text = lowered if len(lowered) == len(joined) else joined
        self.length = len(text)

    @staticmethod
    def _stretch(text: str, at: int, last: int) -> tuple[int, int, str] | None:
        """The stretch starting near `at` that normalises to something else, and what to."""
        char = text[at]
        if char in _HYPHENS:
            hyphen = _HYPHENATION.match(text, at)
            if hyphen is not None:
                return at, hyphen.end(), ""
        if char in _INVISIBLE:
            return at, at + 1, ""
        if char.isspace():
            begin = at
            while begin > last and text[begin - 1] == " ":
                begin -= 1
            finish = _SPACES.match(text, begin).end()  # type: ignore[union-attr]
            if finish - begin == 1 and char == " ":
                return None
            return begin, finish, " "
        if char.isascii():
            return None
        folded = fold(char)
        return None if folded == char else (at, at + 1, folded)

    def _segment(self, norm_start: int, orig_start: int, orig_end: int, identity: bool) -> None:
        self.norm_starts.append(norm_start)
        self.orig_starts.append(orig_start)
        self.orig_ends.append(orig_end)
        self.identity.append(identity)

    def _at(self, n: int) -> int:
        return bisect.bisect_right(self.norm_starts, n) - 1

    def start_to_original(self, n: int) -> int:
        if not self.norm_starts:
            return 0
        i = self._at(n)
        if i < 0:
            return 0
        if self.identity[i]:
            return min(self.orig_starts[i] + n - self.norm_starts[i], self.orig_ends[i])
        return self.orig_starts[i] if n == self.norm_starts[i] else self.orig_ends[i]

    def end_to_original(self, n: int) -> int:
        """The original end offset of a normalised span ending (exclusively) at n."""
        if n <= 0 or not self.norm_starts:
            return 0
        i = self._at(n - 1)
        if self.identity[i]:
            return min(self.orig_starts[i] + n - self.norm_starts[i], self.orig_ends[i])
        return self.orig_ends[i]

    def from_original(self, offset: int) -> int:
        """The normalised offset nearest an original one (for the position tie-break)."""
        if not self.orig_starts:
            return 0
        i = max(0, bisect.bisect_right(self.orig_starts, offset) - 1)
        if self.identity[i]:
            return self.norm_starts[i] + min(offset, self.orig_ends[i]) - self.orig_starts[i]
        return self.norm_starts[i]


@lru_cache(maxsize=8)
def _normalised(text: str) -> _Normalised:
    # Cached because a document's fragments are re-anchored one after another against the same
    # text; str caches its own hash, so the lookup costs nothing after the first.
    return _Normalised(text)


def _normal(text: str) -> str:
    # Not through the cache: quotes and their context would push the documents out of it.
    return _Normalised(text).text


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return fuzz.ratio(a, b) / 100.0


def _weighted(
    hay: str, start: int, end: int, prefix: str, suffix: str, window: int, near: int, quote: float
) -> float:
    before = hay[max(0, start - window) : start]
    after = hay[end : end + window]
    closeness = 1.0 - min(1.0, abs(start - near) / max(len(hay), 1))
    total = (
        _W_QUOTE * quote
        + _W_PREFIX * _similarity(prefix[-window:] if window else "", before)
        + _W_SUFFIX * _similarity(suffix[:window], after)
        + _W_POSITION * closeness
    )
    return total / (_W_QUOTE + _W_PREFIX + _W_SUFFIX + _W_POSITION)


def _occurrences(hay: str, needle: str, most: int | None = None) -> list[int]:
    found: list[int] = []
    at = hay.find(needle)
    while at != -1 and (most is None or len(found) < most):
        found.append(at)
        at = hay.find(needle, at + 1)
    return found


def _best_exact(
    hay: str, needle: str, prefix: str, suffix: str, near: int
) -> tuple[int, float] | None:
    starts = _occurrences(hay, needle)
    if not starts:
        return None
    if len(starts) == 1:
        return starts[0], 1.0
    window = max(len(prefix), len(suffix))
    end = len(needle)
    best = max(
        starts,
        key=lambda s: (
            _weighted(hay, s, s + end, prefix, suffix, window, near, 1.0),
            -abs(s - near),
        ),
    )
    return best, 1.0


def _long_candidates(hay: str, needle: str, near: int) -> list[tuple[int, int]]:
    """Where a long quote may be: pieces of it that occur exactly vote for a start, and the
    biggest clusters of votes win; the old position is always a candidate."""
    size = len(needle)
    step = max(1, (size - _PIECE) // (_PIECES - 1))
    votes: list[tuple[int, int, int]] = []  # (implied start, offset in the quote, hit)
    for offset in range(0, size - _PIECE + 1, step):
        hits = _occurrences(hay, needle[offset : offset + _PIECE], _HITS_PER_PIECE + 1)
        # A piece found everywhere ("and the results of the") says nothing about where.
        if len(hits) <= _HITS_PER_PIECE:
            votes.extend((at - offset, offset, at) for at in hits)
    votes.sort()
    tolerance = size // 8 + 32
    clusters: list[list[tuple[int, int, int]]] = []
    for vote in votes:
        if clusters and vote[0] - clusters[-1][-1][0] <= tolerance:
            clusters[-1].append(vote)
        else:
            clusters.append([vote])
    clusters.sort(key=lambda c: len({offset for _, offset, _ in c}), reverse=True)
    candidates = [(near, near + size)]
    for cluster in clusters[:_CLUSTERS]:
        first = min(cluster, key=lambda v: v[1])
        last = max(cluster, key=lambda v: v[1])
        candidates.append((first[2] - first[1], last[2] + size - last[1]))
    return candidates


def _refine(hay: str, needle: str, start: int, end: int) -> tuple[int, int]:
    """Move a long quote's estimated ends to where its first and last words align best."""
    edge = min(_EDGE, len(needle) // 2)
    low = max(0, start - 2 * edge)
    found = fuzz.partial_ratio_alignment(needle[:edge], hay[low : start + 3 * edge])
    if found is not None and found.score >= _EDGE_CUTOFF:
        start = low + found.dest_start
    low = max(0, end - 3 * edge)
    found = fuzz.partial_ratio_alignment(needle[-edge:], hay[low : end + 2 * edge])
    if found is not None and found.score >= _EDGE_CUTOFF:
        end = low + found.dest_end
    return max(0, start), min(len(hay), end)


def _threshold(length: int) -> float:
    # Short quotes need a closer match: two edits in twelve characters is another phrase.
    if length < 30:
        return 90.0
    if length < 100:
        return 85.0
    return 80.0


def _best_fuzzy(
    hay: str, needle: str, prefix: str, suffix: str, near: int
) -> tuple[int, int, float] | None:
    if len(needle) < _MIN_FUZZY_LENGTH or not hay:
        return None
    cutoff = _threshold(len(needle))
    found: list[tuple[int, int, float]] = []
    if len(needle) <= _FULL_SCAN_LENGTH:
        aligned = fuzz.partial_ratio_alignment(needle, hay, score_cutoff=cutoff)
        if aligned is not None and len(needle) <= len(hay):
            found.append((aligned.dest_start, aligned.dest_end, aligned.score))
    else:
        for start, end in _long_candidates(hay, needle, near):
            start, end = _refine(hay, needle, max(0, start), min(len(hay), end))
            if end > start:
                found.append((start, end, fuzz.ratio(needle, hay[start:end])))
    window = max(len(prefix), len(suffix))
    best: tuple[float, int, int, float] | None = None
    for start, end, score in found:
        if score < cutoff or end <= start:
            continue
        quality = score / 100.0
        weighted = _weighted(hay, start, end, prefix, suffix, window, near, quality)
        if best is None or weighted > best[0]:
            best = (weighted, start, end, quality)
    if best is None:
        return None
    return best[1], best[2], best[3]


def reanchor(text: str, anchor: Anchor) -> Reanchored | None:
    """Where the anchored fragment is in `text` now, or None when it cannot be found confidently."""
    quote = anchor.quote
    if not quote:
        return None
    if text[anchor.start : anchor.end] == quote:
        return Reanchored(anchor.start, anchor.end, True, 1.0)

    exact = _best_exact(text, quote, anchor.prefix, anchor.suffix, anchor.start)
    if exact is not None:
        start, _ = exact
        return Reanchored(start, start + len(quote), True, 1.0)

    normalised = _normalised(text)
    needle = _normal(quote).strip(" ")
    if not needle:
        return None
    prefix, suffix = _normal(anchor.prefix), _normal(anchor.suffix)
    near = normalised.from_original(anchor.start)

    found = _best_exact(normalised.text, needle, prefix, suffix, near)
    if found is not None:
        n_start, quality = found
        n_end = n_start + len(needle)
    else:
        fuzzy = _best_fuzzy(normalised.text, needle, prefix, suffix, near)
        if fuzzy is None:
            return None
        n_start, n_end, quality = fuzzy

    start = normalised.start_to_original(n_start)
    end = normalised.end_to_original(n_end)
    # A normalised match may begin on a space that stood for a run of whitespace: trim it off.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end <= start:
        return None
    return Reanchored(start, end, text[start:end] == quote, quality)
