"""Time one retrain step of one tool on a synthetic set, in a process of its own.

    python timing_runner.py {retroduce,asreview} SET.csv MODEL

Builds the features once (timed), then for 100, 1,000 and 5,000 labelled records (a seeded
sample, with both classes) times five retrains and keeps the median. A retrain step is what
runs after each label: for Retroduce `Prioritiser.rank(labels)` (fit on the labelled rows, score
every row, sort the unlabelled); for ASReview ELAS u4 `cycle.fit(X[labelled], y)` then
`cycle.rank(X[pool])`, exactly as its Simulate loop calls them (without its bookkeeping).
Prints one JSON object.
"""

from __future__ import annotations

import csv
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

SIZES = (100, 1000, 5000)


def read(path: str) -> tuple[list[str], list[str], np.ndarray]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return (
        [r["title"] for r in rows],
        [r["abstract"] for r in rows],
        np.asarray([int(r["label_included"]) for r in rows]),
    )


def samples(labels: np.ndarray) -> dict[int, np.ndarray]:
    rng = np.random.default_rng(0)
    picked = {}
    for size in SIZES:
        if size >= len(labels):
            continue
        idx = np.sort(rng.choice(len(labels), size=size, replace=False))
        if labels[idx].min() == labels[idx].max():
            continue
        picked[size] = idx
    return picked


def median_ms(step, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        step()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times)


def time_retroduce(path: str, model: str) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    from retroduce.screening.ranking import Prioritiser

    titles, abstracts, labels = read(path)
    started = time.perf_counter()
    prioritiser = Prioritiser(
        [f"{t}\n{a}" for t, a in zip(titles, abstracts, strict=True)], model=model
    )
    build = time.perf_counter() - started
    retrain = {}
    for size, idx in samples(labels).items():
        given = {int(i): int(labels[i]) for i in idx}
        # Timed as after a long dry spell (every label since the newest include), when the
        # default model adds its neighbours' scores: the slower of its two paths.
        retrain[size] = median_ms(
            lambda given=given: prioritiser.rank(given, since_include=len(labels))
        )
    return {"build_s": build, "retrain_ms": retrain}


def time_asreview(path: str) -> dict:
    import pandas as pd
    from asreview import ActiveLearningCycle
    from asreview.models.models import get_ai_config

    titles, abstracts, labels = read(path)
    frame = pd.DataFrame({"title": titles, "abstract": abstracts})
    np.random.seed(0)
    cycle = ActiveLearningCycle.from_meta(get_ai_config("elas_u4")["value"])
    started = time.perf_counter()
    features = cycle.transform(frame)
    build = time.perf_counter() - started
    retrain = {}
    for size, idx in samples(labels).items():
        pool = np.setdiff1d(np.arange(len(labels)), idx)

        def step(idx: np.ndarray = idx, pool: np.ndarray = pool) -> None:
            cycle.fit(features[idx], labels[idx])
            cycle.rank(features[pool])

        retrain[size] = median_ms(step)
    return {"build_s": build, "retrain_ms": retrain}


def main() -> None:
    tool, path = sys.argv[1], sys.argv[2]
    model = sys.argv[3] if len(sys.argv) > 3 else "default"
    result = time_retroduce(path, model) if tool == "retroduce" else time_asreview(path)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
