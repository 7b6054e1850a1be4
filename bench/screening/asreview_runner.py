"""Run ASReview LAB 3.0.8's own simulation (ELAS u4) on one labelled CSV, with given priors.

    bench/.venv-asreview/bin/python asreview_runner.py DATA.csv SEED,INC,EXC [SEED,INC,EXC ...]

Runs inside bench/.venv-asreview (asreview==3.0.8 from PyPI), never in Retroduce's environment.
It does what `asreview simulate DATA.csv --prior-idx INC EXC --seed SEED` does (load_dataset, a
top-down cycle until both classes are known, then ELAS u4 retrained after every label until the
last relevant record), through the same Python API, so that the order can be read back. Features
are built once per seed before the loop and timed apart, so `seconds` is the active-learning loop
alone, as in Retroduce's output. Prints one JSON line per seed: seed, priors, order (screened
record positions, then the unscreened rest in row order), steps, seconds, feature_seconds.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
from asreview import ActiveLearningCycle, Simulate, load_dataset
from asreview.models.models import get_ai_config
from asreview.models.queriers import TopDown
from asreview.models.stoppers import IsFittable, LastRelevant


def run(path: str, seed: int, priors: list[int]) -> dict:
    with load_dataset(path, dataset_id="bench") as db:
        frame = db.input.get_df()
        labels = np.asarray(db.input["included"])
    np.random.seed(seed)  # as the CLI does: LinearSVC draws its liblinear seed from it
    cycle = ActiveLearningCycle.from_meta(get_ai_config("elas_u4")["value"])
    started = time.perf_counter()
    features = cycle.transform(frame)
    feature_seconds = time.perf_counter() - started
    cycles = [ActiveLearningCycle(querier=TopDown(), stopper=IsFittable()), cycle]
    sim = Simulate(
        features, labels, cycles, stopper=LastRelevant(), skip_transform=True, print_progress=False
    )
    sim.label(priors)
    started = time.perf_counter()
    sim.review()
    seconds = time.perf_counter() - started
    results = sim._results
    screened = [int(r) for r in results["record_id"].tolist()[len(priors) :]]
    seen = set(screened) | set(priors)
    rest = [i for i in range(len(labels)) if i not in seen]
    return {
        "seed": seed,
        "priors": priors,
        "order": screened + rest,
        "steps": len(screened),
        "seconds": seconds,
        "feature_seconds": feature_seconds,
    }


def main() -> None:
    path = sys.argv[1]
    for spec in sys.argv[2:]:
        seed, included, excluded = (int(v) for v in spec.split(","))
        print(json.dumps(run(path, seed, [included, excluded])), flush=True)


if __name__ == "__main__":
    main()
