"""Agreement between two coders who coded the same document, code by code, on characters.

Each character of the document is a unit that a coder either coded with a code or not; a coder's
spans for one code are merged first, so overlapping spans count each character once. Everything is
interval arithmetic over the merged spans: a 2-million-character document with 100 codes costs
what its spans cost, never an array of characters.

Per code: percent agreement, Cohen's kappa and Krippendorff's alpha (nominal data, two coders, no
missing values). The screening module's `agreement()` computes kappa from a list of paired votes,
which here would be one pair per character; the same formulas are applied to counts instead.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

K = TypeVar("K", bound=Hashable)
Spans = list[tuple[int, int]]


@dataclass(frozen=True)
class CodeAgreement(Generic[K]):
    code: K
    chars_a: int  # characters coder A coded with the code
    chars_b: int
    chars_both: int
    chars_either: int
    percent: float  # 0..100, over all characters of the document (coded by neither counts)
    kappa: float | None  # None when undefined: both coders put every character in one class
    alpha: float | None  # None when undefined: the code was used on no character or on all


@dataclass(frozen=True)
class Disagreement(Generic[K]):
    code: K
    start: int
    end: int
    coded_by: Literal["a", "b"]  # the one coder who applied the code to text[start:end]


def merge(spans: Iterable[tuple[int, int]]) -> Spans:
    """Sorted, disjoint spans covering the same characters; touching spans are joined."""
    merged: Spans = []
    for start, end in sorted(spans):
        if start < 0 or end < start:
            raise ValueError(f"invalid span ({start}, {end})")
        if start == end:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _length(spans: Spans) -> int:
    return sum(end - start for start, end in spans)


def _overlap(a: Spans, b: Spans) -> int:
    total = i = j = 0
    while i < len(a) and j < len(b):
        low, high = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if high > low:
            total += high - low
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _minus(a: Spans, b: Spans) -> Spans:
    """The parts of the merged spans `a` outside the merged spans `b`."""
    left: Spans = []
    j = 0
    for start, end in a:
        while j < len(b) and b[j][1] <= start:
            j += 1
        k = j
        while k < len(b) and b[k][0] < end:
            if b[k][0] > start:
                left.append((start, b[k][0]))
            start = max(start, b[k][1])
            k += 1
        if start < end:
            left.append((start, end))
    return left


def _codes(spans_a: Mapping[K, object], spans_b: Mapping[K, object]) -> list[K]:
    codes = list(dict.fromkeys([*spans_a, *spans_b]))
    try:
        return sorted(codes)  # type: ignore[type-var]
    except TypeError:
        # Keys that do not sort (mixed types) keep the order in which they were first seen.
        return codes


def _kappa(n: int, a: int, b: int, both: int) -> float | None:
    # Observed and chance agreement over n characters, in integers so that nothing is lost to
    # rounding before the one division: p_o = agreed / n, p_e = expected / n².
    agreed = both + (n - a - b + both)
    expected = a * b + (n - a) * (n - b)
    if expected == n * n:
        return None
    return (agreed * n - expected) / (n * n - expected)


def _alpha(n: int, a: int, b: int, both: int) -> float | None:
    # Krippendorff's alpha, nominal, two coders, n units, no missing values. The coincidence
    # matrix has 2n pairable values: n_1 = a + b coded, n_0 = 2n - n_1 not; each unit where the
    # coders differ adds 1 to o_01 and to o_10. alpha = 1 - (2n - 1) * o_01 / (n_0 * n_1).
    differ = a + b - 2 * both
    n_1 = a + b
    n_0 = 2 * n - n_1
    if n_0 == 0 or n_1 == 0:
        return None
    return 1.0 - (2 * n - 1) * differ / (n_0 * n_1)


def code_agreement(
    text_length: int,
    spans_a: Mapping[K, Iterable[tuple[int, int]]],
    spans_b: Mapping[K, Iterable[tuple[int, int]]],
) -> list[CodeAgreement[K]]:
    """Per code used by either coder, ordered by code: how far coders A and B agree."""
    if text_length <= 0:
        raise ValueError("the document has no text to agree on")
    results: list[CodeAgreement[K]] = []
    for code in _codes(spans_a, spans_b):
        a_spans = merge(spans_a.get(code, ()))
        b_spans = merge(spans_b.get(code, ()))
        for spans in (a_spans, b_spans):
            if spans and spans[-1][1] > text_length:
                raise ValueError(f"span {spans[-1]} of code {code!r} ends after the text")
        a, b = _length(a_spans), _length(b_spans)
        both = _overlap(a_spans, b_spans)
        either = a + b - both
        results.append(
            CodeAgreement(
                code=code,
                chars_a=a,
                chars_b=b,
                chars_both=both,
                chars_either=either,
                percent=100.0 * (text_length - either + both) / text_length,
                kappa=_kappa(text_length, a, b, both),
                alpha=_alpha(text_length, a, b, both),
            )
        )
    return results


def disagreements(
    spans_a: Mapping[K, Iterable[tuple[int, int]]],
    spans_b: Mapping[K, Iterable[tuple[int, int]]],
) -> list[Disagreement[K]]:
    """The maximal runs of characters that exactly one coder coded, ordered by code then start."""
    found: list[Disagreement[K]] = []
    for code in _codes(spans_a, spans_b):
        a_spans = merge(spans_a.get(code, ()))
        b_spans = merge(spans_b.get(code, ()))
        runs = [(s, e, "a") for s, e in _minus(a_spans, b_spans)]
        runs += [(s, e, "b") for s, e in _minus(b_spans, a_spans)]
        # The two lists are disjoint from each other, so sorting by start orders them fully.
        runs.sort()
        found.extend(Disagreement(code, s, e, by) for s, e, by in runs)  # type: ignore[arg-type]
    return found
