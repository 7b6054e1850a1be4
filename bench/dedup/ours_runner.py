"""Run Retroduce's deduplicator on one CSV, in a fresh process so that peak memory is its own.

Usage: python ours_runner.py records.csv clusters.csv
Prints one JSON line: {"seconds": wall time from reading the CSV to the clusters written,
"peak_mb": peak resident memory of this process, "candidates": pairs left for review}.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from retroduce.sources.dedup import dedup_csv


def main(src: str, out: str) -> None:
    started = time.perf_counter()
    summary = dedup_csv(Path(src), Path(out))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "candidates": summary.candidates}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
