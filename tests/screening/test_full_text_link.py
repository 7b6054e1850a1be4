"""Full-text screening links to the attached full text, or says how to attach one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retroduce.documents.services import attach_document
from retroduce.screening import services
from tests.screening.conftest import TOPICS, record

pytestmark = pytest.mark.django_db


def test_full_text_stage_links_to_the_attached_document(screening_team):
    team = screening_team
    rec = record(TOPICS[0])
    for title in TOPICS:
        services.cast_vote(
            team.project,
            team.users["reviewer"],
            record(title),
            "ta",
            "include" if title == TOPICS[0] else "exclude",
        )
    client = team.client("reviewer")
    url = reverse("screen", args=[team.project.slug, "ft"])
    page = client.get(url).content.decode()
    assert "No full text attached." in page and f"?record={rec.pk}" in page
    document = attach_document(
        team.project, team.users["owner"], "harris.txt", b"Full text.\n", record=rec
    )
    page = client.get(url).content.decode()
    assert reverse("document", args=[team.project.slug, document.pk]) in page
    assert "Read the full text: harris.txt" in page
