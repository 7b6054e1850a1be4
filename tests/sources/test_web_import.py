"""Uploading through the web: the import runs in the background worker with visible progress."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from retroduce.core.models import TaskProgress
from retroduce.sources.models import ImportBatch, Record
from tests.sources.ris_samples import LEADERSHIP, POWER, ris_file

pytestmark = pytest.mark.django_db(transaction=True)


def _run_worker() -> None:
    call_command(
        "db_worker", "--batch", "--queue-name=*", "--no-reload", "--no-startup-delay", verbosity=0
    )


def test_upload_queues_an_import_that_the_worker_completes(team):
    client = team.client("reviewer")
    response = client.post(
        reverse("import_upload", args=[team.project.slug]),
        {
            "files": [
                SimpleUploadedFile("one.ris", ris_file(LEADERSHIP)),
                SimpleUploadedFile("two.ris", ris_file(POWER)),
            ]
        },
        follow=True,
    )
    assert "Importing one.ris, two.ris" in response.content.decode()
    assert ImportBatch.objects.filter(status="queued").count() == 2
    _run_worker()
    assert Record.objects.count() == 2
    assert set(TaskProgress.objects.values_list("status", flat=True)) == {"done"}
    page = client.get(reverse("sources", args=[team.project.slug])).content.decode()
    assert "Imported" in page and "one.ris" in page


def test_refused_upload_shows_the_reason_on_the_sources_page(team):
    client = team.client("reviewer")
    client.post(
        reverse("import_upload", args=[team.project.slug]),
        {"files": SimpleUploadedFile("notes.txt", b"just some words, not references\n")},
    )
    _run_worker()
    assert TaskProgress.objects.get().status == "failed"
    page = client.get(reverse("sources", args=[team.project.slug])).content.decode()
    assert "Refused: notes.txt" in page
    assert not Record.objects.exists()
