"""Hand-written records for the deduplication tests: one realistic citation and variants of it."""

from __future__ import annotations

from retroduce.sources.dedup import DedupRecord, DedupResult, find_duplicates

BASE = {
    "title": "Intrapleural fibrinolytic therapy for pleural infection in adults: a randomised trial",
    "author": "Maskell, Nicholas A. and Davies, Christopher W. H. and Nunn, Andrew J.",
    "year": "2005",
    "journal": "New England Journal of Medicine",
    "volume": "352",
    "number": "9",
    "pages": "865-874",
    "doi": "10.1056/NEJMoa042473",
    "entry_type": "article",
}


def record(id: str, **changes: str) -> DedupRecord:
    """The base citation with some fields changed (an empty string removes a field)."""
    return DedupRecord(id=id, **{**BASE, **changes})


def grouped(result: DedupResult) -> set[frozenset[str]]:
    return {frozenset(cluster) for cluster in result.clusters}


def merged(result: DedupResult, *ids: str) -> bool:
    return frozenset(ids) in grouped(result) or any(set(ids) <= c for c in grouped(result))


def together(result: DedupResult, a: str, b: str) -> bool:
    return any(a in c and b in c for c in grouped(result))


def run(*records: DedupRecord) -> DedupResult:
    return find_duplicates(list(records))
