"""Which tables a project archive holds, in the order a restore must create them.

The list is explicit rather than discovered so that a new model is a conscious decision: a test
fails when a project-owned model is neither archived nor named in NOT_ARCHIVED with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.apps import apps
from django.db import models

FORMAT = "retroduce-archive"
VERSION = 1
JSON_MEMBER = "archive.json"


@dataclass(frozen=True)
class Table:
    label: str  # "app.Model"
    noun: str  # plural, for people: "change-log entries"
    path: str  # lookup from the model to its Project, e.g. "document__project"
    files: tuple[str, ...] = ()  # CharFields that hold a path under MEDIA_ROOT
    media_area: str = ""  # where restored files go, as core.files.store_file names it
    skip: tuple[str, ...] = field(default=())
    # Unique fields given a placeholder while a self-reference waits (see load._hold_unique).
    unique_while_deferred: tuple[str, ...] = ()

    @cached_property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    @property
    def has_uuid(self) -> bool:
        return any(f.name == "uuid" for f in self.model._meta.concrete_fields)


TABLES: tuple[Table, ...] = (
    Table("core.Membership", "memberships", "project"),
    Table("core.ProtocolVersion", "protocol versions", "project"),
    Table("core.ChangeLogEntry", "change-log entries", "project"),
    Table("theory.TheoryVersion", "theory versions", "project"),
    Table("theory.Component", "components", "version__project"),
    Table("theory.SubstantiveTheory", "substantive theories", "project"),
    Table("theory.SubstantiveLink", "substantive-theory links", "theory__project"),
    Table("sources.SearchEpisode", "search episodes", "project"),
    Table(
        "sources.ImportBatch",
        "imported files",
        "project",
        files=("stored_file",),
        media_area="imports",
    ),
    Table("sources.Record", "records", "project"),
    Table("sources.Origin", "origins", "record__project"),
    Table("sources.DuplicatePair", "duplicate pairs", "project"),
    Table("screening.StageSettings", "stage settings", "project"),
    Table("screening.ExclusionReason", "exclusion reasons", "project"),
    Table("screening.Keyword", "keywords", "project"),
    Table(
        "documents.Document", "documents", "project", files=("stored_file",), media_area="documents"
    ),
    Table("coding.Code", "codes", "project", unique_while_deferred=("name",)),
    Table("coding.Fragment", "fragments", "document__project"),
    Table("coding.FragmentCode", "codings", "fragment__document__project"),
    Table("coding.Memo", "memos", "project"),
    Table("coding.Appraisal", "appraisals", "project"),
    Table("coding.SuggestionVerdict", "suggestion verdicts", "code__project"),
    Table("theory.CMOC", "CMOCs", "component__version__project"),
    Table("theory.EvidenceLink", "evidence links", "cmoc__component__version__project"),
    Table("theory.StakeholderEvent", "stakeholder events", "project"),
    Table("theory.Feedback", "feedback", "theory_version__project"),
    Table("theory.TheoryChange", "theory changes", "version__project"),
    Table("theory.RereadMark", "re-read marks", "change__version__project"),
    Table("screening.Decision", "screening decisions", "project"),
    Table("screening.Resolution", "conflict resolutions", "project"),
    Table("reports.QualityRating", "quality ratings", "project"),
    Table("core.Event", "events", "project"),
)

# Project-owned tables left out on purpose; each is rebuilt from the archived ones.
NOT_ARCHIVED: dict[str, str] = {
    "core.TaskProgress": "progress of background tasks that ran on the old machine",
    "screening.Ranking": "the prioritisation order, retrained from the decisions",
    "screening.Hold": "which record each reviewer has open, for ten minutes",
    "screening.RankedOrder": "the prioritisation order, retrained from the decisions",
    "screening.Shortlisted": "the head of the prioritisation order, retrained from the decisions",
    "reports.ReportFile": "generated reports, written again from the recorded work",
}


def by_label() -> dict[str, Table]:
    return {table.label: table for table in TABLES}
