"""Counting what the project holds, once, for the checklist and the methods draft."""

from __future__ import annotations

from collections import Counter

from django.db.models import Q

from retroduce.coding.models import Appraisal, Code, Fragment, Memo
from retroduce.core.models import ChangeLogEntry, Project, ProtocolVersion
from retroduce.documents.models import Document
from retroduce.reports.counting import flow_counts
from retroduce.screening.models import Decision
from retroduce.sources.models import SearchEpisode
from retroduce.theory.models import (
    CMOC,
    EvidenceLink,
    Provenance,
    SubstantiveLink,
    TheoryChange,
    TheoryVersion,
)


def included_documents(project: Project):  # noqa: ANN201 (a QuerySet of Document)
    """Documents the synthesis drew on: coded ones, and full texts of records included at full text."""
    flow_included = set(_included_record_ids(project))
    return (
        Document.objects.filter(project=project, status=Document.Status.READY)
        .filter(Q(fragments__isnull=False) | Q(record_id__in=flow_included))
        .distinct()
        .select_related("record")
        .order_by("title", "pk")
    )


def _included_record_ids(project: Project) -> list[int]:
    from retroduce.screening.models import Stage
    from retroduce.screening.outcomes import Outcome, settings_for, votes_by_record

    required = settings_for(project, Stage.FULL_TEXT).votes_required
    return [
        rid
        for rid, votes in votes_by_record(project, Stage.FULL_TEXT).items()
        if votes.outcome(required) == Outcome.INCLUDE
    ]


def latest_version(project: Project) -> TheoryVersion | None:
    return TheoryVersion.objects.filter(project=project).order_by("-number").first()


def collect(project: Project) -> dict:
    protocol = ProtocolVersion.objects.filter(project=project).order_by("-number").first()
    field = (
        (lambda name: (getattr(protocol, name, "") or "").strip()) if protocol else (lambda _n: "")
    )
    episodes = list(SearchEpisode.objects.filter(project=project))
    by_purpose = Counter(e.purpose for e in episodes)
    flow = flow_counts(project)
    included = list(included_documents(project))
    version = latest_version(project)
    components = list(version.components.all()) if version else []
    cmocs = list(CMOC.objects.filter(component__version=version)) if version else []
    with_evidence = {
        c for c in EvidenceLink.objects.filter(cmoc__in=cmocs).values_list("cmoc_id", flat=True)
    }
    appraised = set(
        Appraisal.objects.filter(document__in=included, fragment__isnull=True).values_list(
            "document_id", flat=True
        )
    )
    return {
        "title": field("title") or project.title,
        "question": field("question"),
        "objectives": field("objectives_focus"),
        "rationale": field("rationale"),
        "why_realist": field("why_realist"),
        "funding": field("funding_coi"),
        "protocol_version": protocol.number if protocol else 0,
        "changes": ChangeLogEntry.objects.filter(project=project).count(),
        "episodes": len(episodes),
        "episodes_by_purpose": {p: by_purpose.get(p, 0) for p in SearchEpisode.Purpose.values},
        "episodes_complete": sum(1 for e in episodes if e.strategy.strip() and e.date_run),
        "experts": sum(1 for e in episodes if e.supplementary_kind == "expert"),
        "decisions": Decision.objects.filter(project=project, withdrawn=False).count(),
        "reasons_used": Decision.objects.filter(project=project, reason__isnull=False)
        .values("reason")
        .distinct()
        .count(),
        "included_documents": len(included),
        "documents_appraised": len(appraised & {d.pk for d in included}),
        "documents_described": sum(
            1 for d in included if d.study_design and d.country and d.setting
        ),
        "fragments": Fragment.objects.filter(document__project=project).count(),
        "coded_documents": Document.objects.filter(project=project, fragments__isnull=False)
        .distinct()
        .count(),
        "user_codes": Code.objects.filter(
            project=project, builtin=False, merged_into__isnull=True
        ).count(),
        "memos": Memo.objects.filter(project=project).count(),
        "theory_versions": TheoryVersion.objects.filter(project=project).count(),
        "theory_changes": TheoryChange.objects.filter(version__project=project).count(),
        "cmocs": len(cmocs),
        "cmocs_with_evidence": len(with_evidence),
        "evidence_links": EvidenceLink.objects.filter(cmoc__in=cmocs).count(),
        "components": len(components),
        "components_with_cmocs": sum(
            1 for c in components if any(m.component_id == c.pk for m in cmocs)
        ),
        "components_without_evidence": sum(
            1 for c in components if c.provenance != Provenance.EMPIRICAL
        ),
        "substantive": project.substantive_theories.count(),
        "substantive_links": SubstantiveLink.objects.filter(theory__project=project).count(),
        "identified": flow.identified,
        "included": flow.included,
        "flow_problems": flow.problems(),
        "flow": flow,
    }
