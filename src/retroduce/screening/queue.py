"""What a reviewer screens next, and the stage's progress, agreement and stopping figures."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from retroduce.core.models import Project
from retroduce.screening import shortlist
from retroduce.screening.agreement import Agreement, agreement
from retroduce.screening.models import (
    Decision,
    Hold,
    RankedOrder,
    Ranking,
    Resolution,
    Stage,
    Vote,
)
from retroduce.screening.outcomes import (
    Outcome,
    RecordVotes,
    eligible,
    settings_for,
    votes_by_record,
)
from retroduce.screening.stopping import StoppingEstimate, estimate
from retroduce.sources.models import Record


def offer_order(project: Project, stage: str, ids: list[int]) -> tuple[list[int], bool]:
    """Record ids in the order to offer them, and whether that order is the model's ranking.

    Until the model has been trained (it needs an include and an exclude), the order is random but
    fixed per project and stage, so reviewers do not see records in import order.
    """
    full = RankedOrder.objects.filter(project=project, stage=stage).values_list("ids", flat=True)
    order = full.first()
    if order:
        known = set(ids)
        ranked = [i for i in order if i in known]
        seen = set(ranked)
        newcomers = [i for i in ids if i not in seen]  # imported after the last retrain
        return ranked + newcomers, True
    return random_order(project, stage, ids), False


def random_order(project: Project, stage: str, ids: list[int]) -> list[int]:
    shuffled = sorted(ids)
    random.Random(f"{project.uuid}:{stage}").shuffle(shuffled)
    return shuffled


def stage_state(project: Project, stage: str) -> tuple[dict[int, RecordVotes], list[int]]:
    """The stage's votes by record and its eligible record ids, read once for a whole page."""
    ids = list(eligible(project, stage).values_list("pk", flat=True))
    return votes_by_record(project, stage), ids


HOLD = dt.timedelta(minutes=10)  # long enough to read an abstract, short enough to free a record


def _holds_by_others(project: Project, user: AbstractBaseUser, stage: str) -> Counter:
    active = Hold.objects.filter(project=project, stage=stage, until__gt=timezone.now()).exclude(
        reviewer=user
    )
    return Counter(active.values_list("record_id", flat=True))


def _still_open(
    project: Project, user: AbstractBaseUser, stage: str, required: int, record_id: int
) -> bool:
    votes = Decision.objects.filter(record_id=record_id, stage=stage, withdrawn=False)
    return (
        eligible(project, stage).filter(pk=record_id).exists()
        and not votes.filter(reviewer=user).exists()
        and not Resolution.objects.filter(record_id=record_id, stage=stage).exists()
        and votes.count() < required
    )


def _first_in_full_order(
    project: Project,
    user: AbstractBaseUser,
    stage: str,
    required: int,
    held: Counter,
) -> int | None:
    """The slow path, O(records): walk the whole order. Used when the shortlist has run out."""
    votes, ids = stage_state(project, stage)
    order, _ = offer_order(project, stage, ids)
    for record_id in order:
        entry = votes.get(record_id)
        cast = 0 if entry is None else len(entry.votes)
        if entry is not None and (entry.voted_by(user.pk) or entry.resolution or cast >= required):
            continue
        if cast + held[record_id] >= required:
            continue  # others are reading it and will give the votes it needs
        return record_id
    return None


def next_record(
    project: Project,
    user: AbstractBaseUser,
    stage: str,
    *,
    hold: bool = False,
) -> tuple[Record | None, bool]:
    """The record this reviewer should screen next. With `hold`, it is kept from others while they
    read it: another reviewer is offered it only if it needs more votes than are cast or held.

    Returns it and whether the order is the model's ranking (rather than the initial random one).
    """
    required = settings_for(project, stage).votes_required
    ranked = Ranking.objects.filter(project=project, stage=stage).exclude(model="").exists()
    mine = (
        Hold.objects.filter(project=project, stage=stage, reviewer=user, until__gt=timezone.now())
        .values_list("record_id", flat=True)
        .first()
        if hold
        else None
    )
    if mine is not None and _still_open(project, user, stage, required, mine):
        record: Record | None = Record.objects.get(pk=mine)
    else:
        record = shortlist.first_open(project, user, stage, required, skip_held=hold)
        if record is None:
            held = _holds_by_others(project, user, stage) if hold else Counter()
            walked = _first_in_full_order(project, user, stage, required, held)
            record = None if walked is None else Record.objects.get(pk=walked)
    if record is None:
        return None, ranked
    if hold:
        _hold(project, user, stage, record.pk)
    return record, ranked


