"""A yardstick for the loss target: u4 trained on four-fifths of all the labels.

    .venv/bin/python bench/screening/ceiling.py [--data DIR] [--embeddings]

Every record is scored by ELAS u4's SVM trained on the other four-fifths of the set's labels
(5-fold stratified cross-validation, 3 repeats), and the set is screened in that fixed order.
ASReview's loss of that order is printed per set and on average. `--embeddings` adds the
all-MiniLM-L6-v2 block of `variants_selection.py` beside the TF-IDF, read from its cache
(bench/out/screening/embeddings; run a `select` variant first). See bench/README.md, fourth round.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "src"))

from retroduce.screening.ranking import metrics  # noqa: E402
from retroduce.screening.ranking.datasets import read_labelled  # noqa: E402
from retroduce.screening.ranking.models import _u4_build, balanced_weights  # noqa: E402

REPEATS = 3
CACHE = REPO / "bench" / "out" / "screening" / "embeddings"


def cross_validated_loss(x: sp.csr_matrix, y: np.ndarray) -> float:
    losses = []
    for repeat in range(REPEATS):
        scores = np.zeros(len(y))
        for train, test in StratifiedKFold(5, shuffle=True, random_state=repeat).split(x, y):
            svm = LinearSVC(C=0.11, random_state=0)
            svm.fit(x[train], y[train], sample_weight=balanced_weights(y[train], 9.8))
            scores[test] = svm.decision_function(x[test])
        losses.append(metrics.loss(y[np.argsort(-scores, kind="stable")]))
    return float(np.mean(losses))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default_data = os.environ.get(
        "RETRODUCE_SCREENING_DATA", str(REPO.parent / "shared" / "data" / "screening")
    )
    parser.add_argument("--data", type=Path, default=Path(default_data))
    parser.add_argument("--embeddings", action="store_true")
    args = parser.parse_args()
    files = sorted((args.data / "open_licensed").glob("*.csv"))
    files += sorted((args.data / "synergy_openalex").glob("*.jsonl.gz"))
    losses = []
    for path in files:
        name = path.name.split(".")[0]
        data = read_labelled(path)
        y = np.asarray(data.labels)
        x = _u4_build(data.texts)["words"]
        if args.embeddings:
            cached = CACHE / f"{name}.mini.npy"
            if not cached.exists():
                raise SystemExit(f"{cached}: no cached embeddings; run a `select` variant first")
            x = sp.hstack([x, 0.5 * sp.csr_matrix(np.load(cached))]).tocsr()
        losses.append(cross_validated_loss(x, y))
        print(f"{name:36s} loss {losses[-1]:.4f}", flush=True)
    print(f"mean of {len(losses)} sets: loss {np.mean(losses):.4f}")


if __name__ == "__main__":
    main()
