"""Each input limit is a setting (RETRODUCE_MAX_*), and crossing it is a clean refusal naming it."""

from __future__ import annotations

import pytest

from retroduce.core.services import DomainError
from retroduce.documents.models import Document
from retroduce.documents.services import attach_document, run_extraction
from retroduce.site import config
from retroduce.sources.importing import run_import, store_upload
from retroduce.sources.models import ImportBatch, Record
from tests.documents.pdfs import make_pdf
from tests.sources.ris_samples import LEADERSHIP, POWER, RESILIENCE, ris_file

pytestmark = pytest.mark.django_db


def test_records_per_file(team, settings):
    settings.MAX_RECORDS = 2
    owner = team.users["owner"]
    outcome = run_import(
        store_upload(team.project, owner, "three.ris", ris_file(LEADERSHIP, POWER, RESILIENCE)),
        owner,
    )
    assert outcome.batch.status == ImportBatch.Status.FAILED
    assert "three.ris" in outcome.summary and "more than 2 records" in outcome.summary
    assert not Record.objects.exists()


def test_field_length(team, settings):
    settings.MAX_FIELD_CHARS = 1000
    owner = team.users["owner"]
    long_title = LEADERSHIP.replace("a realist review", "a realist review " + "x" * 2000)
    outcome = run_import(store_upload(team.project, owner, "long.ris", ris_file(long_title)), owner)
    assert outcome.batch.status == ImportBatch.Status.FAILED
    assert "long.ris" in outcome.summary and "line" in outcome.summary
    assert not Record.objects.exists()


def test_upload_size(team, settings):
    settings.MAX_UPLOAD_BYTES = 100
    with pytest.raises(DomainError, match="big.ris: the file is larger than 0 MiB"):
        store_upload(team.project, team.users["owner"], "big.ris", ris_file(LEADERSHIP))
    assert not ImportBatch.objects.exists()


def test_pdf_pages(team, settings):
    settings.MAX_PDF_PAGES = 2
    document = attach_document(
        team.project, team.users["owner"], "thick.pdf", make_pdf(["one", "two", "three"])
    )
    run_extraction(document, team.users["owner"])
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert "thick.pdf" in document.error and "more than the 2 one document may have" in (
        document.error
    )


@pytest.mark.parametrize(
    "name",
    [
        "RETRODUCE_MAX_UPLOAD_MB",
        "RETRODUCE_MAX_FIELD_CHARS",
        "RETRODUCE_MAX_RECORDS",
        "RETRODUCE_MAX_UNZIPPED_MB",
        "RETRODUCE_MAX_PDF_PAGES",
    ],
)
def test_each_limit_is_a_documented_setting(name, monkeypatch):
    from pathlib import Path

    assert name in {s.name for s in config.SETTINGS}
    assert f"`{name}`" in (Path(__file__).parents[2] / "README.md").read_text()
    monkeypatch.setenv(name, "lots")
    with pytest.raises(config.ConfigError, match=name):
        config.integer(name, minimum=1)


def test_unpacked_size_of_uploaded_zips(team, settings):
    from retroduce.exchange.archive import ArchiveError, archive_project, restore_archive

    data = archive_project(team.project)
    settings.MAX_UNZIPPED_BYTES = 1024
    with pytest.raises(ArchiveError, match=r"^backup.zip: .*(larger|more) than 0 MiB"):
        restore_archive(data, "backup.zip", team.users["owner"])
