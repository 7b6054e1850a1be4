"""The document flow (RAMESES item 12), counted from the recorded searches, dedup and screening.

Definitions that make every stage add up:
- screened on title/abstract: every unique record (duplicates merged away are not screened);
- full texts sought: records included at title/abstract;
- not retrieved: sought records with no decision at full text and no document attached;
- assessed: the rest, whether decided or still pending at full text.
"""

from __future__ import annotations

from collections import Counter

from retroduce.core.models import Project
from retroduce.documents.models import Document
from retroduce.reports.flow.model import FlowCounts, Reason, SourceCount
from retroduce.screening.models import Stage
from retroduce.screening.outcomes import Outcome, settings_for, votes_by_record
from retroduce.sources.counts import source_counts
from retroduce.sources.models import Origin, Record, SearchEpisode

PURPOSE_ORDER = ["scoping", "theory", "evidence", "refinement", "supplementary"]


def _outcomes(project: Project, stage: str) -> dict[int, tuple[str, str]]:
    required = settings_for(project, stage).votes_required
    return {
        rid: (votes.outcome(required), votes.exclusion_reason())
        for rid, votes in votes_by_record(project, stage).items()
    }


def _purpose_of(project: Project, record_ids: list[int]) -> Counter:
    """Each included record counted once: under its main search if any found it, else supplementary."""
    purposes: dict[int, set[str]] = {}
    for record_id, purpose in Origin.objects.filter(
        record_id__in=record_ids, episode__isnull=False
    ).values_list("record_id", "episode__purpose"):
        purposes.setdefault(record_id, set()).add(purpose)
    # Merged duplicates carry origins of their own: they count for the record they joined.
    for head, purpose in Origin.objects.filter(
        record__duplicate_of_id__in=record_ids, episode__isnull=False
    ).values_list("record__duplicate_of_id", "episode__purpose"):
        purposes.setdefault(head, set()).add(purpose)
    counter: Counter = Counter()
    for record_id in record_ids:
        found = purposes.get(record_id, set())
        main = [p for p in PURPOSE_ORDER if p in found and p != "supplementary"]
        counter[main[0] if main else ("supplementary" if found else "no search logged")] += 1
    return counter


def flow_counts(project: Project) -> FlowCounts:
    counts = source_counts(project)
    sources = [
        SourceCount(
            label=f"{row.episode.source} ({_purpose_label(row.episode)})",
            records=row.identified,
            purpose=row.episode.purpose,
        )
        for row in counts.episodes
    ]
    if counts.unassigned:
        sources.append(
            SourceCount("Imports without a search episode", counts.unassigned, "evidence")
        )
    # A record imported twice within one file counts once per origin; identified is per record.
    identified = sum(s.records for s in sources)
    unique_ids = list(
        Record.objects.filter(project=project, duplicate_of__isnull=True).values_list(
            "pk", flat=True
        )
    )
    ta = _outcomes(project, Stage.TITLE_ABSTRACT)
    ft = _outcomes(project, Stage.FULL_TEXT)
    included_ta = [rid for rid in unique_ids if ta.get(rid, ("pending", ""))[0] == Outcome.INCLUDE]
    excluded_ta = [rid for rid in unique_ids if ta.get(rid, ("pending", ""))[0] == Outcome.EXCLUDE]
    with_documents = set(
        Document.objects.filter(record_id__in=included_ta).values_list("record_id", flat=True)
    )
    included, excluded_ft, pending_ft, not_retrieved = [], [], [], []
    for rid in included_ta:
        outcome = ft.get(rid, ("pending", ""))[0]
        if outcome == Outcome.INCLUDE:
            included.append(rid)
        elif outcome == Outcome.EXCLUDE:
            excluded_ft.append(rid)
        elif rid in with_documents or rid in ft:
            pending_ft.append(rid)
        else:
            not_retrieved.append(rid)
    ta_reasons = Counter(ta[rid][1] for rid in excluded_ta if ta[rid][1])
    ft_reasons = Counter(ft[rid][1] or "No reason recorded" for rid in excluded_ft)
    by_purpose = _purpose_of(project, included)
    duplicates = counts.duplicates_removed
    return FlowCounts(
        sources=tuple(sources),
        identified=identified,
        duplicates_removed=duplicates if identified else 0,
        screened_ta=len(unique_ids),
        excluded_ta=len(excluded_ta),
        excluded_ta_reasons=tuple(Reason(k, v) for k, v in ta_reasons.most_common()),
        sought_ft=len(included_ta),
        not_retrieved=len(not_retrieved),
        assessed_ft=len(included) + len(excluded_ft) + len(pending_ft),
        excluded_ft=len(excluded_ft),
        excluded_ft_reasons=tuple(Reason(k, v) for k, v in ft_reasons.most_common()),
        included=len(included),
        included_by_purpose=tuple(
            (p, by_purpose[p]) for p in [*PURPOSE_ORDER, "no search logged"] if by_purpose[p]
        ),
        pending_ta=len(unique_ids) - len(included_ta) - len(excluded_ta),
        pending_ft=len(pending_ft),
    )


def _purpose_label(episode: SearchEpisode) -> str:
    if episode.supplementary_kind:
        return episode.get_supplementary_kind_display().lower()
    return episode.get_purpose_display().lower()
