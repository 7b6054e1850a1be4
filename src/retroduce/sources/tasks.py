"""Background tasks of the sources app."""

from __future__ import annotations

from django_tasks import TaskContext, task

from retroduce.core.progress import run_reported
from retroduce.sources.importing import run_import
from retroduce.sources.models import ImportBatch


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
