"""A stopping aid: how many relevant records may remain unseen, with an upper bound.

Method (after Callaghan and Müller-Hansen 2020, "Statistical stopping criteria for automated
screening in systematic reviews", Systematic Reviews 9:273): take the most recently screened window
of n records, in which k were relevant. Screening in ranked order, the records not yet seen are no
more likely to be relevant than that window. Treat the window as if it had been drawn at random from
itself plus the U unseen records; the largest number of remaining relevant records K for which
seeing k or fewer in the window still has probability of at least 5% is the 95% upper bound. The
point estimate applies the window's rate to the unseen records. Both are conservative when the
ranking is good, because the unseen tail is less rich than the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import hypergeom

# The share of all records screened since the last relevant one at which the ranking has gone dry:
# the default model (ranking.models) then also weighs each record's nearest neighbours. Kept here,
# not there, so that the web pages showing it do not import scikit-learn.
DRY_SHARE = 0.1


@dataclass(frozen=True)
class StoppingEstimate:
    screened: int
    unseen: int
    found: int
    window: int  # size of the recent window used
    window_found: int
    remaining_estimate: float  # point estimate of relevant records still unseen
    remaining_upper: int  # 95% upper bound
    recall_estimate: float | None  # found / (found + estimate)
    recall_lower: float | None  # found / (found + upper)
    # Screened since the last relevant record: the plain heuristic ASReview users stop by, and
    # what the default ranking model reads as having gone dry (DRY_SHARE).
    since_relevant: int = 0

    @property
    def ranking_dry(self) -> bool:
        """Relevant records were found, and since the last one DRY_SHARE of all have passed."""
        return self.found > 0 and self.since_relevant >= DRY_SHARE * (self.screened + self.unseen)


def window_size(screened: int, total: int) -> int:
    """The last tenth of all records, at least 50, never more than what has been screened."""
    return min(screened, max(50, total // 10))


def estimate(sequence: Sequence[bool], unseen: int, alpha: float = 0.05) -> StoppingEstimate:
    """`sequence`: relevance of the screened records in the order they were screened."""
    screened = len(sequence)
    found = sum(sequence)
    n = window_size(screened, screened + unseen)
    k = sum(sequence[screened - n :]) if n else 0
    if unseen == 0:
        upper, point = 0, 0.0
    elif n == 0:
        upper, point = unseen, float("nan")
    else:
        point = k * unseen / n
        upper = _upper_bound(k, n, unseen, alpha)
    recall = found / (found + point) if found and point == point else None
    recall_low = found / (found + upper) if found else None
    since = next((i for i, relevant in enumerate(reversed(sequence)) if relevant), screened)
    return StoppingEstimate(screened, unseen, found, n, k, point, upper, recall, recall_low, since)


def _upper_bound(k: int, n: int, unseen: int, alpha: float) -> int:
    """Largest K in [0, unseen] with P(X <= k) >= alpha, X ~ Hypergeom(M=n+unseen, R=k+K, draws=n)."""
    population = n + unseen

    def plausible(extra: int) -> bool:
        return hypergeom.cdf(k, population, k + extra, n) >= alpha

    low, high = 0, unseen  # plausible(0) always holds; find the last plausible value by bisection
    if plausible(high):
        return high
    while high - low > 1:
        middle = (low + high) // 2
        if plausible(middle):
            low = middle
        else:
            high = middle
    return low
