"""Background tasks of the sources app."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django_tasks import TaskContext, task

from retroduce.core.interrupted import INTERRUPTED, on_interrupted
from retroduce.core.models import Project
from retroduce.core.progress import enqueue_with_progress, run_reported
from retroduce.sources.importing import run_import, store_upload
from retroduce.sources.models import ImportBatch, SearchEpisode


class ImportRefused(Exception):
    """The file was refused; the message says why (and the batch records it too)."""


@task(takes_context=True)
def import_task(context: TaskContext, batch_id: int) -> str:
    batch = ImportBatch.objects.select_related("project", "created_by").get(pk=batch_id)

    def work(report) -> str:  # noqa: ANN001
        outcome = run_import(batch, batch.created_by, report)
        if outcome.batch.status == ImportBatch.Status.FAILED:
            raise ImportRefused(outcome.summary)
        return outcome.summary

    return run_reported(str(context.task_result.id), work)


def queue_import(
    project: Project,
    user: AbstractBaseUser,
    name: str,
    data: bytes,
    episode: SearchEpisode | None = None,
) -> ImportBatch:
    """Store an uploaded file and import it in the background, with a progress bar."""
    batch = store_upload(project, user, name, data, episode)
    progress = enqueue_with_progress(
        import_task, f"Importing {batch.file_name}", project=project, user=user, batch_id=batch.pk
    )
    batch.task_id = progress.task_id
    batch.save(update_fields=["task_id"])
    return batch


@on_interrupted
def _import_interrupted(task_id: str, task_path: str, kwargs: dict) -> None:
    # The import is one transaction, so a killed one saved no records: say so, and let the
    # reviewer import the file again.
    ImportBatch.objects.filter(
        task_id=task_id, status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING]
    ).update(status=ImportBatch.Status.FAILED, error=INTERRUPTED)
