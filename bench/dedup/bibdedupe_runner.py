"""Run bib-dedupe on one CSV and write `ID,cluster_id` (run with the bib-dedupe venv's Python).

Usage: python bibdedupe_runner.py records.csv clusters.csv
Prints one JSON line: {"seconds": wall time from reading the CSV to having clusters,
"peak_mb": peak resident memory of this process plus its largest worker}.
Only bibliographic columns are passed on: gold labels never reach the tool.
"""

from __future__ import annotations

import csv
import json
import resource
import sys
import time

LABEL_COLUMNS = ["gold_cluster_id", "label", "source", "record_id"]


def main(src: str, out: str) -> None:
    import pandas as pd
    from bib_dedupe.bib_dedupe import block, cluster, match, prep

    started = time.perf_counter()
    records = pd.read_csv(src, dtype=str, keep_default_na=False)
    records = records.drop(columns=[c for c in LABEL_COLUMNS if c in records.columns])
    prepared = prep(records, verbosity_level=0)
    blocked = block(prepared, verbosity_level=0)
    matched = match(blocked, verbosity_level=0)
    clusters = cluster(matched, verbosity_level=0)
    seconds = time.perf_counter() - started

    group_of = {rid: n for n, group in enumerate(clusters) for rid in group}
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ID", "cluster_id"])
        for rid in records["ID"]:
            writer.writerow([rid, f"m{group_of[rid]}" if rid in group_of else f"s{rid}"])
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": (own + workers) / 1024}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
