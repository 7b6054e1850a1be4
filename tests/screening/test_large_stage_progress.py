"""In a large stage the screening page's team figures come from the last retrain.

Counting every vote of a stage costs about 85 ms at 60,000 votes, too much for a page that loads
after every vote. From progress.EXACT_BELOW labelled records on, the retrain counts them in the
background and the page reads its figures while they are recent; the reviewer's own figures stay
exact. The threshold is lowered here so ten records make a "large" stage.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from retroduce.screening import progress, services
from retroduce.screening.models import Ranking
from retroduce.screening.ranking_service import retrain
from tests.screening.conftest import TOPICS, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def large_stage(monkeypatch, screening_team):
    monkeypatch.setattr(progress, "EXACT_BELOW", 2)
    cache.clear()  # the per-process team counts of other tests
    return screening_team


def _figures(client, project) -> tuple[int, int]:
    """(screened by you, records complete) as the page shows them."""
    page = client.get(reverse("screen", args=[project.slug, "ta"])).content.decode()
    found = re.search(r"(\d+) screened by you .* (\d+) of 10 records complete", page)
    return int(found[1]), int(found[2])


def test_team_figures_follow_the_retrain_and_own_figures_are_exact(large_stage):
    team = large_stage
    project, owner, reviewer = team.project, team.users["owner"], team.users["reviewer"]
    for title, vote in zip(TOPICS[:3], ("include", "exclude", "exclude"), strict=True):
        services.cast_vote(project, owner, record(title), "ta", vote)
    retrain(project, "ta")
    client = team.client("reviewer")
    assert _figures(client, project) == (0, 3)

    services.cast_vote(project, reviewer, record(TOPICS[5]), "ta", "exclude")
    cache.clear()  # no per-process count either: only the retrain's can be shown
    assert _figures(client, project) == (1, 3)  # their own vote at once, the team's not yet
    retrain(project, "ta")  # what the queued retrain does a few seconds later
    assert _figures(client, project) == (1, 4)


def test_old_team_figures_are_counted_afresh(large_stage):
    team = large_stage
    project, owner = team.project, team.users["owner"]
    services.cast_vote(project, owner, record(TOPICS[0]), "ta", "include")
    services.cast_vote(project, owner, record(TOPICS[1]), "ta", "exclude")
    retrain(project, "ta")
    services.cast_vote(project, owner, record(TOPICS[2]), "ta", "exclude")
    # No retrain since (the worker is stopped, say): after TALLY_SECONDS the page counts itself.
    Ranking.objects.filter(project=project).update(
        trained_at=Ranking.objects.get(project=project).trained_at
        - dt.timedelta(seconds=progress.TALLY_SECONDS + 1)
    )
    cache.clear()
    assert _figures(team.client("reviewer"), project) == (0, 3)


def test_a_change_of_votes_required_is_not_shown_with_the_old_figures(large_stage):
    team = large_stage
    project, owner = team.project, team.users["owner"]
    services.cast_vote(project, owner, record(TOPICS[0]), "ta", "include")
    services.cast_vote(project, owner, record(TOPICS[1]), "ta", "exclude")
    retrain(project, "ta")
    assert _figures(team.client("reviewer"), project) == (0, 2)
    services.update_settings(
        project, owner, "ta", votes_required=2, blind=True, adjudicator=None
    )  # one vote each no longer completes a record
    assert _figures(team.client("reviewer"), project) == (0, 0)
