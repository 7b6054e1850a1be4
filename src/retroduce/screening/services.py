"""Domain functions for screening: settings, reasons, keywords, votes, undo and conflict resolution."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from retroduce.core.events import record as log
from retroduce.core.models import Membership, Project, Role
from retroduce.core.services import DomainError
from retroduce.screening.models import (
    Decision,
    ExclusionReason,
    Hold,
    Keyword,
    Ranking,
    Resolution,
    Stage,
    Vote,
)
from retroduce.screening.outcomes import Outcome, eligible, settings_for, votes_by_record
from retroduce.sources.models import Record

DEFAULT_REASONS = (
    "Not about the programme or intervention of interest",
    "Wrong setting or population",
    "No information on context, mechanism or outcome",
    "Not a research or policy document",
    "Duplicate or superseded",
)
NOTE_LIMIT = 5_000


def reasons(project: Project) -> list[ExclusionReason]:
    """The project's active reasons, seeded with realist-review defaults the first time."""
    found = list(project.exclusion_reasons.filter(active=True))
    if not found and not project.exclusion_reasons.exists():  # all retired is not "never seeded"
        ExclusionReason.objects.bulk_create(
            ExclusionReason(project=project, label=label, position=i)
            for i, label in enumerate(DEFAULT_REASONS)
        )
        found = list(project.exclusion_reasons.filter(active=True))
    return found


@transaction.atomic
def update_settings(
    project: Project,
    actor: AbstractBaseUser,
    stage: str,
    *,
    votes_required: int,
    blind: bool,
    adjudicator: AbstractBaseUser | None,
) -> None:
    if votes_required not in (1, 2):
        raise DomainError("A record needs one or two votes.")
    if (
        adjudicator is not None
        and not Membership.objects.filter(
            project=project, user=adjudicator, role__in=[Role.OWNER, Role.REVIEWER]
        ).exists()
    ):
        raise DomainError("The adjudicator must be an owner or reviewer of this project.")
    current = settings_for(project, stage)
    before = {
        "votes_required": current.votes_required,
        "blind": current.blind,
        "adjudicator": current.adjudicator.get_username() if current.adjudicator else None,
    }
    current.votes_required, current.blind, current.adjudicator = votes_required, blind, adjudicator
    current.save()
    after = {
        "votes_required": votes_required,
        "blind": blind,
        "adjudicator": adjudicator.get_username() if adjudicator else None,
    }
    if before != after:
        log(project, actor, "changed", current, before=before, after=after)


@transaction.atomic
def add_reason(project: Project, actor: AbstractBaseUser, label: str) -> ExclusionReason:
    label = label.strip()
    if not label:
        raise DomainError("Write the reason.")
    existing = reasons(project)
    if any(r.label.lower() == label.lower() for r in existing):
        raise DomainError(f"'{label}' is already on the list.")
    reason = ExclusionReason.objects.create(
        project=project, label=label[:200], position=len(existing)
    )
    log(project, actor, "created", reason, after={"label": reason.label})
    return reason


@transaction.atomic
def retire_reason(project: Project, actor: AbstractBaseUser, reason: ExclusionReason) -> None:
    """Retired, not deleted: decisions that used it keep it."""
    reason.active = False
    reason.save(update_fields=["active"])
    log(project, actor, "retired", reason, before={"active": True}, after={"active": False})


@transaction.atomic
def add_keyword(project: Project, actor: AbstractBaseUser, kind: str, term: str) -> Keyword:
    term = " ".join(term.split())[:100]
    if not term:
        raise DomainError("Write the keyword.")
    if kind not in Keyword.Kind.values:
        raise DomainError("A keyword is an include or an exclude keyword.")
    keyword, created = Keyword.objects.get_or_create(project=project, kind=kind, term=term)
    if created:
        log(project, actor, "created", keyword, after={"kind": kind, "term": term})
    return keyword


@transaction.atomic
def remove_keyword(project: Project, actor: AbstractBaseUser, keyword: Keyword) -> None:
    log(project, actor, "deleted", keyword, before={"kind": keyword.kind, "term": keyword.term})
    keyword.delete()


def _snapshot(decision: Decision, components: list | None = None) -> dict[str, object]:
    """What the event log keeps of a vote; `components`, when the caller has them, saves a query."""
    return {
        "vote": decision.vote,
        "reason": decision.reason.label if decision.reason else None,
        "note": decision.note,
        "components": sorted(
            c.name for c in (decision.components.all() if components is None else components)
        ),
    }


def _rerank(project: Project, stage: str, actor: AbstractBaseUser) -> None:
    """Mark the offer order stale and queue a retrain (at most one waits per stage), once the
    vote has committed.

    Not inside the vote's transaction: every vote of the team touches the one Ranking row, and
    holding its lock until each vote commits made 20 reviewers' votes queue behind each other.
    """
    from retroduce.screening.ranking_service import request_retrain

    def flag_and_queue() -> None:
        rows = Ranking.objects.filter(project=project, stage=stage)
        found = rows.values_list("stale", "task_queued").first()
        if found is None:
            Ranking.objects.get_or_create(project=project, stage=stage, defaults={"stale": True})
        elif not found[0]:
            rows.update(stale=True)
        # Under load a retrain is nearly always queued already: then one read is all a vote costs.
        if found is None or not found[1]:
            request_retrain(project, stage, actor)

    transaction.on_commit(flag_and_queue)


