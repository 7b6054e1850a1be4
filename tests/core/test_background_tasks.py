"""Background tasks: queued from a page, run by the database worker, progress readable by htmx."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from retroduce.core.models import TaskProgress

# The worker closes connections between tasks, as a real worker must; that needs real commits.
pytestmark = pytest.mark.django_db(transaction=True)


def _run_worker_once() -> None:
    call_command(
        "db_worker", "--batch", "--queue-name=*", "--no-reload", "--no-startup-delay", verbosity=0
    )


def test_audit_check_runs_in_the_worker_and_reports_progress(team):
    client = team.client("reviewer")
    partial = client.post(reverse("audit_start", args=[team.project.slug]), HTTP_HX_REQUEST="true")
    progress = TaskProgress.objects.get()
    assert progress.status == "queued"
    html = partial.content.decode()
    assert 'hx-trigger="every 1s"' in html and "Queued" in html

    _run_worker_once()

    progress.refresh_from_db()
    assert progress.status == "done"
    assert progress.done == progress.total == 1  # the project's first protocol version
    polled = client.get(reverse("task_progress", args=[progress.task_id])).content.decode()
    assert "Audit trail complete" in polled
    assert "hx-trigger" not in polled  # a finished task stops polling


def test_progress_of_another_project_is_hidden(team, make_user):
    client = team.client("owner")
    client.post(reverse("audit_start", args=[team.project.slug]))
    progress = TaskProgress.objects.get()
    assert (
        team.client("outsider").get(reverse("task_progress", args=[progress.task_id])).status_code
        == 404
    )


def test_history_page_shows_the_last_check(team):
    client = team.client("owner")
    client.post(reverse("audit_start", args=[team.project.slug]))
    _run_worker_once()
    page = client.get(reverse("history", args=[team.project.slug])).content.decode()
    assert "Audit trail complete" in page
