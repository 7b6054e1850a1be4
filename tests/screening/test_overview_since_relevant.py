"""The screening overview shows how many records were screened since the last relevant one, and
when that has made the ranking weigh nearest neighbours."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retroduce.screening import services
from tests.screening.conftest import TOPICS, record

pytestmark = pytest.mark.django_db

NEIGHBOURS = "the ranking now also weighs each record's nearest neighbours"


def test_the_overview_counts_records_screened_since_the_last_relevant_one(screening_team):
    team = screening_team
    reviewer = team.users["reviewer"]
    overview = reverse("screening", args=[team.project.slug])
    services.cast_vote(team.project, reviewer, record(TOPICS[7]), "ta", "exclude")
    services.cast_vote(team.project, reviewer, record(TOPICS[0]), "ta", "include")
    text = team.client("owner").get(overview).content.decode()
    assert "0 screened since the last relevant record." in text
    assert NEIGHBOURS not in text

    # Ten records: one exclude after the include is a tenth of them.
    services.cast_vote(team.project, reviewer, record(TOPICS[8]), "ta", "exclude")
    services.cast_vote(team.project, reviewer, record(TOPICS[9]), "ta", "exclude")
    page = team.client("reviewer").get(overview)
    assert page.status_code == 200
    text = page.content.decode()
    assert "2 screened since the last relevant record." in text
    assert NEIGHBOURS in text
    # The exclusions are listed by reason (this table used to fail to render).
    assert "<td>No reason given</td><td>3</td>" in text