@transaction.atomic
def cast_vote(
    project: Project,
    actor: AbstractBaseUser,
    record: Record,
    stage: str,
    vote: str,
    *,
    reason: ExclusionReason | None = None,
    note: str = "",
    components: Iterable = (),
) -> Decision:
    """Record or change the actor's vote on a record at a stage."""
    if stage not in Stage.values:
        raise DomainError("Unknown screening stage.")
    if vote not in Vote.values:
        raise DomainError("Vote include, exclude or maybe.")
    if record.project_id != project.pk:
        raise DomainError("That record belongs to another project.")
    if not eligible(project, stage).filter(pk=record.pk).exists():
        raise DomainError(
            "This record is not screened at this stage (merged as a duplicate, or not included at "
            "title and abstract)."
        )
    if vote != Vote.EXCLUDE:
        reason = None
    elif reason is None and stage == Stage.FULL_TEXT:
        raise DomainError("Give a reason for excluding at full text.")
    if reason is not None and reason.project_id != project.pk:
        raise DomainError("That reason belongs to another project.")
    if len(note) > NOTE_LIMIT:
        raise DomainError(f"Notes are limited to {NOTE_LIMIT:,} characters.")
    components = list(components)
    existing = (
        Decision.objects.select_for_update()
        .filter(record=record, stage=stage, reviewer=actor)
        .first()
    )
    before = _snapshot(existing) if existing and not existing.withdrawn else None
    decision = existing or Decision(project=project, record=record, stage=stage, reviewer=actor)
    decision.vote, decision.reason, decision.note = vote, reason, note.strip()
    decision.withdrawn = False
    decision.save()
    if existing is not None or components:  # a new vote without components has none to set
        decision.components.set(components)
    after = _snapshot(decision, components)
    if before is None:
        log(
            project, actor, "screened", decision, label=str(record), after={"stage": stage, **after}
        )
    elif before != after:
        log(project, actor, "changed", decision, label=str(record), before=before, after=after)
    # The vote is in: the record no longer needs holding for this reviewer. Expired rather than
    # deleted, so the next record's hold is one UPDATE of the same row.
    Hold.objects.filter(project=project, stage=stage, reviewer=actor, record=record).update(
        until=timezone.now()
    )
    _rerank(project, stage, actor)
    return decision


@transaction.atomic
def undo_last_vote(project: Project, actor: AbstractBaseUser, stage: str) -> Decision | None:
    """Withdraw the actor's most recent vote at a stage, so the record comes back to them."""
    last = (
        Decision.objects.filter(project=project, stage=stage, reviewer=actor, withdrawn=False)
        .order_by("-updated_at", "-id")
        .first()
    )
    if last is None:
        return None
    if Resolution.objects.filter(record=last.record, stage=stage).exists():
        raise DomainError(
            "That record's conflict has been resolved; ask the adjudicator to reopen it."
        )
    log(project, actor, "withdrew", last, label=str(last.record), before=_snapshot(last))
    last.withdrawn = True
    last.save(update_fields=["withdrawn", "updated_at"])
    _rerank(project, stage, actor)
    return last


def can_resolve(project: Project, user: AbstractBaseUser, stage: str) -> bool:
    if Membership.objects.filter(project=project, user=user, role=Role.OWNER).exists():
        return True
    return settings_for(project, stage).adjudicator_id == user.pk


@transaction.atomic
def resolve_conflict(
    project: Project,
    actor: AbstractBaseUser,
    record: Record,
    stage: str,
    outcome: str,
    *,
    reason: ExclusionReason | None = None,
    note: str = "",
) -> Resolution:
    if not can_resolve(project, actor, stage):
        raise PermissionError("Only an owner or the stage's adjudicator resolves conflicts.")
    if outcome not in (Vote.INCLUDE, Vote.EXCLUDE):
        raise DomainError("Resolve to include or exclude.")
    votes = votes_by_record(project, stage).get(record.pk)
    required = settings_for(project, stage).votes_required
    if votes is None or votes.outcome(required) != Outcome.CONFLICT:
        raise DomainError("This record has no open conflict at this stage.")
    if outcome == Vote.EXCLUDE and reason is None and stage == Stage.FULL_TEXT:
        raise DomainError("Give a reason for excluding at full text.")
    resolution = Resolution.objects.create(
        project=project,
        record=record,
        stage=stage,
        outcome=outcome,
        reason=reason if outcome == Vote.EXCLUDE else None,
        note=note.strip(),
        resolved_by=actor,
    )
    log(
        project,
        actor,
        "resolved",
        resolution,
        label=str(record),
        before={"votes": {d.reviewer.get_username(): d.vote for d in votes.votes}},
        after={"outcome": outcome, "reason": reason.label if reason else None, "note": note},
    )
    _rerank(project, stage, actor)
    return resolution
