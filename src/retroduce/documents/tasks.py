"""Background tasks of the documents app: text extraction."""

from __future__ import annotations

from django_tasks import TaskContext, task

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
