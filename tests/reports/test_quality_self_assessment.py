"""The optional quality self-assessment: ratings per RAMESES quality domain, beside the evidence."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retroduce.core.models import Event
from retroduce.reports.models import QualityRating

pytestmark = pytest.mark.django_db


def test_a_reviewer_rates_a_domain_and_sees_the_evidence_beside_it(team):
    client = team.client("reviewer")
    url = reverse("quality", args=[team.project.slug])
    page = client.get(url).content.decode()
    assert "5. Developing a search strategy" in page
    assert "Item 8, Searching processes (<strong>not yet</strong>)" in page
    client.post(url, {"domain": "5", "level": "adequate", "note": "Two databases only"})
    client.post(url, {"domain": "5", "level": "good", "note": "Added citation chasing"})
    rating = QualityRating.objects.get()
    assert (rating.level, rating.note) == ("good", "Added citation chasing")
    assert Event.objects.filter(verb="rated quality").count() == 2
    assert "Rated <strong>Good</strong> by reviewer" in client.get(url).content.decode()


@pytest.mark.parametrize(
    "data", [{"domain": "9", "level": "good"}, {"domain": "1", "level": "superb"}]
)
def test_bad_ratings_are_refused(team, data):
    response = team.client("reviewer").post(
        reverse("quality", args=[team.project.slug]), data, follow=True
    )
    assert not QualityRating.objects.exists()
    assert b'class="message error"' in response.content


@pytest.mark.parametrize("persona", ["stakeholder", "viewer"])
def test_only_the_team_rates(team, persona):
    url = reverse("quality", args=[team.project.slug])
    assert team.client(persona).get(url).status_code == (200 if persona == "viewer" else 403)
    assert team.client(persona).post(url, {"domain": "1", "level": "good"}).status_code == 403
    assert not QualityRating.objects.exists()
