"""Background tasks of the screening app."""

from __future__ import annotations

from django_tasks import TaskContext, task

from retroduce.core.interrupted import on_interrupted
from retroduce.core.models import Project, TaskProgress
from retroduce.core.progress import run_reported
from retroduce.screening.models import Ranking

RETRAIN_INTERRUPTED = (
    "Interrupted: the process re-ranking the records stopped. The order stays as it was until the "
    "next vote starts a new ranking."
)


@task(takes_context=True)
def retrain_task(context: TaskContext, project_id: int, stage: str) -> str:
    from retroduce.screening.ranking_service import retrain

    project = Project.objects.get(pk=project_id)
    try:
        summary = run_reported(
            str(context.task_result.id),
            lambda report: f"Ranked on {retrain(project, stage, report).labelled} decisions",
        )
    except Exception:
        # Let the next vote queue a fresh retrain.
        Ranking.objects.filter(project=project, stage=stage).update(task_queued=False)
        raise
    # The retrain cleared the queued flag as it finished, so votes that came after queued the next
    # one themselves (spaced after this one). Votes that came while it ran could not; catch up.
    if Ranking.objects.filter(project=project, stage=stage, stale=True, task_queued=False).exists():
        from retroduce.screening.ranking_service import request_retrain

        request_retrain(project, stage, None)
    return summary


@on_interrupted
def _retrain_interrupted(task_id: str, task_path: str, kwargs: dict) -> None:
    # Without this the stage's "retrain queued" flag stays set and no vote queues one again.
    if task_path.endswith(".retrain_task") and {"project_id", "stage"} <= kwargs.keys():
        Ranking.objects.filter(project_id=kwargs["project_id"], stage=kwargs["stage"]).update(
            task_queued=False, stale=True
        )
        # Nobody needs to start a retrain again: the next vote queues one.
        TaskProgress.objects.filter(task_id=task_id).update(message=RETRAIN_INTERRUPTED)
