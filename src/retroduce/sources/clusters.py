"""Reading duplicate clusters: a duplicate points at the record it was merged into, which may
itself have been merged. Following the chain gives the record a reader sees (the canonical one)."""

from __future__ import annotations

from django.db.models import QuerySet

from retroduce.sources.models import Origin, Record

# Fields merged to "the richest value": the longest non-empty value across a cluster.
RICH_FIELDS = (
    "title",
    "year",
    "journal",
    "volume",
    "number",
    "pages",
    "doi",
    "abstract",
    "issn",
    "isbn",
    "publisher",
    "language",
    "url",
    "pmid",
)


def canonical(record: Record) -> Record:
    seen = set()
    while record.duplicate_of_id is not None and record.pk not in seen:
        seen.add(record.pk)
        record = record.duplicate_of
    return record


def members(root: Record) -> list[Record]:
    """The canonical record and every record merged into it, directly or through others."""
    found = [root]
    frontier = [root.pk]
    while frontier:
        children = list(Record.objects.filter(duplicate_of_id__in=frontier))
        found.extend(children)
        frontier = [c.pk for c in children]
    return found


def richest(records: list[Record]) -> dict[str, object]:
    """Field values for the merged record: for each field the fullest value any member has."""
    merged: dict[str, object] = {}
    for name in RICH_FIELDS:
        values = [getattr(r, name) for r in records if getattr(r, name)]
        merged[name] = max(values, key=len) if values else ""
    merged["authors"] = max((r.authors for r in records), key=len, default=[])
    keywords: list[str] = []
    for r in records:
        keywords += [k for k in r.keywords if k not in keywords]
    merged["keywords"] = keywords
    return merged


def cluster_origins(records: list[Record]) -> QuerySet[Origin]:
    return (
        Origin.objects.filter(record__in=records)
        .select_related("episode", "batch", "record")
        .order_by("batch__created_at")
    )
