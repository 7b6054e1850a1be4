"""Percent agreement and Cohen's kappa against hand-computed examples."""

from __future__ import annotations

import pytest

from retroduce.screening.agreement import agreement, wilson

# Reviewer A: I I I E E E E E E E ; reviewer B: I I E E E E E E E I
PAIRS = (
    [("include", "include")] * 2
    + [("include", "exclude")]
    + [("exclude", "exclude")] * 6
    + [("exclude", "include")]
)


def test_kappa_matches_the_hand_computation():
    result = agreement(PAIRS)
    # p_o = 8/10; p_e = (3*3 + 7*7)/100 = 0.58; kappa = 0.22/0.42
    assert result.n == 10 and result.agreed == 8
    assert result.percent == pytest.approx(80.0)
    assert result.kappa == pytest.approx(0.22 / 0.42)
    # SE = sqrt(0.8*0.2 / (10 * 0.42**2)) = 0.30117; 1.96 * SE = 0.5903
    assert result.kappa_low == pytest.approx(0.5238 - 0.5903, abs=1e-3)
    assert result.kappa_high == pytest.approx(1.0)  # capped


def test_wilson_interval_matches_published_values():
    low, high = wilson(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)
    assert wilson(0, 0) == (0.0, 1.0)


def test_perfect_agreement_on_both_categories_is_kappa_one():
    result = agreement([("include", "include"), ("exclude", "exclude")] * 5)
    assert result.kappa == pytest.approx(1.0)


def test_kappa_is_undefined_when_both_use_one_category():
    result = agreement([("exclude", "exclude")] * 4)
    assert result.percent == 100.0 and result.kappa is None


def test_three_categories_count_maybe_as_its_own():
    result = agreement([("maybe", "include"), ("include", "include"), ("exclude", "exclude")])
    # p_o = 2/3; A: m1 i1 e1, B: i2 e1 -> p_e = (1*2 + 1*1)/9 = 1/3; kappa = (2/3-1/3)/(2/3) = 0.5
    assert result.kappa == pytest.approx(0.5)


def test_no_pairs_gives_no_statistic():
    result = agreement([])
    assert result.n == 0 and result.kappa is None
