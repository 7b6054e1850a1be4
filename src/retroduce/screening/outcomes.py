"""What the votes add up to, per record and stage. Read-only; computed from votes and resolutions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet

from retroduce.core.models import Project
from retroduce.screening.models import Decision, Resolution, Stage, StageSettings, Vote
from retroduce.sources.models import Record


class Outcome:
    PENDING = "pending"  # fewer votes than the stage requires
    INCLUDE = "include"
    EXCLUDE = "exclude"
    CONFLICT = "conflict"  # votes disagree, or a maybe, and no resolution yet


@dataclass
class RecordVotes:
    record_id: int
    votes: list[Decision] = field(default_factory=list)
    resolution: Resolution | None = None

    def has_all_votes(self, required: int) -> bool:
        """Blind mode's rule: until then nobody sees the record's votes, or counts them."""
        return len(self.votes) >= required

    def outcome(self, required: int) -> str:
        if self.resolution is not None:
            return self.resolution.outcome
        if not self.has_all_votes(required):
            return Outcome.PENDING
        kinds = {d.vote for d in self.votes}
        if kinds == {Vote.INCLUDE}:
            return Outcome.INCLUDE
        if kinds == {Vote.EXCLUDE}:
            return Outcome.EXCLUDE
        return Outcome.CONFLICT

    def exclusion_reason(self) -> str:
        if self.resolution is not None:
            return self.resolution.reason.label if self.resolution.reason else ""
        earliest = sorted(self.votes, key=lambda d: d.created_at)
        return next((d.reason.label for d in earliest if d.reason is not None), "")

    def voted_by(self, user_id: int) -> Decision | None:
        return next((d for d in self.votes if d.reviewer_id == user_id), None)


def settings_for(project: Project, stage: str) -> StageSettings:
    """The stage's settings, read once per project object (that is, once per request: the
    screening page asks for them from several places)."""
    known = project.__dict__.setdefault("_screening_settings", {})
    if stage not in known:
        known[stage], _ = StageSettings.objects.get_or_create(project=project, stage=stage)
    return known[stage]


def eligible(project: Project, stage: str) -> QuerySet[Record]:
    """Title/abstract: every unique record. Full text: records included at title/abstract.

    Both are one SQL query (no votes are read into Python), so the full-text queue of a project with
    100,000 title/abstract votes costs what the title/abstract one does.
    """
    records = Record.objects.filter(project=project, duplicate_of__isnull=True)
    if stage == Stage.TITLE_ABSTRACT:
        return records
    required = settings_for(project, Stage.TITLE_ABSTRACT).votes_required
    # Driven by the title/abstract votes (indexed by project and stage), not by every record.
    unanimous = (
        Decision.objects.filter(project=project, stage=Stage.TITLE_ABSTRACT, withdrawn=False)
        .order_by()
        .values("record_id")
        .annotate(n=Count("pk"), included=Count("pk", filter=Q(vote=Vote.INCLUDE)))
        .filter(n__gte=required, included=F("n"))
        .values("record_id")
    )
    ta_resolutions = Resolution.objects.filter(project=project, stage=Stage.TITLE_ABSTRACT)
    return records.filter(
        Q(pk__in=unanimous) & ~Q(pk__in=ta_resolutions.values("record_id"))
        | Q(pk__in=ta_resolutions.filter(outcome=Vote.INCLUDE).values("record_id"))
    )


def of_eligible(rows: QuerySet, project: Project, stage: str, *, many: bool = False) -> QuerySet:
    """`rows` (with a `record` field) narrowed to eligible records. At title/abstract that is a
    join on the row's own record, which the planner does per row; `IN (every unique record)`
    made PostgreSQL hash all 100,000 first. With `many` (every vote of a stage), leaving out the
    merged duplicates instead skips the join: 28 instead of 46 ms at 15,000 votes."""
    if stage == Stage.TITLE_ABSTRACT:
        if many:
            merged = Record.objects.filter(project=project, duplicate_of__isnull=False)
            return rows.exclude(record__in=merged.values("pk"))
        return rows.filter(record__project=project, record__duplicate_of__isnull=True)
    return rows.filter(record__in=eligible(project, stage).values("pk"))


def votes_by_record(project: Project, stage: str) -> dict[int, RecordVotes]:
    grouped: dict[int, RecordVotes] = defaultdict(lambda: RecordVotes(0))
    decisions = (
        Decision.objects.filter(project=project, stage=stage, withdrawn=False)
        .select_related("reason", "reviewer")
        .prefetch_related("components")
    )
    for decision in decisions:
        entry = grouped[decision.record_id]
        entry.record_id = decision.record_id
        entry.votes.append(decision)
    for resolution in Resolution.objects.filter(project=project, stage=stage).select_related(
        "reason", "resolved_by"
    ):
        entry = grouped[resolution.record_id]
        entry.record_id = resolution.record_id
        entry.resolution = resolution
    return dict(grouped)


def blinded_decision_ids(project: Project, user) -> set[str]:  # noqa: ANN001
    """Ids of other reviewers' decisions on records still waiting for votes at a blind stage."""
    hidden: set[str] = set()
    for stage_settings in StageSettings.objects.filter(project=project, blind=True):
        if stage_settings.votes_required < 2:
            continue
        votes = votes_by_record(project, stage_settings.stage)
        complete = {
            record_id
            for record_id, entry in votes.items()
            if len(entry.votes) >= stage_settings.votes_required or entry.resolution is not None
        }
        # Withdrawn votes included: their "screened" and "withdrew" events carry the vote too.
        rows = Decision.objects.filter(project=project, stage=stage_settings.stage).exclude(
            reviewer_id=user.pk
        )
        hidden |= {str(u) for u, r in rows.values_list("uuid", "record_id") if r not in complete}
    return hidden
