"""The simulation metrics against hand-computed examples."""

from __future__ import annotations

import pytest

from retroduce.screening.ranking import metrics

# Ten records, three relevant, found at positions 1, 4 and 8.
ORDER = [1, 0, 0, 1, 0, 0, 0, 1, 0, 0]


def test_wss95_is_the_share_left_unscreened_at_95_percent_recall_minus_5_percent():
    # 95% of 3 relevant needs all 3: found at position 8, so 2 of 10 are left unscreened.
    assert metrics.wss(ORDER, 0.95) == pytest.approx(2 / 10 - 0.05)


def test_wss_at_a_lower_recall_stops_at_the_first_record_that_reaches_it():
    # 50% of 3 needs 2 relevant: the second is at position 4, leaving 6 of 10.
    assert metrics.wss(ORDER, 0.5) == pytest.approx(6 / 10 - 0.5)


def test_recall_at_10_percent_counts_the_first_tenth_of_the_records():
    assert metrics.recall_at(ORDER, 0.10) == pytest.approx(1 / 3)
    # 10% of 25 records is 2.5: the first 2 are read, as ASReview-insights reads its curve.
    assert metrics.recall_at([0, 0, 1] + [0] * 21 + [1], 0.10) == 0.0


def test_loss_matches_asreviews_formula_by_hand():
    # Ny=3, Nx=10: (3 * (10 - 1) - sum(cumsum)) / (3 * 7); cumsum sums to 1*3 + 2*4 + 3*3 = 20.
    assert metrics.loss(ORDER) == pytest.approx((27 - 20) / 21)


def test_loss_is_zero_for_a_perfect_order_and_one_for_the_worst():
    assert metrics.loss([1, 1, 0, 0, 0]) == 0.0
    assert metrics.loss([0, 0, 0, 1, 1]) == 1.0


def test_atd_is_the_mean_position_of_the_relevant_records():
    assert metrics.atd(ORDER) == pytest.approx((1 + 4 + 8) / 3)


def test_all_metrics_has_the_contract_keys():
    assert set(metrics.all_metrics(ORDER)) == {"wss95", "recall10", "loss", "atd"}


def test_metrics_refuse_labels_without_a_relevant_record():
    with pytest.raises(ValueError):
        metrics.loss([0, 0, 0])
