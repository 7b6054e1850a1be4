"""The progress line of the screening page, counted by the database.

The overview's `queue.summary` reads every vote to give agreement and the stopping estimate; the
screening page, loaded after every vote, only needs counts, and asks for them as aggregates.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Count, OuterRef, Q, Subquery

from retroduce.core.models import Project
from retroduce.screening.models import Decision, Resolution, Vote
from retroduce.screening.outcomes import Outcome, eligible, of_eligible, settings_for


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


def stage_progress(project: Project, user: AbstractBaseUser, stage: str) -> StageProgress:
    required = settings_for(project, stage).votes_required
    records = eligible(project, stage)
    resolution = Resolution.objects.filter(record=OuterRef("record_id"), stage=stage)
    # One row per voted record.
    votes = Decision.objects.filter(project=project, stage=stage, withdrawn=False)
    per_record = (
        of_eligible(votes, project, stage)
        .order_by()
        .values("record_id")
        .annotate(
            n=Count("pk"),
            included=Count("pk", filter=Q(vote=Vote.INCLUDE)),
            excluded=Count("pk", filter=Q(vote=Vote.EXCLUDE)),
            mine=Count("pk", filter=Q(reviewer=user)),
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
              SUM(CASE WHEN mine > 0 THEN 1 ELSE 0 END),
              SUM(CASE WHEN resolved IS NULL AND n < %s THEN 1 ELSE 0 END),
              SUM(CASE WHEN resolved IS NULL AND n < %s AND mine = 0 THEN 1 ELSE 0 END),
              SUM(CASE WHEN resolved = %s OR (resolved IS NULL AND n >= %s AND included = n)
                  THEN 1 ELSE 0 END),
              SUM(CASE WHEN resolved = %s OR (resolved IS NULL AND n >= %s AND excluded = n)
                  THEN 1 ELSE 0 END)
            FROM ({inner}) per_record
            """,  # noqa: S608 - `inner` is Django's compiled SQL; every value is a parameter
            [
                required,
                required,
                Vote.INCLUDE,
                required,
                Vote.EXCLUDE,
                required,
                *params,
            ],
        )
        row = cursor.fetchone()
    voted, mine, pending, pending_not_mine, include, exclude = (value or 0 for value in row)
    total = records.count()
    result = StageProgress(stage, eligible=total)
    unvoted = total - voted
    result.my_votes = mine
    result.left_for_me = unvoted + pending_not_mine
    result.outcomes[Outcome.PENDING] = unvoted + pending
    result.outcomes[Outcome.INCLUDE] = include
    result.outcomes[Outcome.EXCLUDE] = exclude
    result.outcomes[Outcome.CONFLICT] = voted - pending - include - exclude
    return result
