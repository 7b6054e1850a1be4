"""`find_duplicates`: normalise, block, compare, cluster. Pure: records in, clusters out."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from retroduce.sources.dedup.blocking import candidate_pairs
from retroduce.sources.dedup.cluster import Edge, safe_clusters
from retroduce.sources.dedup.compare import Decision, compare, pair_screen
from retroduce.sources.dedup.prepare import Prepared, prepare
from retroduce.sources.records import CandidatePair, DedupRecord, DedupResult

Reporter = Callable[[int, int, str], None]

# How often (in items) progress is reported: often enough for a smooth bar, rarely enough that
# a database-backed reporter does not slow the work down.
REPORT_EVERY = 2000


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the work runs.

    The work allocates millions of objects and keeps hundreds of thousands alive, none in a
    reference cycle: the collector would traverse them again and again for nothing (about a
    tenth of the time on 100,000 records). Reference counting still frees everything. The
    collector is switched back on only if it was on, so a caller's own choice stands.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def find_duplicates(
    records: Sequence[DedupRecord], *, report: Reporter | None = None
) -> DedupResult:
    """Group records that are the same work.

    `clusters` holds the groups merged automatically (each 2+ ids, in input order of their first
    member); `candidates` holds uncertain pairs for a person, best first, each with its reasons.
    Ids must be unique. `report(done, total, message)` is called as the work advances.
    """
    with _collector_paused():
        return _find_duplicates(records, report)


def _find_duplicates(records: Sequence[DedupRecord], report: Reporter | None) -> DedupResult:
    ids = [r.id for r in records]
    if len(set(ids)) != len(ids):
        raise ValueError("record ids must be unique")
    n = len(records)

    def tell(done: int, total: int, message: str) -> None:
        if report is not None:
            report(done, total, message)

    prepared: list[Prepared] = []
    for index, record in enumerate(records):
        prepared.append(prepare(record, index))
        if index % REPORT_EVERY == 0:
            tell(index, n, "Normalising records")
    tell(n, n, "Normalising records")

    tell(0, n, "Finding candidate pairs")
    pairs = candidate_pairs(
        prepared,
        lambda done: tell(done, n, "Finding candidate pairs"),
        keep=pair_screen(prepared),
    )
    tell(n, n, "Finding candidate pairs")

    merges: list[Edge] = []
    reviews: list[Edge] = []
    total = len(pairs)
    for count, (i, j) in enumerate(pairs):
        verdict = compare(prepared[i], prepared[j])
        if verdict.decision is Decision.MERGE:
            merges.append(Edge(i, j, verdict))
        elif verdict.decision is Decision.REVIEW:
            reviews.append(Edge(i, j, verdict))
        if count % REPORT_EVERY == 0:
            tell(count, total, "Comparing candidate pairs")
    tell(total, total, "Comparing candidate pairs")

    clusters, demoted = safe_clusters(prepared, merges)
    tell(1, 1, "Clustering")

    cluster_of = {i: c for c, group in enumerate(clusters) for i in group}
    candidates: dict[tuple[int, int], CandidatePair] = {}
    for edge in [*demoted, *reviews]:
        a, b = edge.a, edge.b
        if a in cluster_of and cluster_of.get(a) == cluster_of.get(b):
            continue  # already merged through stronger links
        key = (a, b)
        if key not in candidates:
            candidates[key] = CandidatePair(
                a=ids[a], b=ids[b], score=round(edge.verdict.score, 3), reasons=edge.verdict.reasons
            )
    ordered = sorted(candidates.items(), key=lambda item: (-item[1].score, item[0]))
    return DedupResult(
        clusters=[[ids[i] for i in group] for group in clusters],
        candidates=[pair for _, pair in ordered],
    )
