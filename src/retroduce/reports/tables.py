"""The report's tables as spreadsheets: CMOCs with sources, document characteristics, search log."""

from __future__ import annotations

from retroduce.core.models import Project
from retroduce.reports.build import _components_informed
from retroduce.reports.facts import included_documents, latest_version
from retroduce.sources.models import SearchEpisode
from retroduce.theory.cmocs import strength
from retroduce.theory.models import CMOC

TABLES = ("cmocs", "characteristics", "search-log")


def table(project: Project, name: str) -> tuple[list[str], list[list[object]]]:
    if name == "cmocs":
        version = latest_version(project)
        rows: list[list[object]] = []
        for cmoc in CMOC.objects.filter(component__version=version).select_related("component"):
            weight = strength(cmoc)
            sources = "; ".join(
                f"{link.get_relation_display()}: {link.fragment.document.title} p.{link.fragment.page}"
                for link in cmoc.evidence.select_related("fragment__document")
            )
            rows.append(
                [
                    cmoc.component.name,
                    cmoc.component.get_provenance_display(),
                    cmoc.context,
                    cmoc.mechanism_resource,
                    cmoc.mechanism_response,
                    cmoc.outcome,
                    cmoc.intervention,
                    cmoc.actor,
                    weight.documents,
                    weight.refutes,
                    weight.stakeholder_only,
                    sources,
                ]
            )
        header = [
            "component",
            "provenance",
            "context",
            "mechanism_resource",
            "mechanism_response",
            "outcome",
            "intervention",
            "actor",
            "documents",
            "refuting",
            "stakeholder_only",
            "sources",
        ]
        return header, rows
    if name == "characteristics":
        header = ["document", "type", "design", "country", "setting", "year", "informs"]
        return header, [
            [
                d.title,
                d.get_kind_display(),
                d.study_design,
                d.country,
                d.setting,
                d.record.year if d.record else "",
                _components_informed(d),
            ]
            for d in included_documents(project)
        ]
    header = [
        "number",
        "purpose",
        "kind",
        "source",
        "date_run",
        "coverage",
        "hits",
        "strategy",
        "limits",
        "notes",
    ]
    return header, [
        [
            e.number,
            e.get_purpose_display(),
            e.get_supplementary_kind_display() if e.supplementary_kind else "",
            e.source,
            e.date_run.isoformat() if e.date_run else "",
            e.coverage,
            e.hits_reported if e.hits_reported is not None else "",
            e.strategy,
            e.limits,
            e.notes,
        ]
        for e in SearchEpisode.objects.filter(project=project).order_by("number")
    ]
