"""Screening simulations, as `retroduce simulate` runs them (the contract is in DESIGN.md).

For each seed s the priors are one included and one excluded record, drawn as
`rng = numpy.random.default_rng(s)`, then `rng.choice(included_row_indices)`, then
`rng.choice(excluded_row_indices)`. From there the model is retrained after every label and the
highest-scoring unlabelled record is screened next. Once every relevant record has been found,
the rest follow the last ranking without more retraining: no metric depends on their order, and
ASReview's own simulation stops at the last relevant record too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from . import metrics
from .datasets import read_labelled
from .prioritiser import Prioritiser

# report(done, total, message): called after each screened record and at the end of a run.
Report = Callable[[int, int, str], None]


def _silent(done: int, total: int, message: str = "") -> None:
    return None


def draw_priors(labels: Sequence[int], seed: int) -> list[int]:
    """The contract's priors: one included row, then one excluded row, from default_rng(seed)."""
    values = np.asarray(labels)
    rng = np.random.default_rng(seed)
    included = int(rng.choice(np.flatnonzero(values == 1)))
    excluded = int(rng.choice(np.flatnonzero(values == 0)))
    return [included, excluded]


def simulate_order(
    prioritiser: Prioritiser, labels: Sequence[int], priors: Sequence[int], report: Report = _silent
) -> list[int]:
    """Every non-prior row index in the order the model presents them."""
    truth = np.asarray(labels, dtype=np.int64)
    size = len(truth)
    known = np.zeros(size, dtype=bool)
    known[list(priors)] = True
    idx = list(priors)
    order: list[int] = []
    to_find = int(truth.sum() - truth[list(priors)].sum())
    # Labels given after the newest include, the priors counted in the order given.
    since_include = 0
    for prior in priors:
        since_include = 0 if truth[prior] == 1 else since_include + 1
    scores = np.zeros(size)
    while to_find > 0:
        # Labels as the prioritiser would get them, in index order (its own convention).
        picked = np.sort(np.asarray(idx))
        scores = prioritiser._scores(picked, truth[picked], since_include)
        masked = np.where(known, -np.inf, scores)
        chosen = int(np.argmax(masked))  # first maximum: ties go to the lower row index
        known[chosen] = True
        idx.append(chosen)
        order.append(chosen)
        to_find -= int(truth[chosen])
        since_include = 0 if truth[chosen] == 1 else since_include + 1
        report(len(order), size - len(priors), "")
    rest = np.flatnonzero(~known)
    order.extend(rest[np.argsort(-scores[rest], kind="stable")].tolist())
    report(len(order), size - len(priors), "")
    return order


def run_seed(
    prioritiser: Prioritiser,
    labels: Sequence[int],
    seed: int,
    *,
    dataset: str,
    model: str,
    report: Report = _silent,
) -> dict:
    """One simulation: the JSON object of one output line."""
    started = time.perf_counter()
    priors = draw_priors(labels, seed)
    order = simulate_order(prioritiser.with_seed(seed), labels, priors, report)
    seconds = time.perf_counter() - started
    truth = np.asarray(labels)
    line: dict = {"dataset": dataset, "seed": seed, "model": model, "priors": priors}
    line["order"] = order
    line.update(metrics.all_metrics(truth[order]))
    line["seconds"] = round(seconds, 3)
    return line


def simulate_file(
    path: Path | str,
    *,
    seeds: int | Iterable[int] = 1,
    model: str = "default",
    report: Report = _silent,
) -> Iterator[dict]:
    """Simulate on a labelled file; yields one contract line per seed (0..seeds-1 for an int).

    Raises DatasetError (file and line in its message) for input that cannot be used. Features
    are built once and shared by all seeds; `seconds` is each seed's active-learning loop.
    """
    data = read_labelled(path)
    chosen = list(range(seeds)) if isinstance(seeds, int) else [int(s) for s in seeds]
    report(0, 0, f"Building features for {len(data.texts):,} records")
    prioritiser = Prioritiser(data.texts, model=model)
    for seed in chosen:
        yield run_seed(
            prioritiser, data.labels, seed, dataset=data.name, model=model, report=report
        )
