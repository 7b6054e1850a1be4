"""Attaching full texts through the web: background extraction, matching, refusals, limits."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from retroduce.core.models import Event, TaskProgress
from retroduce.documents.models import Document
from retroduce.sources.models import Record
from tests.documents.pdfs import make_encrypted_pdf, make_pdf, make_scanned_pdf
from tests.sources.ris_samples import ris_file, ris_record

pytestmark = pytest.mark.django_db(transaction=True)


def _run_worker() -> None:
    call_command(
        "db_worker", "--batch", "--queue-name=*", "--no-reload", "--no-startup-delay", verbosity=0
    )


def _attach(client, team, *files, **fields):
    return client.post(
        reverse("attach", args=[team.project.slug]), {"files": list(files), **fields}, follow=True
    )


def _record(team, title: str, doi: str = "") -> Record:
    from retroduce.sources.importing import run_import, store_upload

    ris = ris_record(title, ["Author, A"], "2020", "Journal", doi=doi)
    owner = team.users["owner"]
    run_import(store_upload(team.project, owner, "r.ris", ris_file(ris)), owner)
    return Record.objects.get(title=title)


def test_a_pdf_is_extracted_in_the_background_with_its_pages(team):
    client = team.client("reviewer")
    pdf = make_pdf(["Leaders inspire intent to work together.", "Power is shared across teams."])
    response = _attach(client, team, SimpleUploadedFile("study.pdf", pdf))
    assert "Attached 1 file(s)" in response.content.decode()
    assert Document.objects.get().status == "queued"
    _run_worker()
    document = Document.objects.get()
    assert document.status == "ready" and document.page_count == 2
    assert TaskProgress.objects.get().status == "done"
    page2 = client.get(reverse("document", args=[team.project.slug, document.pk]) + "?page=2")
    text = page2.content.decode()
    assert "Power is shared across teams." in text
    assert "Leaders inspire intent" not in text
    assert "Page <select" in text or "of 2" in text


def test_the_same_file_attached_twice_is_noticed(team):
    client = team.client("reviewer")
    data = b"Workshop notes: stakeholders asked about resilience.\n"
    _attach(client, team, SimpleUploadedFile("notes.txt", data), kind="workshop_notes")
    response = _attach(client, team, SimpleUploadedFile("copy-of-notes.txt", data))
    assert "copy-of-notes.txt: the same file is already attached as" in response.content.decode()
    assert Document.objects.count() == 1


def test_unreadable_files_are_refused_at_once_naming_the_file(team):
    client = team.client("reviewer")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = _attach(client, team, SimpleUploadedFile("figure.png", png))
    page = response.content.decode()
    assert "figure.png" in page
    assert not Document.objects.exists()


def test_an_encrypted_pdf_is_refused_at_once_with_a_clear_reason(team):
    client = team.client("reviewer")
    response = _attach(client, team, SimpleUploadedFile("locked.pdf", make_encrypted_pdf()))
    assert "locked.pdf: the PDF is encrypted; remove the password" in response.content.decode()
    assert not Document.objects.exists()


def test_a_file_that_breaks_during_extraction_is_marked_failed_with_the_reason(team):
    client = team.client("reviewer")
    pdf = make_pdf(["A paper that will be damaged on disk."])
    _attach(client, team, SimpleUploadedFile("paper.pdf", pdf))
    document = Document.objects.get()
    # The stored copy is damaged after upload (a disk fault, a half-finished sync).
    from retroduce.documents.services import stored_path

    stored_path(document).write_bytes(pdf[:200])
    _run_worker()
    document.refresh_from_db()
    assert document.status == "failed" and document.error.startswith("paper.pdf:")
    assert TaskProgress.objects.get().status == "failed"
    page = client.get(reverse("documents", args=[team.project.slug])).content.decode()
    assert "paper.pdf:" in page


def test_a_scanned_pdf_is_flagged_not_silently_empty(team):
    client = team.client("reviewer")
    _attach(client, team, SimpleUploadedFile("scan.pdf", make_scanned_pdf(pages=2)))
    _run_worker()
    document = Document.objects.get()
    assert document.needs_ocr and document.pages_without_text == [1, 2]
    page = client.get(reverse("documents", args=[team.project.slug])).content.decode()
    assert "scanned: needs OCR" in page
    viewer = client.get(reverse("document", args=[team.project.slug, document.pk])).content
    assert b"no text layer" in viewer


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_of_full_texts_is_matched_to_records_by_doi_and_by_title(team):
    by_doi = _record(team, "Collective leadership in care", doi="10.1186/s12913-019-4567-8")
    by_title = _record(team, "Leading integrated health and social care teams: a case study")
    archive = _zip(
        {
            "papers/10.1186_s12913-019-4567-8.pdf": make_pdf(["About collective leadership."]),
            "papers/Smith 2019 - Leading integrated health and social care teams a case study.pdf": make_pdf(
                ["A case study of leading teams."]
            ),
            "papers/unrelated.txt": b"Minutes of a meeting about car parking.\n",
            "__MACOSX/._junk": b"\x00\x05",
        }
    )
    response = _attach(team.client("reviewer"), team, SimpleUploadedFile("fulltexts.zip", archive))
    assert "Attached 3 file(s), 2 matched to records" in response.content.decode()
    assert Document.objects.get(record=by_doi).file_name == "10.1186_s12913-019-4567-8.pdf"
    assert Document.objects.get(record=by_title).file_name.startswith("Smith 2019")
    assert Document.objects.get(file_name="unrelated.txt").record is None


def test_a_paper_is_matched_by_the_doi_printed_in_its_text_after_extraction(team):
    record = _record(team, "Some paper", doi="10.3310/wpng1013")
    pdf = make_pdf(["Health Serv Deliv Res. doi:10.3310/WPNG1013. Leadership findings."])
    _attach(team.client("reviewer"), team, SimpleUploadedFile("download (3).pdf", pdf))
    _run_worker()
    assert Document.objects.get().record == record
    assert "matched to a record by doi in text" in TaskProgress.objects.get().message


def test_a_zip_bomb_is_refused_whole_and_nothing_is_attached(team):
    bomb = _zip({"a.txt": b"fine text\n", "huge.txt": b"\0" * (20 * 1024 * 1024)})
    response = _attach(team.client("reviewer"), team, SimpleUploadedFile("bomb.zip", bomb))
    assert "bomb.zip: huge.txt is compressed" in response.content.decode()
    assert not Document.objects.exists()
    assert not Event.objects.filter(verb="attached").exists()


@pytest.mark.parametrize("persona", ["viewer", "stakeholder"])
def test_only_reviewers_and_owners_attach(team, persona):
    response = team.client(persona).post(
        reverse("attach", args=[team.project.slug]),
        {"files": SimpleUploadedFile("n.txt", b"text\n")},
    )
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_attach_to_a_chosen_record(team):
    record = _record(team, "Chosen paper")
    _attach(
        team.client("reviewer"),
        team,
        SimpleUploadedFile("whatever.txt", b"Full text of the chosen paper.\n"),
        record=record.pk,
    )
    document = Document.objects.get()
    assert document.record == record and document.title == "Chosen paper"
