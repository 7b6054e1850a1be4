"""Background tasks of the core app (Django tasks API via the django-tasks backport)."""

from __future__ import annotations

from django_tasks import TaskContext, task

from retroduce.core.audit import check_audit_trail
from retroduce.core.models import Project
from retroduce.core.progress import run_reported


@task(takes_context=True)
def audit_trail_task(context: TaskContext, project_id: int) -> str:
    project = Project.objects.get(pk=project_id)
    return run_reported(
        str(context.task_result.id), lambda report: check_audit_trail(project, report).summary
    )
