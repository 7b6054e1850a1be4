"""Every mutating Sources view refuses too low a role (403) and outsiders (404); nothing changes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from retroduce.core.models import Event, TaskProgress
from retroduce.sources import episodes
from retroduce.sources.models import DuplicatePair, ImportBatch, Record, SearchEpisode
from tests.sources.ris_samples import POWER, ris_file, ris_record


@pytest.fixture
def setup(team):
    owner = team.users["owner"]
    episode = episodes.create_episode(team.project, owner, purpose="evidence", source="MEDLINE")
    from retroduce.sources.importing import run_import, store_upload

    run_import(
        store_upload(
            team.project,
            owner,
            "a.ris",
            ris_file(POWER, ris_record("Another paper entirely", ["Q, R"], "2010", "K")),
        ),
        owner,
    )
    a, b = Record.objects.all()[:2]
    pair = DuplicatePair.objects.create(project=team.project, a=a, b=b, score=0.7, reasons=["test"])
    return episode, pair


def _state():
    return (
        Event.objects.count(),
        SearchEpisode.objects.count(),
        ImportBatch.objects.count(),
        TaskProgress.objects.count(),
        list(DuplicatePair.objects.values_list("status", flat=True)),
        list(Record.objects.values_list("duplicate_of", flat=True)),
    )


CASES = {
    "episode_new": (
        lambda t, e, p: reverse("episode_new", args=[t.project.slug]),
        lambda: {"purpose": "theory", "source": "Google Scholar"},
    ),
    "episode_edit": (
        lambda t, e, p: reverse("episode_edit", args=[t.project.slug, e.number]),
        lambda: {"purpose": "evidence", "source": "MEDLINE (Ovid)"},
    ),
    "import_upload": (
        lambda t, e, p: reverse("import_upload", args=[t.project.slug]),
        lambda: {"files": SimpleUploadedFile("x.ris", ris_file(POWER))},
    ),
    "decide_pair": (
        lambda t, e, p: reverse("decide_pair", args=[t.project.slug, p.pk]),
        lambda: {"decision": "keep"},
    ),
}


@pytest.mark.parametrize("view", list(CASES))
@pytest.mark.parametrize("persona", ["owner", "reviewer", "stakeholder", "viewer", "outsider"])
def test_sources_mutations_need_the_review_role(team, setup, view, persona):
    url_for, data = CASES[view]
    url = url_for(team, *setup)
    before = _state()
    response = team.client(persona).post(url, data())
    if persona in ("owner", "reviewer"):
        assert response.status_code == 302
        assert _state() != before
    else:
        assert response.status_code == (404 if persona == "outsider" else 403)
        assert _state() == before


@pytest.mark.parametrize("page", ["sources", "records", "duplicates"])
def test_stakeholders_and_outsiders_cannot_read_sources(team, page):
    assert (
        team.client("stakeholder").get(reverse(page, args=[team.project.slug])).status_code == 403
    )
    assert team.client("outsider").get(reverse(page, args=[team.project.slug])).status_code == 404
