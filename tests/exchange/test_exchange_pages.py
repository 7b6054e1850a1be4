"""The Export & import page: downloads by role, merging a .qdpx, restoring a review from a file."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from dataclasses import replace

import pytest
from django.urls import reverse

from retroduce.coding.models import Code
from retroduce.core.models import Event, Project
from retroduce.exchange import refi
from retroduce.exchange.archive import archive_project
from retroduce.exchange.refi_export import project_to_refi
from retroduce.sources.importing import run_import, store_upload
from tests.exchange.elsewhere import forget_project
from tests.sources.ris_samples import LEADERSHIP, POWER, ris_file

pytestmark = pytest.mark.django_db

ALLOWED = {
    "ris": {"owner", "reviewer", "viewer"},
    "csv": {"owner", "reviewer", "viewer"},
    "xlsx": {"owner", "reviewer", "viewer"},
    "qdpx": {"owner", "reviewer", "viewer"},
    "qdc": {"owner", "reviewer", "viewer"},
    "zip": {"owner"},
}


@pytest.fixture
def with_records(team):
    owner = team.users["owner"]
    run_import(store_upload(team.project, owner, "two.ris", ris_file(LEADERSHIP, POWER)), owner)
    return team


@pytest.mark.parametrize("fmt", sorted(ALLOWED))
@pytest.mark.parametrize("persona", ["owner", "reviewer", "stakeholder", "viewer", "outsider"])
def test_downloads_go_to_the_roles_allowed_them(with_records, fmt, persona):
    response = with_records.client(persona).get(
        reverse("exchange_download", args=[with_records.project.slug, fmt])
    )
    if persona in ALLOWED[fmt]:
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment; filename=")
    else:
        assert response.status_code == (404 if persona == "outsider" else 403)


def test_the_downloads_hold_what_they_say(with_records):
    client = with_records.client("owner")
    slug = with_records.project.slug

    def get(fmt: str) -> bytes:
        return client.get(reverse("exchange_download", args=[slug, fmt])).content

    assert get("ris").decode().count("TY  - ") == 2
    assert "Power and hierarchy in integrated care teams" in get("csv").decode()
    archive = zipfile.ZipFile(io.BytesIO(get("zip")))
    assert len(json.loads(archive.read("archive.json"))["objects"]["sources.Record"]) == 2
    assert b"<CodeBook" in get("qdc")
    assert "project.qde" in zipfile.ZipFile(io.BytesIO(get("qdpx"))).namelist()


def test_the_page_offers_only_what_the_role_may_do(with_records):
    url = reverse("exchange", args=[with_records.project.slug])
    owner_page = with_records.client("owner").get(url).content.decode()
    viewer_page = with_records.client("viewer").get(url).content.decode()
    assert 'id="archive"' in owner_page and 'id="refi-import"' in owner_page
    assert 'id="archive"' not in viewer_page and 'id="refi-import"' not in viewer_page
    assert with_records.client("stakeholder").get(url).status_code == 403


def _qdpx_with_new_code(project) -> bytes:  # noqa: ANN001
    model = project_to_refi(project)
    extra = refi.Code(guid=str(uuid.uuid4()), name="Coded in ATLAS.ti", color="#abcdef")
    return refi.write_qdpx(replace(model, codebook=(*model.codebook, extra)))


def _post_file(client, url: str, name: str, data: bytes):  # noqa: ANN001, ANN202
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(url, {"file": upload}, follow=True)


@pytest.mark.parametrize("persona", ["owner", "reviewer", "stakeholder", "viewer", "outsider"])
def test_only_reviewers_and_owners_merge_a_qdpx(team, persona):
    data = _qdpx_with_new_code(team.project)
    events = Event.objects.count()
    url = reverse("exchange_import", args=[team.project.slug])
    response = _post_file(team.client(persona), url, "coded.qdpx", data)
    merged = Code.objects.filter(project=team.project, name="Coded in ATLAS.ti").exists()
    if persona in ("owner", "reviewer"):
        assert response.status_code == 200 and merged
        assert "Imported coded.qdpx: 1 codes added" in response.content.decode()
    else:
        assert response.status_code == (404 if persona == "outsider" else 403)
        assert not merged and Event.objects.count() == events


def test_a_hostile_qdpx_is_refused_on_the_page(team):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("../../project.qde", "<Project/>")
    url = reverse("exchange_import", args=[team.project.slug])
    codes = Code.objects.count()
    response = _post_file(team.client("owner"), url, "evil.qdpx", out.getvalue())
    assert "Refused, nothing imported: evil.qdpx: ../../project.qde is outside the archive" in (
        response.content.decode()
    )
    assert Code.objects.count() == codes


def test_your_reviews_offers_the_restore_form(team):
    page = team.client("outsider").get(reverse("dashboard")).content.decode()
    assert "<title>Your reviews" in page and page.count('id="restore"') == 1
    assert page.index('id="restore"') > page.index("<h1>Your reviews</h1>")


def test_a_signed_in_user_restores_an_archive_as_their_review(with_records):
    data = archive_project(with_records.project)
    forget_project(with_records.project)
    client = with_records.client("outsider")  # anyone signed in may start a review
    response = _post_file(client, reverse("project_restore"), "backup.zip", data)
    assert response.status_code == 200
    project = Project.objects.get(slug="icl")
    assert project.records.count() == 2
    assert project.memberships.get(user=with_records.users["outsider"]).role == "owner"
    assert "Restored backup.zip as “Leadership in integrated care”" in response.content.decode()


def test_restore_refuses_anonymous_callers_and_bad_files(team):
    from django.test import Client

    projects = Project.objects.count()
    anonymous = _post_file(Client(), reverse("project_restore"), "x.zip", b"junk")
    assert "/login" in anonymous.redirect_chain[-1][0]
    refused = _post_file(team.client("owner"), reverse("project_restore"), "x.zip", b"junk")
    assert "Refused, nothing restored: x.zip: not a readable zip archive" in (
        refused.content.decode()
    )
    assert Project.objects.count() == projects
