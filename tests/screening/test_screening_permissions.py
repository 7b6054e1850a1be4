"""Every mutating screening view refuses too low a role (403) and outsiders (404); nothing changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retroduce.core.models import Event
from retroduce.screening import services
from retroduce.screening.models import Decision, ExclusionReason, Keyword, Resolution, StageSettings
from tests.screening.conftest import TOPICS, record


@pytest.fixture
def prepared(screening_team):
    team = screening_team
    services.update_settings(
        team.project, team.users["owner"], "ta", votes_required=2, blind=True, adjudicator=None
    )
    conflicted = record(TOPICS[0])
    services.cast_vote(team.project, team.users["reviewer"], conflicted, "ta", "include")
    services.cast_vote(team.project, team.users["reviewer2"], conflicted, "ta", "exclude")
    reason = services.reasons(team.project)[0]
    keyword = services.add_keyword(team.project, team.users["owner"], "include", "leadership")
    return team, conflicted, reason, keyword


def _state():
    return (
        Event.objects.count(),
        Decision.objects.filter(withdrawn=False).count(),
        Resolution.objects.count(),
        ExclusionReason.objects.filter(active=True).count(),
        Keyword.objects.count(),
        list(StageSettings.objects.values_list("votes_required", "blind")),
    )


def cases(team, conflicted, reason, keyword):
    slug = team.project.slug
    fresh = record(TOPICS[5])
    return {
        "vote": (reverse("screen", args=[slug, "ta"]), {"record": fresh.pk, "vote": "include"}),
        "reason_add": (reverse("reason_add", args=[slug]), {"label": "Wrong country"}),
        "reason_retire": (reverse("reason_retire", args=[slug, reason.pk]), {}),
        "keyword_add": (reverse("keyword_add", args=[slug]), {"kind": "exclude", "term": "rat"}),
        "keyword_remove": (reverse("keyword_remove", args=[slug, keyword.pk]), {}),
    }


ALLOWED = {"owner", "reviewer"}


@pytest.mark.parametrize(
    "view", ["vote", "reason_add", "reason_retire", "keyword_add", "keyword_remove"]
)
@pytest.mark.parametrize("persona", ["owner", "reviewer", "stakeholder", "viewer", "outsider"])
def test_review_work_needs_the_review_role(prepared, view, persona):
    team = prepared[0]
    url, data = cases(*prepared)[view]
    before = _state()
    response = team.client(persona).post(url, data)
    if persona in ALLOWED:
        assert response.status_code == 302 and _state() != before
    else:
        assert response.status_code == (404 if persona == "outsider" else 403)
        assert _state() == before


@pytest.mark.parametrize("persona", ["owner", "reviewer", "stakeholder", "viewer", "outsider"])
def test_undo_needs_the_review_role(prepared, persona):
    team = prepared[0]
    before = _state()
    response = team.client(persona).post(reverse("screen_undo", args=[team.project.slug, "ta"]))
    if persona == "reviewer":
        assert response.status_code == 302 and _state() != before
    elif persona == "owner":
        assert response.status_code == 302  # allowed, but the owner has no vote to undo
    else:
        assert response.status_code == (404 if persona == "outsider" else 403)
        assert _state() == before


@pytest.mark.parametrize("persona", ["owner", "reviewer", "stakeholder", "viewer", "outsider"])
def test_only_owners_resolve_by_default(prepared, persona):
    team, conflicted = prepared[0], prepared[1]
    url = reverse("resolve", args=[team.project.slug, "ta", conflicted.pk])
    before = _state()
    response = team.client(persona).post(url, {"outcome": "include"})
    if persona == "owner":
        assert response.status_code == 302 and Resolution.objects.count() == 1
    else:
        assert response.status_code == (404 if persona == "outsider" else 403)
        assert _state() == before


@pytest.mark.parametrize("persona", ["owner", "reviewer", "stakeholder", "viewer", "outsider"])
def test_only_owners_change_settings(prepared, persona):
    team = prepared[0]
    url = reverse("stage_settings", args=[team.project.slug, "ft"])
    before = _state()
    response = team.client(persona).post(url, {"votes_required": 2, "blind": "on"})
    if persona == "owner":
        assert response.status_code == 302 and _state() != before
    else:
        assert response.status_code == (404 if persona == "outsider" else 403)
        assert _state() == before


@pytest.mark.parametrize("page", ["screening"])
def test_stakeholders_cannot_see_screening(prepared, page):
    team = prepared[0]
    assert (
        team.client("stakeholder").get(reverse(page, args=[team.project.slug])).status_code == 403
    )
