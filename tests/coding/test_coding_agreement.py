"""Second-coder agreement per code on characters, by interval arithmetic."""

from __future__ import annotations

import random
import time

import pytest

from retroduce.coding.agreement import (
    CodeAgreement,
    Disagreement,
    code_agreement,
    disagreements,
    merge,
)
from retroduce.screening.agreement import agreement as screening_agreement


def only(results: list[CodeAgreement]) -> CodeAgreement:
    assert len(results) == 1
    return results[0]


def test_hand_computed_partial_overlap():
    # N = 10. A codes [0, 4), B codes [2, 6): a = 4, b = 4, both = 2 ([2, 4)), either = 6.
    # Agreed characters: both 2 + neither 4 = 6 -> percent 60.
    # Kappa: p_o = 0.6; p_e = 0.4 * 0.4 + 0.6 * 0.6 = 0.52; (0.6 - 0.52) / 0.48 = 1/6.
    # Alpha: 2N = 20 values, n_1 = 8, n_0 = 12, 4 units differ (o_01 = 4):
    #   1 - (20 - 1) * 4 / (12 * 8) = 1 - 76/96 = 20/96 = 0.208333…
    result = only(code_agreement(10, {"trust": [(0, 4)]}, {"trust": [(2, 6)]}))
    assert (result.chars_a, result.chars_b, result.chars_both, result.chars_either) == (4, 4, 2, 6)
    assert result.percent == pytest.approx(60.0)
    assert result.kappa == pytest.approx(1 / 6)
    assert result.alpha == pytest.approx(20 / 96)


def test_identical_coding_gives_kappa_and_alpha_one():
    spans = {"budget": [(3, 9), (20, 25)]}
    result = only(code_agreement(40, spans, spans))
    assert result.percent == 100.0
    assert result.kappa == pytest.approx(1.0)
    assert result.alpha == pytest.approx(1.0)


def test_disjoint_coding_gives_negative_kappa():
    # N = 10, A [0, 3), B [5, 8): both = 0, either = 6, agreed = 4 (neither) -> p_o = 0.4.
    # p_e = 0.3 * 0.3 + 0.7 * 0.7 = 0.58; kappa = (0.4 - 0.58) / 0.42 = -0.428571…
    # Alpha: n_1 = 6, n_0 = 14, 6 units differ: 1 - 19 * 6 / 84 = -30/84 = -0.357142…
    result = only(code_agreement(10, {"x": [(0, 3)]}, {"x": [(5, 8)]}))
    assert result.percent == pytest.approx(40.0)
    assert result.kappa == pytest.approx(-0.18 / 0.42)
    assert result.alpha == pytest.approx(-30 / 84)


def test_one_coder_never_used_the_code():
    # N = 10, A [0, 5), B nothing: p_o = 0.5, p_e = 0.5 * 0 + 0.5 * 1 = 0.5 -> kappa 0.
    # Alpha: n_1 = 5, n_0 = 15, 5 units differ: 1 - 19 * 5 / 75 = -20/75.
    result = only(code_agreement(10, {"x": [(0, 5)]}, {}))
    assert (result.chars_a, result.chars_b) == (5, 0)
    assert result.kappa == pytest.approx(0.0)
    assert result.alpha == pytest.approx(-20 / 75)


def test_neither_coder_used_the_code():
    result = only(code_agreement(10, {"x": []}, {"x": [(4, 4)]}))
    assert result.percent == 100.0
    assert result.kappa is None and result.alpha is None


def test_overlapping_spans_by_the_same_coder_count_once():
    # A's [0, 4) and [2, 6) are the characters [0, 6): 6, not 8.
    result = only(code_agreement(10, {"x": [(2, 6), (0, 4)]}, {"x": [(0, 6)]}))
    assert result.chars_a == 6
    assert result.kappa == pytest.approx(1.0)
    assert merge([(5, 7), (0, 2), (2, 3), (6, 9), (4, 4)]) == [(0, 3), (5, 9)]


def test_kappa_matches_the_screening_statistic_on_materialised_pairs():
    # The screening module computes kappa from paired votes; one pair per character must agree.
    rng = random.Random(3)
    n = 300
    spans_a = {"c": [(s, s + rng.randint(1, 30)) for s in rng.sample(range(270), 6)]}
    spans_b = {"c": [(s, s + rng.randint(1, 30)) for s in rng.sample(range(270), 6)]}
    coded_a = {i for s, e in spans_a["c"] for i in range(s, e)}
    coded_b = {i for s, e in spans_b["c"] for i in range(s, e)}
    pairs = [(str(i in coded_a), str(i in coded_b)) for i in range(n)]
    expected = screening_agreement(pairs)
    result = only(code_agreement(n, spans_a, spans_b))
    assert result.percent == pytest.approx(expected.percent)
    assert result.kappa == pytest.approx(expected.kappa)
    # Alpha by the general coincidence-matrix definition, on the same characters.
    values = [(i in coded_a, i in coded_b) for i in range(n)]
    o_01 = sum(1 for x, y in values if x != y)
    n_1 = sum(x + y for x, y in values)
    n_0 = 2 * n - n_1
    d_o = 2 * o_01 / (2 * n)
    d_e = 2 * n_0 * n_1 / (2 * n * (2 * n - 1))
    assert result.alpha == pytest.approx(1 - d_o / d_e)


def test_codes_are_opaque_and_ordered():
    results = code_agreement(10, {2: [(0, 1)], 1: [(0, 1)]}, {3: [(0, 1)]})
    assert [r.code for r in results] == [1, 2, 3]


def test_spans_outside_the_text_are_refused():
    with pytest.raises(ValueError):
        code_agreement(10, {"x": [(5, 11)]}, {})
    with pytest.raises(ValueError):
        code_agreement(10, {"x": [(5, 3)]}, {})


def test_disagreements_are_maximal_runs_of_one_coder():
    spans_a = {"trust": [(0, 10), (30, 35)], "budget": [(50, 60)]}
    spans_b = {"trust": [(5, 15), (20, 25), (30, 35)], "budget": [(50, 55), (55, 58)]}
    assert disagreements(spans_a, spans_b) == [
        Disagreement("budget", 58, 60, "a"),
        Disagreement("trust", 0, 5, "a"),
        Disagreement("trust", 10, 15, "b"),
        Disagreement("trust", 20, 25, "b"),
    ]
    # A run of A nested inside B splits B's span into two runs.
    assert disagreements({"x": [(10, 20)]}, {"x": [(0, 30)]}) == [
        Disagreement("x", 0, 10, "b"),
        Disagreement("x", 20, 30, "b"),
    ]


def test_large_document_without_per_character_arrays():
    rng = random.Random(11)
    n = 2_000_000
    codes = range(100)

    def coding():
        return {
            code: [
                (s, s + rng.randint(10, 2000)) for s in (rng.randrange(n - 2000) for _ in range(50))
            ]
            for code in codes
        }

    spans_a, spans_b = coding(), coding()
    started = time.perf_counter()
    results = code_agreement(n, spans_a, spans_b)
    runs = disagreements(spans_a, spans_b)
    assert time.perf_counter() - started < 2.0
    assert len(results) == 100
    assert all(-1.0 <= r.kappa <= 1.0 for r in results if r.kappa is not None)
    assert sum(r.end - r.start for r in runs) == sum(r.chars_either - r.chars_both for r in results)
