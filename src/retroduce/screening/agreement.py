"""Agreement between two reviewers on the records both screened: percent agreement and Cohen's kappa,
each with a 95% confidence interval.

Prioritised screening means reviewers overlap only partly, so both statistics use only the records
that both reviewers voted on.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Agreement:
    n: int
    agreed: int
    percent: float  # 0..100
    percent_low: float
    percent_high: float
    kappa: float | None  # None when undefined (both reviewers used one category only)
    kappa_low: float | None
    kappa_high: float | None


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion: well behaved near 0 and 1, unlike the Wald interval."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def agreement(pairs: Sequence[tuple[str, str]]) -> Agreement:
    """Statistics for paired votes [(vote of reviewer A, vote of reviewer B), …]."""
    n = len(pairs)
    agreed = sum(1 for a, b in pairs if a == b)
    low, high = wilson(agreed, n)
    if n == 0:
        return Agreement(0, 0, 0.0, 0.0, 100.0, None, None, None)
    p_o = agreed / n
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    p_e = sum(left[c] * right[c] for c in set(left) | set(right)) / (n * n)
    if p_e >= 1.0:
        kappa = kappa_low = kappa_high = None
    else:
        kappa = (p_o - p_e) / (1 - p_e)
        # Large-sample standard error of Cohen (1960): sqrt(p_o (1 - p_o) / (n (1 - p_e)^2)).
        se = math.sqrt(p_o * (1 - p_o) / (n * (1 - p_e) ** 2))
        kappa_low, kappa_high = max(-1.0, kappa - Z95 * se), min(1.0, kappa + Z95 * se)
    return Agreement(n, agreed, 100 * p_o, 100 * low, 100 * high, kappa, kappa_low, kappa_high)
