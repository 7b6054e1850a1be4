"""The stopping aid's estimate of relevant records still unseen."""

from __future__ import annotations

from retroduce.screening.stopping import estimate


def test_nothing_unseen_means_nothing_remains():
    result = estimate([True, False, True], unseen=0)
    assert result.remaining_estimate == 0 and result.remaining_upper == 0
    assert result.recall_lower == 1.0


def test_a_recent_window_without_relevant_records_bounds_what_remains():
    sequence = [True] * 20 + [False] * 480  # all 20 relevant found early, 480 irrelevant since
    result = estimate(sequence, unseen=1500)
    assert result.window == 200 and result.window_found == 0
    assert result.remaining_estimate == 0
    # Seeing none in 200 is still plausible with a few relevant among 1,700: the bound is honest.
    assert 0 < result.remaining_upper < 30
    assert result.recall_lower < 1.0


def test_relevant_records_still_turning_up_raise_the_estimate():
    quiet = estimate([True] * 10 + [False] * 190, unseen=800)
    busy = estimate([True] * 10 + [False] * 150 + [True, False, False, False] * 10, unseen=800)
    assert busy.remaining_estimate > quiet.remaining_estimate
    assert busy.remaining_upper > quiet.remaining_upper
    assert busy.remaining_upper >= busy.remaining_estimate


def test_window_is_never_larger_than_what_was_screened():
    result = estimate([True, False, False], unseen=10_000)
    assert result.window == 3


def test_it_counts_the_records_screened_since_the_last_relevant_one():
    result = estimate([True, False, True] + [False] * 40, unseen=1000)
    assert result.since_relevant == 40
    assert not result.ranking_dry  # 40 of 1,043 records: not yet a tenth
    dry = estimate([True] + [False] * 110, unseen=900)
    assert dry.since_relevant == 110 and dry.ranking_dry  # 110 of 1,011: a tenth
    nothing_found = estimate([False] * 200, unseen=100)
    assert nothing_found.since_relevant == 200 and not nothing_found.ranking_dry
