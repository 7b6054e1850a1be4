"""Screening simulation metrics, computed from the labels of the records in the order screened.

Every function takes `labels`: 1 (relevant) or 0 for each record in the order the model presented
them, priors excluded (as ASReview and ASReview-insights compute them by default). So the same
function scores our order and ASReview's, and a benchmark compares like with like.

- `wss(labels, 0.95)`: work saved over sampling (Cohen et al. 2006): the share of records left
  unscreened when recall first reaches 95%, minus the 5% a random order would also leave.
- `recall_at(labels, 0.10)`: share of the relevant records found after screening the first 10%
  (rounded down, as ASReview-insights reads its recall curve).
- `loss(labels)`: ASReview 2.x/3.x `asreview.metrics.loss`: the normalised area between the
  perfect recall curve and this one; 0 is a perfect order, 1 the worst possible.
- `atd(labels)`: average time to discovery as in ASReview-insights: the mean, over relevant
  records, of the number of records screened up to and including it (1-based position).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

# Floating-point slack for "fraction times count" so that 0.95 * 20 is 19, not 19.000000001.
_EPS = 1e-9


def _array(labels: Sequence[int] | np.ndarray) -> np.ndarray:
    values = np.asarray(labels, dtype=np.int64)
    if values.ndim != 1:
        raise ValueError("labels must be a flat sequence of 0 and 1")
    return values


def _relevant_count(values: np.ndarray) -> int:
    found = int(values.sum())
    if found == 0:
        raise ValueError("the labels hold no relevant record")
    return found


def wss(labels: Sequence[int] | np.ndarray, recall: float = 0.95) -> float:
    """Work saved over sampling at `recall`: (N - screened) / N - (1 - recall)."""
    values = _array(labels)
    relevant = _relevant_count(values)
    needed = max(1, math.ceil(recall * relevant - _EPS))
    # 1-based position of the record that brings recall to `recall`.
    screened = int(np.searchsorted(np.cumsum(values), needed)) + 1
    total = len(values)
    return (total - screened) / total - (1.0 - recall)


def recall_at(labels: Sequence[int] | np.ndarray, fraction: float = 0.10) -> float:
    """Share of relevant records found after screening `fraction` of the records."""
    values = _array(labels)
    relevant = _relevant_count(values)
    screened = math.floor(fraction * len(values) + _EPS)
    return float(values[:screened].sum()) / relevant


def loss(labels: Sequence[int] | np.ndarray) -> float:
    """ASReview's loss: (Ny (Nx - (Ny - 1) / 2) - sum(cumsum(labels))) / (Ny (Nx - Ny))."""
    values = _array(labels)
    ny = _relevant_count(values)
    nx = len(values)
    if nx == ny:
        raise ValueError("the labels hold no irrelevant record")
    return float((ny * (nx - (ny - 1) / 2) - np.cumsum(values).sum()) / (ny * (nx - ny)))


def atd(labels: Sequence[int] | np.ndarray) -> float:
    """Average time to discovery: mean 1-based position of the relevant records."""
    values = _array(labels)
    _relevant_count(values)
    return float(np.mean(np.flatnonzero(values == 1) + 1))


def recall_curve(labels: Sequence[int] | np.ndarray) -> np.ndarray:
    """Recall after each screened record (for plots)."""
    values = _array(labels)
    return np.cumsum(values) / _relevant_count(values)


def all_metrics(labels: Sequence[int] | np.ndarray) -> dict[str, float]:
    """The four contract metrics, keyed as in `retroduce simulate` output."""
    return {
        "wss95": wss(labels, 0.95),
        "recall10": recall_at(labels, 0.10),
        "loss": loss(labels),
        "atd": atd(labels),
    }
