"""Record-level confusion of a deduplication against gold clusters (the bib-dedupe/ASySD metric).

Each predicted cluster keeps one record (its first in input order) and removes the rest. Per
gold entity with n copies of which k are kept: k == 0 means its last copy was removed (1 FP, the
other n - 1 removals TP); otherwise 1 TN, k - 1 FN (surplus copies left in) and n - k TP.
Both tools' outputs go through this one function, so they are scored identically.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Confusion:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def sensitivity(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def specificity(self) -> float:
        return self.tn / (self.tn + self.fp) if self.tn + self.fp else 1.0


def read_gold(records_csv: Path) -> tuple[list[str], dict[str, str]]:
    """(ids in file order, id -> gold cluster id)."""
    with records_csv.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    return [r["ID"] for r in rows], {r["ID"]: r["gold_cluster_id"] for r in rows}


def read_clusters(clusters_csv: Path) -> dict[str, str]:
    with clusters_csv.open(newline="", encoding="utf-8") as handle:
        return {r["ID"]: r["cluster_id"] for r in csv.DictReader(handle)}


def confusion(ids: list[str], gold: dict[str, str], predicted: dict[str, str]) -> Confusion:
    missing = [i for i in ids if i not in predicted]
    if missing:
        raise ValueError(f"{len(missing)} records missing from the output, e.g. {missing[0]}")
    kept: set[str] = set()
    seen_clusters: set[str] = set()
    for record_id in ids:  # the first record of each predicted cluster, in input order, is kept
        cluster = predicted[record_id]
        if cluster not in seen_clusters:
            seen_clusters.add(cluster)
            kept.add(record_id)
    copies = Counter(gold[i] for i in ids)
    kept_copies = Counter(gold[i] for i in kept)
    tp = fp = fn = tn = 0
    for entity, n in copies.items():
        k = kept_copies.get(entity, 0)
        if k == 0:
            fp += 1
            tp += n - 1
        else:
            tn += 1
            fn += k - 1
            tp += n - k
    return Confusion(tp, fp, fn, tn)