def _hold(project: Project, user: AbstractBaseUser, stage: str, record_id: int) -> None:
    """Keep the record for this reviewer: one UPDATE when they already hold one (the usual case)."""
    until = timezone.now() + HOLD
    mine = Hold.objects.filter(reviewer=user, project=project, stage=stage)
    if mine.update(record_id=record_id, until=until):
        return
    try:
        with transaction.atomic():
            Hold.objects.create(
                reviewer=user, project=project, stage=stage, record_id=record_id, until=until
            )
    except IntegrityError:  # their other tab got there first
        mine.update(record_id=record_id, until=until)


@dataclass
class StageSummary:
    stage: str
    eligible: int = 0
    outcomes: Counter = field(default_factory=Counter)
    my_votes: int = 0
    left_for_me: int = 0
    reasons: Counter = field(default_factory=Counter)
    pairs: list[tuple[str, str, Agreement]] = field(default_factory=list)
    stopping: StoppingEstimate | None = None
    # Relevance of the counted records in the order they were first screened (the stopping
    # aid's input, and the discovery chart's).
    sequence: list[bool] = field(default_factory=list)
    ranked: bool = False

    @property
    def done(self) -> int:
        return self.eligible - self.outcomes[Outcome.PENDING]

    @property
    def reasons_by_count(self) -> list[tuple[str, int]]:
        # Templates cannot call Counter.most_common: Django looks "most_common" up as a key first,
        # and a Counter answers 0 for any key it lacks.
        return self.reasons.most_common()


def _screened_sequence(votes: dict[int, RecordVotes]) -> list[bool]:
    """Relevance of records in the order their first vote arrived (the order they were screened)."""
    first_votes = sorted(
        (min(d.created_at for d in entry.votes), entry) for entry in votes.values() if entry.votes
    )
    return [any(d.vote != Vote.EXCLUDE for d in entry.votes) for _, entry in first_votes]


def summary(
    project: Project,
    user: AbstractBaseUser,
    stage: str,
    *,
    blind_for_user: bool,
) -> StageSummary:
    required = settings_for(project, stage).votes_required
    votes, ids = stage_state(project, stage)
    result = StageSummary(stage, eligible=len(ids))
    result.ranked = Ranking.objects.filter(project=project, stage=stage).exclude(model="").exists()
    pair_votes: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for record_id in ids:
        entry = votes.get(record_id)
        if entry is None:
            result.outcomes[Outcome.PENDING] += 1
            result.left_for_me += 1
            continue
        outcome = entry.outcome(required)
        result.outcomes[outcome] += 1
        mine = entry.voted_by(user.pk)
        if mine:
            result.my_votes += 1
        elif outcome == Outcome.PENDING:
            result.left_for_me += 1
        if outcome == Outcome.EXCLUDE:
            result.reasons[entry.exclusion_reason() or "No reason given"] += 1
        complete = entry.has_all_votes(required)
        # Blind mode: only records with all their votes feed agreement, or votes would leak.
        if complete or not blind_for_user:
            named = sorted((d.reviewer.get_username(), d.vote) for d in entry.votes)
            for (a, va), (b, vb) in combinations(named, 2):
                pair_votes.setdefault((a, b), []).append((va, vb))
    result.pairs = [(a, b, agreement(v)) for (a, b), v in sorted(pair_votes.items())]
    # Blind mode: a record counts as screened only once it has all its votes. Otherwise "1
    # relevant found in 2 screened" would tell a reviewer how a colleague voted on a record they
    # have yet to screen themselves. Until then the record counts as unseen.
    wanted = set(ids)
    counted = {
        k: v
        for k, v in votes.items()
        if k in wanted and (not blind_for_user or v.has_all_votes(required))
    }
    result.sequence = _screened_sequence(counted)
    unseen = len(ids) - len(result.sequence)
    if result.sequence:
        result.stopping = estimate(result.sequence, unseen)
    return result


STAGES = [(Stage.TITLE_ABSTRACT, "Title and abstract"), (Stage.FULL_TEXT, "Full text")]
