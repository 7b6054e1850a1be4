"""Background tasks of the coding app."""

from __future__ import annotations

from django_tasks import TaskContext, task

from retroduce.core.models import Project
from retroduce.core.progress import run_reported


@task(takes_context=True)
def build_suggestion_index_task(context: TaskContext, project_id: int) -> str:
    from retroduce.coding.suggestion_index import build_index

    project = Project.objects.get(pk=project_id)

    def work(report) -> str:  # noqa: ANN001
        documents, passages = build_index(project, report)
        return f"Indexed {passages:,} passages in {documents} documents"

    return run_reported(str(context.task_result.id), work)
