"""Writing a report in the background, with progress, so a large project never blocks a page."""

from __future__ import annotations

import uuid

from django_tasks import TaskContext, task

from retroduce.core.files import store_file
from retroduce.core.interrupted import INTERRUPTED, on_interrupted
from retroduce.core.progress import run_reported
from retroduce.reports.models import ReportFile

EXTENSIONS = {"docx": "docx", "html": "html", "md": "zip"}


@task(takes_context=True)
def write_report_task(context: TaskContext, report_id: int) -> str:
    from retroduce.reports.views import render_report

    item = ReportFile.objects.select_related("project").get(pk=report_id)

    def work(report) -> str:  # noqa: ANN001
        ReportFile.objects.filter(pk=item.pk).update(status=ReportFile.Status.RUNNING)
        report(0, 2, "gathering the project's work")
        try:
            data = render_report(item.project, item.fmt)
        except Exception as exc:
            ReportFile.objects.filter(pk=item.pk).update(
                status=ReportFile.Status.FAILED, error=str(exc)
            )
            raise
        report(1, 2, "saving")
        name = f"{item.project.slug}-report.{EXTENSIONS[item.fmt]}"
        path = store_file("reports", item.project.slug, uuid.uuid4(), name, data)
        ReportFile.objects.filter(pk=item.pk).update(
            status=ReportFile.Status.DONE, stored_file=path
        )
        report(2, 2, "done")
        return f"Wrote {name} ({len(data) // 1024} KiB)"

    return run_reported(str(context.task_result.id), work)


@on_interrupted
def _report_interrupted(task_id: str, task_path: str, kwargs: dict) -> None:
    ReportFile.objects.filter(
        task_id=task_id, status__in=[ReportFile.Status.QUEUED, ReportFile.Status.RUNNING]
    ).update(status=ReportFile.Status.FAILED, error=INTERRUPTED)
