"""Keeping the offer order fresh: after votes arrive, a background task retrains the model.

The reviewer never waits: votes only mark the ranking stale, and at most one retrain per stage is
queued at a time. The features of a stage's records are built once and cached on disk, so a retrain
only refits the classifier on the labelled rows.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from retroduce.core.models import Project
from retroduce.core.progress import Reporter, enqueue_with_progress, silent
from retroduce.screening.models import Ranking, Vote
from retroduce.screening.outcomes import eligible, votes_by_record

MODEL = "default"


def labels_for(project: Project, stage: str, ids: list[int]) -> dict[int, int]:
    """Training labels: 1 if any reviewer included or said maybe, 0 if all excluded."""
    index = {record_id: i for i, record_id in enumerate(ids)}
    labels: dict[int, int] = {}
    for record_id, entry in votes_by_record(project, stage).items():
        if record_id in index and entry.votes:
            if entry.resolution is not None:
                labels[index[record_id]] = int(entry.resolution.outcome == Vote.INCLUDE)
            else:
                labels[index[record_id]] = int(any(d.vote != Vote.EXCLUDE for d in entry.votes))
    return labels


def _cache_path(project: Project, stage: str, ids: list[int]) -> Path:
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:16]
    folder = Path(settings.MEDIA_ROOT) / "ranking"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{project.uuid}-{stage}-{MODEL}-{digest}.features"


def _prioritiser(project: Project, stage: str, ids: list[int], texts: list[str]):  # noqa: ANN202
    from retroduce.screening.ranking import Prioritiser

    cache = _cache_path(project, stage, ids)
    if cache.exists():
        return Prioritiser.load(cache)
    prioritiser = Prioritiser(texts, model=MODEL)
    for old in cache.parent.glob(f"{project.uuid}-{stage}-*.features"):
        old.unlink(missing_ok=True)
    prioritiser.save(cache)
    return prioritiser


def retrain(project: Project, stage: str, report: Reporter = silent) -> Ranking:
    started = time.perf_counter()
    records = eligible(project, stage).order_by("pk").values_list("pk", "title", "abstract")
    ids = [r[0] for r in records]
    ranking, _ = Ranking.objects.get_or_create(project=project, stage=stage)
    Ranking.objects.filter(pk=ranking.pk).update(stale=False)
    labels = labels_for(project, stage, ids)
    report(1, 3, f"{len(labels):,} decisions, {len(ids):,} records")
    order: list[int] = []  # empty: random order until both an include and an exclude exist
    if len(set(labels.values())) == 2:
        try:
            prioritiser = _prioritiser(project, stage, ids, [f"{t}\n{a}" for _, t, a in records])
        except ValueError:
            prioritiser = None  # e.g. no usable words at all in the texts: keep the random order
        if prioritiser is not None:
            report(2, 3, "Ranking")
            scores = prioritiser.scores(labels)
            # Every record, voted or not, by score: with two votes per record, a record one
            # reviewer voted on must still reach the other reviewer near the top.
            order = [ids[i] for i in sorted(range(len(ids)), key=lambda i: -float(scores[i]))]
    Ranking.objects.filter(pk=ranking.pk).update(
        order=order,
        labelled=len(labels),
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

    with transaction.atomic():
        ranking, _ = (
            Ranking.objects.select_for_update()
            .defer("order")  # not needed to queue a task, and 100,000 ids long
            .get_or_create(project=project, stage=stage)
        )
        if ranking.task_queued:
            return
        ranking.task_queued = True
        ranking.save(update_fields=["task_queued"])
        enqueue_with_progress(
            retrain_task,
            "Re-ranking records",
            project=project,
            user=user,
            project_id=project.pk,
            stage=stage,
        )
