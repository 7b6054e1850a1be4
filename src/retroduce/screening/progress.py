"""The progress line of the screening page, counted by the database.

The overview's `queue.summary` reads every vote to give agreement and the stopping estimate; the
screening page, loaded after every vote, only needs counts, and asks for them as aggregates. The
team-wide ones cost time in proportion to the stage's votes (about 85 ms at 60,000 on PostgreSQL),
so:
- below EXACT_BELOW votes each process counts them at most every SHARED_SECONDS;
- from EXACT_BELOW on, the retrain task, which runs every few seconds while a team screens, counts
  them in the background and leaves them on the stage's Ranking row, and a page reads that row
  while it is at most TALLY_SECONDS old (otherwise, when nobody has voted for a while, it counts).
The reviewer's own figures are counted exactly on every page.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from retroduce.core.models import Project
from retroduce.screening.models import Decision, Ranking, Resolution, Vote
from retroduce.screening.outcomes import Outcome, eligible, of_eligible, settings_for

SHARED_SECONDS = 5
EXACT_BELOW = 10_000  # labelled records at a stage; below it counting costs under about 15 ms
TALLY_SECONDS = 60


@dataclass
class StageProgress:
    stage: str
    eligible: int = 0
    my_votes: int = 0
    left_for_me: int = 0
    outcomes: Counter = field(default_factory=Counter)

    @property
    def done(self) -> int:
        return self.eligible - self.outcomes[Outcome.PENDING]


def team_counts(project: Project, stage: str, required: int) -> dict[str, int]:
    """Eligible records and how many are pending, included, excluded or in conflict."""
    resolution = Resolution.objects.filter(record=OuterRef("record_id"), stage=stage)
    # One row per voted record.
    votes = Decision.objects.filter(project=project, stage=stage, withdrawn=False)
    per_record = (
        of_eligible(votes, project, stage, many=True)
        .order_by()
        .values("record_id")
        .annotate(
            n=Count("pk"),
            included=Count("pk", filter=Q(vote=Vote.INCLUDE)),
            excluded=Count("pk", filter=Q(vote=Vote.EXCLUDE)),
            resolved=Subquery(resolution.values("outcome")[:1]),
        )
    )
    # Django cannot aggregate over aggregates, so the totals wrap the grouped query's own SQL
    # (its parameters stay parameters).
    inner, params = per_record.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT COUNT(*),
              SUM(CASE WHEN resolved IS NULL AND n < %s THEN 1 ELSE 0 END),
              SUM(CASE WHEN resolved = %s OR (resolved IS NULL AND n >= %s AND included = n)
                  THEN 1 ELSE 0 END),
              SUM(CASE WHEN resolved = %s OR (resolved IS NULL AND n >= %s AND excluded = n)
                  THEN 1 ELSE 0 END)
            FROM ({inner}) per_record
            """,  # noqa: S608 - `inner` is Django's compiled SQL; every value is a parameter
            [required, Vote.INCLUDE, required, Vote.EXCLUDE, required, *params],
        )
        voted, pending, include, exclude = (value or 0 for value in cursor.fetchone())
    total = eligible(project, stage).count()
    return {
        "required": required,
        "eligible": total,
        Outcome.PENDING: total - voted + pending,
        Outcome.INCLUDE: include,
        Outcome.EXCLUDE: exclude,
        Outcome.CONFLICT: voted - pending - include - exclude,
    }


def _my_counts(project: Project, user: AbstractBaseUser, stage: str, required: int) -> tuple:
    """The reviewer's votes on eligible records, and how many of those records still wait for
    someone else's vote. Both cost what the reviewer's own votes cost."""
    mine = of_eligible(
        Decision.objects.filter(project=project, stage=stage, reviewer=user, withdrawn=False),
        project,
        stage,
    )
    if required == 1:
        return mine.count(), 0  # one vote completes a record
    cast = (
        Decision.objects.filter(record=OuterRef("record_id"), stage=stage, withdrawn=False)
        .order_by()
        .values("record")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    resolved = Resolution.objects.filter(record=OuterRef("record_id"), stage=stage)
    waiting = mine.annotate(cast=Subquery(cast)).filter(cast__lt=required).exclude(Exists(resolved))
    return mine.count(), waiting.count()


def _tallied(project: Project, stage: str, required: int) -> dict[str, int] | None:
    """The retrain's counts, when the stage is large enough to need them and they are recent."""
    found = (
        Ranking.objects.filter(project=project, stage=stage)
        .values_list("labelled", "tally", "trained_at")
        .first()
    )
    if found is None:
        return None
    labelled, tally, trained_at = found
    recent = trained_at is not None and timezone.now() - trained_at < dt.timedelta(
        seconds=TALLY_SECONDS
    )
    if labelled < EXACT_BELOW or not tally or tally.get("required") != required or not recent:
        return None
    return {key: int(value) for key, value in tally.items()}


def stage_progress(
    project: Project, user: AbstractBaseUser, stage: str, *, fresh: bool = False
) -> StageProgress:
    """The page's progress line. The team's figures (records done, conflicts) may be up to
    SHARED_SECONDS old, or TALLY_SECONDS in a large stage; the reviewer's own are exact, so their
    own vote always shows at once."""
    required = settings_for(project, stage).votes_required
    counts = None if fresh else _tallied(project, stage, required)
    key = f"screening-progress:{project.uuid}:{stage}:{required}"
    if counts is None and not fresh:
        counts = cache.get(key)
    if counts is None:
        counts = team_counts(project, stage, required)
        cache.set(key, counts, SHARED_SECONDS)
    my_votes, mine_waiting = _my_counts(project, user, stage, required)
    result = StageProgress(stage, eligible=counts["eligible"], my_votes=my_votes)
    for outcome in (Outcome.PENDING, Outcome.INCLUDE, Outcome.EXCLUDE, Outcome.CONFLICT):
        result.outcomes[outcome] = counts[outcome]
    result.left_for_me = max(0, counts[Outcome.PENDING] - mine_waiting)
    return result
