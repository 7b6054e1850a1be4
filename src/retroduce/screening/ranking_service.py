"""Keeping the offer order fresh: after votes arrive, a background task retrains the model.

The reviewer never waits: votes only mark the ranking stale, and at most one retrain per stage is
queued at a time. The features of a stage's records are built once and cached on disk, so a retrain
only refits the classifier on the labelled rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone

from retroduce.core.models import Project
from retroduce.core.progress import Reporter, enqueue_with_progress, silent
from retroduce.screening import progress, shortlist
from retroduce.screening.models import Decision, RankedOrder, Ranking, Resolution, Vote
from retroduce.screening.outcomes import eligible, settings_for
from retroduce.screening.queue import random_order
from retroduce.sources.models import Record

MODEL = "default"
FEATURES = "neighbours1"  # TF-IDF and the nearest-neighbour graph (models.DEFAULT)
RETRAIN_SPACING = 3  # times the last retrain's length, from its end to the next start


def blind_complete(project: Project, stage: str) -> Q | None:
    """In blind mode with two votes per record, a filter for the records that have all their
    votes or a resolution: the only ones the ranking may learn from. Otherwise None: every vote
    counts at once.

    Learning from a first vote would leak it through the order. A record one reviewer included
    would rise to the top of the other's queue, and one they excluded would sink to the bottom.
    """
    stage_settings = settings_for(project, stage)
    if not stage_settings.blind or stage_settings.votes_required < 2:
        return None
    return shortlist.complete_filter(project, stage, stage_settings.votes_required)


def _decisions(project: Project, stage: str, only: Q | None) -> QuerySet:
    decisions = Decision.objects.filter(project=project, stage=stage, withdrawn=False)
    return decisions if only is None else decisions.filter(only)


def labels_for(
    project: Project, stage: str, ids: list[int], only: Q | None = None
) -> dict[int, int]:
    """Training labels: 1 if any reviewer included or said maybe, 0 if all excluded; a
    resolution decides. Read as plain values: a retrain may see 100,000 votes. `only`: the
    record ids that may count (blind_complete)."""
    index = {record_id: i for i, record_id in enumerate(ids)}
    labels: dict[int, int] = {}
    for record_id, vote in _decisions(project, stage, only).values_list("record_id", "vote"):
        if record_id in index:
            i = index[record_id]
            labels[i] = max(labels.get(i, 0), int(vote != Vote.EXCLUDE))
    resolutions = Resolution.objects.filter(project=project, stage=stage)
    for record_id, outcome in resolutions.values_list("record_id", "outcome"):
        if record_id in index:
            labels[index[record_id]] = int(outcome == Vote.INCLUDE)
    return labels


def labels_since_include(project: Project, stage: str, only: Q | None = None) -> int:
    """How many records were first labelled after the newest include (or maybe): how long the
    ranking has gone without finding one. A vote changed to include counts from when it was
    changed; a second reviewer's vote on a record already labelled is no new label. `only`: the
    record ids that may count (blind_complete)."""
    decisions = _decisions(project, stage, only)
    newest = decisions.exclude(vote=Vote.EXCLUDE).aggregate(at=Max("updated_at"))["at"]
    resolved = Resolution.objects.filter(
        project=project, stage=stage, outcome=Vote.INCLUDE
    ).aggregate(at=Max("resolved_at"))["at"]
    if resolved is not None and (newest is None or resolved > newest):
        newest = resolved
    if newest is None:
        return 0  # no include yet: the order is random until there is one
    return (
        decisions.values("record_id")
        .annotate(first=Min("created_at"))
        .filter(first__gt=newest)
        .count()
    )


def _cache_path(project: Project, stage: str, ids: list[int]) -> Path:
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:16]
    folder = Path(settings.MEDIA_ROOT) / "ranking"
    folder.mkdir(parents=True, exist_ok=True)
    # FEATURES names what the cache holds, so a cache written before a change of features misses.
    return folder / f"{project.uuid}-{stage}-{MODEL}-{FEATURES}-{digest}.features"


# The last stage's features, kept in the worker's memory: loading them from the cache file took
# 0.2 s of each 1 s retrain at 100,000 records. The path names the records, so a change misses.
_loaded: dict = {}


def _prioritiser(project: Project, stage: str, ids: list[int], report: Reporter = silent):  # noqa: ANN202
    from retroduce.screening.ranking import Prioritiser

    cache = _cache_path(project, stage, ids)
    if _loaded.get("path") == cache and cache.exists():
        return _loaded["prioritiser"]  # the worker retrains the same stage again and again
    if cache.exists():
        _loaded.update(path=cache, prioritiser=Prioritiser.load(cache))
        return _loaded["prioritiser"]
    # The one slow step of a stage (about 3 minutes at 100,000 records), so it says what it does.
    report(2, 3, f"Indexing {len(ids):,} records and finding each one's nearest neighbours")
    # Only a cache miss reads the texts (1.5 s of a 2 s retrain at 100,000 records). Read by id, so
    # a record merged or deleted since the ids were read leaves an empty text, not a shifted one.
    texts = {
        pk: f"{title}\n{abstract}"
        for pk, title, abstract in Record.objects.filter(project=project)
        .order_by("pk")
        .values_list("pk", "title", "abstract")
        .iterator(chunk_size=5_000)
    }
    prioritiser = Prioritiser([texts.get(i, "") for i in ids], model=MODEL)
    for old in cache.parent.glob(f"{project.uuid}-{stage}-*.features"):
        old.unlink(missing_ok=True)
    prioritiser.save(cache)
    _loaded.update(path=cache, prioritiser=prioritiser)
    return prioritiser


def retrain(project: Project, stage: str, report: Reporter = silent) -> Ranking:
    started = time.perf_counter()
    ids = list(eligible(project, stage).order_by("pk").values_list("pk", flat=True))
    ranking, _ = Ranking.objects.get_or_create(project=project, stage=stage)
    Ranking.objects.filter(pk=ranking.pk).update(stale=False)
    only = blind_complete(project, stage)
    labels = labels_for(project, stage, ids, only)
    report(1, 3, f"{len(labels):,} decisions, {len(ids):,} records")
    order: list[int] = []  # empty: random order until both an include and an exclude exist
    if len(set(labels.values())) == 2:
        try:
            prioritiser = _prioritiser(project, stage, ids, report)
        except ValueError:
            prioritiser = None  # e.g. no usable words at all in the texts: keep the random order
        if prioritiser is not None:
            report(2, 3, "Ranking")
            scores = prioritiser.scores(labels, labels_since_include(project, stage, only))
            # Every record, voted or not, by score: with two votes per record, a record one
            # reviewer voted on must still reach the other reviewer near the top.
            order = [ids[i] for i in np.argsort(-scores, kind="stable").tolist()]
    required = settings_for(project, stage).votes_required
    # Three short writes, not one long transaction: votes update the Ranking row (stale, task
    # queued) and must not wait while 100,000 ids are written.
    shortlist.write(
        project,
        stage,
        order or random_order(project, stage, ids),
        shortlist.complete_ids(project, stage, required),
    )
    RankedOrder.objects.update_or_create(project=project, stage=stage, defaults={"ids": order})
    Ranking.objects.filter(pk=ranking.pk).update(
        labelled=len(labels),
        tally=progress.team_counts(project, stage, required),
        model=MODEL if order else "",
        trained_at=timezone.now(),
        seconds=time.perf_counter() - started,
        task_queued=False,
    )
    report(3, 3, f"Ranked {len(order):,} records on {len(labels):,} decisions")
    ranking.refresh_from_db()
    return ranking


def request_retrain(project: Project, stage: str, user) -> None:  # noqa: ANN001
    """Queue a retrain unless one is already queued for this stage."""
    from retroduce.screening.tasks import retrain_task

    if Ranking.objects.filter(project=project, stage=stage, task_queued=True).exists():
        return  # the usual case under load, answered without the row lock below
    with transaction.atomic():
        ranking, _ = Ranking.objects.select_for_update().get_or_create(project=project, stage=stage)
        if ranking.task_queued:
            return
        ranking.task_queued = True
        ranking.save(update_fields=["task_queued"])
        task = retrain_task
        if ranking.trained_at is not None:
            # Not sooner than three times the last retrain's length after it: retraining then
            # takes at most a quarter of the worker's time however fast votes arrive (a team of
            # 20 votes several times a second), and a small project still retrains at once.
            due = ranking.trained_at + dt.timedelta(seconds=RETRAIN_SPACING * ranking.seconds)
            if due > timezone.now():
                task = retrain_task.using(run_after=due)
        enqueue_with_progress(
            task,
            "Re-ranking records",
            project=project,
            user=user,
            project_id=project.pk,
            stage=stage,
        )
