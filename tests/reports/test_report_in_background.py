"""Writing the report in the background from the Reports page, then downloading it."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse

from retroduce.core.models import TaskProgress
from retroduce.reports.models import ReportFile

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_word_report_is_written_by_the_worker_and_downloaded(team):
    client = team.client("viewer")
    response = client.post(reverse("report_prepare", args=[team.project.slug, "docx"]))
    assert response.status_code == 302
    item = ReportFile.objects.get()
    assert item.status == "queued"
    page = client.get(reverse("reports", args=[team.project.slug])).content.decode()
    assert reverse("task_progress", args=[item.task_id]) in page  # progress is polled
    call_command(
        "db_worker", "--batch", "--queue-name=*", "--no-reload", "--no-startup-delay", verbosity=0
    )
    item.refresh_from_db()
    assert item.status == "done"
    assert TaskProgress.objects.get().status == "done"
    download = client.get(reverse("report_file", args=[team.project.slug, item.pk]))
    assert download["Content-Disposition"].endswith('icl-report.docx"')
    document = docx.Document(io.BytesIO(b"".join(download.streaming_content)))
    assert any("RAMESES checklist" in p.text for p in document.paragraphs)


def test_outsiders_cannot_write_or_download_reports(team):
    client = team.client("outsider")
    assert (
        client.post(reverse("report_prepare", args=[team.project.slug, "html"])).status_code == 404
    )
    assert client.get(reverse("report_prepare", args=[team.project.slug, "html"])).status_code in (
        404,
        405,
    )
    assert not ReportFile.objects.exists()
