"""Bibliographic deduplication as pure functions (no database, no web request).

    from retroduce.sources.dedup import find_duplicates, dedup_csv

`find_duplicates(records)` returns the clusters merged automatically because the evidence is
overwhelming, and the uncertain pairs a person should decide, each with a score and reasons.
`dedup_csv(src, out)` applies it to the CSV contract and writes `ID,cluster_id` for every row.
"""

from __future__ import annotations

from retroduce.sources.dedup.csvfile import DedupSummary, dedup_csv, read_records
from retroduce.sources.dedup.engine import Reporter, find_duplicates
from retroduce.sources.records import CandidatePair, DedupRecord, DedupResult, ImportFailure

__all__ = [
    "CandidatePair",
    "DedupRecord",
    "DedupResult",
    "DedupSummary",
    "ImportFailure",
    "Reporter",
    "dedup_csv",
    "find_duplicates",
    "read_records",
]
