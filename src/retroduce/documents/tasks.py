"""Background tasks of the documents app: text extraction."""

from __future__ import annotations

from django_tasks import TaskContext, task

from retroduce.core.interrupted import INTERRUPTED, on_interrupted
from retroduce.core.progress import run_reported
from retroduce.documents.models import Document
from retroduce.documents.services import link_by_text, run_extraction


class ExtractionFailed(Exception):
    """The file could not be read; the message says why (and the document records it too)."""


@task(takes_context=True)
def extract_task(context: TaskContext, document_id: int) -> str:
    document = Document.objects.select_related("project", "created_by").get(pk=document_id)

    def work(report) -> str:  # noqa: ANN001
        outcome = run_extraction(document, document.created_by, report)
        if not outcome.ok:
            raise ExtractionFailed(outcome.summary)
        linked = link_by_text(outcome.document, document.created_by)
        return outcome.summary + (f"; matched to a record by {linked}" if linked else "")

    return run_reported(str(context.task_result.id), work)


@on_interrupted
def _extraction_interrupted(task_id: str, task_path: str, kwargs: dict) -> None:
    # Not queued again by itself: a file that killed the worker (memory, a hang) would do it again.
    # The document page offers "Extract again".
    Document.objects.filter(
        task_id=task_id, status__in=[Document.Status.QUEUED, Document.Status.EXTRACTING]
    ).update(status=Document.Status.FAILED, error=INTERRUPTED)
