"""Join pairwise merges into clusters without letting a chain join records that contradict.

Plain transitive closure is how deduplicators make their worst mistakes: A~B because of a shared
DOI and B~C because of a shared title can put an article together with its erratum. Here two
clusters are joined only when every record of one is compatible with every record of the other;
a merge that would break that is demoted to the review queue with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from retroduce.sources.dedup.compare import Verdict, compatible_for_cluster
from retroduce.sources.dedup.prepare import Prepared


@dataclass(slots=True)
class Edge:
    a: int
    b: int
    verdict: Verdict


def safe_clusters(
    records: list[Prepared], merges: list[Edge]
) -> tuple[list[list[int]], list[Edge]]:
    """(clusters of 2+ record indices, merges demoted to review)."""
    parent = list(range(len(records)))
    members: dict[int, list[int]] = {}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    demoted: list[Edge] = []
    # Strongest evidence first, so that a doubtful link cannot pre-empt a certain one.
    for edge in sorted(merges, key=lambda e: (-e.verdict.score, e.a, e.b)):
        ra, rb = root(edge.a), root(edge.b)
        if ra == rb:
            continue
        left = members.get(ra, [ra])
        right = members.get(rb, [rb])
        blocker = _first_conflict(records, left, right)
        if blocker:
            reasons = [*edge.verdict.reasons, f"not merged: {blocker}"]
            demoted.append(Edge(edge.a, edge.b, Verdict(edge.verdict.decision, 0.85, reasons)))
            continue
        if len(left) < len(right):
            ra, rb, left, right = rb, ra, right, left
        parent[rb] = ra
        members[ra] = left + right
        members.pop(rb, None)
    clusters = [sorted(group) for group in members.values() if len(group) > 1]
    clusters.sort(key=lambda group: group[0])
    return clusters, demoted


def _first_conflict(records: list[Prepared], left: list[int], right: list[int]) -> str:
    for i in left:
        for j in right:
            found = compatible_for_cluster(records[i], records[j])
            if found:
                return f"would join conflicting records ({found[0]})"
    return ""
