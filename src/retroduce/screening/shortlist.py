"""The head of the offer order as indexed rows, so choosing the next record is one query.

The retrain writes the first SIZE records that still need votes, in ranking order. Between two
retrains a team finishes a few dozen records at most, so the shortlist lasts (SIZE only matters
to a reviewer far ahead of their partner when two votes are needed); when a reviewer has
voted on (or others hold) every shortlisted record, the queue falls back to the full order.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from retroduce.core.models import Project
from retroduce.screening.models import Decision, Hold, Resolution, Shortlisted, Stage
from retroduce.screening.outcomes import eligible
from retroduce.sources.models import Record

SIZE = 2_000


def _complete(project: Project, stage: str, required: int) -> tuple[QuerySet, QuerySet]:
    """Records with all the votes they need, and resolved records, as record_id subqueries."""
    full = (
        Decision.objects.filter(project=project, stage=stage, withdrawn=False)
        .order_by()
        .values("record_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=required)
        .values("record_id")
    )
    resolved = Resolution.objects.filter(project=project, stage=stage).values("record_id")
    return full, resolved


def complete_ids(project: Project, stage: str, required: int) -> set[int]:
    """Records that need no more votes at the stage: resolved, or with all the votes they need."""
    full, resolved = _complete(project, stage, required)
    return {row["record_id"] for row in full} | {row["record_id"] for row in resolved}


def complete_filter(project: Project, stage: str, required: int) -> Q:
    """The same records as complete_ids, as a filter on rows with a record_id (a subquery, so
    100,000 ids never travel as parameters)."""
    full, resolved = _complete(project, stage, required)
    return Q(record_id__in=full) | Q(record_id__in=resolved)


def _table(model) -> str:  # noqa: ANN001
    return connection.ops.quote_name(model._meta.db_table)


@transaction.atomic
def write(project: Project, stage: str, order: Iterable[int], complete: set[int]) -> int:
    """Replace the stage's shortlist with the first SIZE ids of `order` not in `complete`."""
    head: list[int] = []
    for record_id in order:
        if record_id not in complete:
            head.append(record_id)
            if len(head) == SIZE:
                break
    Shortlisted.objects.filter(project=project, stage=stage).delete()
    # Plain rows, not model instances: bulk_create spent 0.6 s of a 1.2 s retrain building 5,000.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {_table(Shortlisted)} (project_id, stage, record_id, position) "  # noqa: S608
            "VALUES (%s, %s, %s, %s)",
            [(project.pk, stage, record_id, position) for position, record_id in enumerate(head)],
        )
    return len(head)


def first_open(
    project: Project, user: AbstractBaseUser, stage: str, required: int, *, skip_held: bool
) -> Record | None:
    """The first shortlisted record this reviewer has not voted on that still needs a vote, read
    in the same query.

    With `skip_held`, records whose votes cast plus other reviewers' live holds already reach
    `required` are passed over: those reviewers are reading them and will give the votes.

    Written in SQL: it runs on every vote, and Django spent about 10 ms of Python building the same
    query from Exists, Subquery and Coalesce expressions (the database needs under 1 ms).
    """
    decision, record = _table(Decision), _table(Record)
    params: list[object] = [project.pk, stage, project.pk]
    eligible_sql = ""
    if stage != Stage.TITLE_ABSTRACT:  # full text: included at title and abstract
        inner, inner_params = eligible(project, stage).values("pk").query.sql_with_params()
        eligible_sql = f"AND s.record_id IN ({inner})"
        params.extend(inner_params)
    params += [stage, user.pk, stage, stage]
    held_sql = ""
    if skip_held:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        held_sql = f"""+ (SELECT COUNT(*) FROM {_table(Hold)} h
                          WHERE h.record_id = s.record_id AND h.stage = %s AND h.until > %s
                            AND h.reviewer_id <> %s)"""  # noqa: S608 - as below
        params += [stage, now, user.pk]
    params.append(required)
    head = f"""
        SELECT s.record_id FROM {_table(Shortlisted)} s
        JOIN {record} r ON r.id = s.record_id
        WHERE s.project_id = %s AND s.stage = %s
          AND r.project_id = %s AND r.duplicate_of_id IS NULL {eligible_sql}
          AND NOT EXISTS (SELECT 1 FROM {decision} d WHERE d.record_id = s.record_id
                          AND d.stage = %s AND NOT d.withdrawn AND d.reviewer_id = %s)
          AND NOT EXISTS (SELECT 1 FROM {_table(Resolution)} x WHERE x.record_id = s.record_id
                          AND x.stage = %s)
          AND (SELECT COUNT(*) FROM {decision} d WHERE d.record_id = s.record_id
               AND d.stage = %s AND NOT d.withdrawn) {held_sql} < %s
        ORDER BY s.position
        LIMIT 1
    """  # noqa: S608 - table names from the models; every value is a parameter
    found = list(Record.objects.raw(f"SELECT * FROM {record} WHERE id = ({head})", params))  # noqa: S608
    return found[0] if found else None
