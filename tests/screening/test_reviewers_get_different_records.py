"""Reviewers screening at once are offered different records unless a record needs both votes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from retroduce.screening import services
from retroduce.screening.models import Hold
from retroduce.sources.models import Record

pytestmark = pytest.mark.django_db


def _offered(client, team) -> str:  # noqa: ANN001
    page = client.get(reverse("screen", args=[team.project.slug, "ta"])).content.decode()
    titles = [r.title for r in Record.objects.filter(project=team.project) if r.title in page]
    assert len(titles) == 1, titles
    return titles[0]


def test_with_one_vote_needed_each_reviewer_gets_their_own_record(screening_team):
    team = screening_team
    first = _offered(team.client("reviewer"), team)
    second = _offered(team.client("reviewer2"), team)
    assert first != second
    # Reloading keeps each on their record; a viewer reading along holds nothing.
    assert _offered(team.client("reviewer"), team) == first
    _offered(team.client("viewer"), team)
    assert Hold.objects.count() == 2


def test_with_two_votes_needed_both_reviewers_get_the_same_record(screening_team):
    team = screening_team
    services.update_settings(
        team.project, team.users["owner"], "ta", votes_required=2, blind=True, adjudicator=None
    )
    assert _offered(team.client("reviewer"), team) == _offered(team.client("reviewer2"), team)


def test_a_hold_expires_and_a_vote_releases_it(screening_team):
    team = screening_team
    first = _offered(team.client("reviewer"), team)
    Hold.objects.update(until=timezone.now() - dt.timedelta(seconds=1))  # they walked away
    assert _offered(team.client("reviewer2"), team) == first
    record = Record.objects.get(title=first)
    services.cast_vote(team.project, team.users["reviewer2"], record, "ta", "include")
    assert not Hold.objects.filter(
        reviewer=team.users["reviewer2"], until__gt=timezone.now()
    ).exists()
