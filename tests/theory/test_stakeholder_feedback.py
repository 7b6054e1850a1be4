"""Stakeholders leave feedback on the theory version shared with them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retroduce.core.models import Event
from retroduce.theory import services
from retroduce.theory.models import Feedback


@pytest.fixture
def versions(team):
    owner = team.users["owner"]
    v1 = services.start_version(team.project, owner, "initial")
    services.add_component(v1, owner, name="Working with power", provenance="team_inference")
    v2 = services.start_version(team.project, owner, "refined")
    team.client("owner").post(
        reverse("version_share", args=[team.project.slug, 2]), {"shared": "1"}
    )
    return v1, v2


def test_stakeholder_comments_on_a_component_and_sees_it_listed(team, versions):
    _, v2 = versions
    component = v2.components.get()
    client = team.client("stakeholder")
    response = client.post(
        reverse("feedback_add", args=[team.project.slug, 2]),
        {"component": component.pk, "text": "Power differs between health and social care"},
        follow=True,
    )
    html = response.content.decode()
    assert "your feedback is recorded" in html
    assert "Power differs between health and social care" in html
    item = Feedback.objects.get()
    assert (item.author, item.component, item.theory_version) == (
        team.users["stakeholder"],
        component,
        v2,
    )
    event = Event.objects.get(object_type="feedback")
    assert event.actor_name == "stakeholder" and event.after["component"] == "Working with power"


def test_feedback_on_a_frozen_earlier_version_is_still_recorded(team, versions):
    v1, _ = versions
    v1.refresh_from_db()
    assert v1.frozen
    team.client("owner").post(
        reverse("version_share", args=[team.project.slug, 1]), {"shared": "1"}
    )
    team.client("stakeholder").post(
        reverse("feedback_add", args=[team.project.slug, 1]), {"text": "Late thought"}
    )
    assert Feedback.objects.get().theory_version == v1


def test_component_from_another_version_is_refused(team, versions):
    v1, _ = versions
    other = v1.components.get()
    response = team.client("stakeholder").post(
        reverse("feedback_add", args=[team.project.slug, 2]),
        {"component": other.pk, "text": "x"},
        follow=True,
    )
    assert "was not recorded" in response.content.decode()
    assert not Feedback.objects.exists()


def test_empty_feedback_is_refused_with_a_message(team, versions):
    response = team.client("stakeholder").post(
        reverse("feedback_add", args=[team.project.slug, 2]), {"text": "   "}, follow=True
    )
    assert "was not recorded" in response.content.decode()
    assert not Feedback.objects.exists()


def test_viewer_sees_feedback_but_no_form(team, versions):
    _, v2 = versions
    services.leave_feedback(v2, team.users["stakeholder"], "Seen by all members")
    html = team.client("viewer").get(reverse("theory", args=[team.project.slug])).content.decode()
    assert "Seen by all members" in html
    assert "Send feedback" not in html


def test_stakeholders_see_and_comment_only_on_versions_shared_with_them(team, versions):
    client = team.client("stakeholder")
    slug = team.project.slug
    assert client.get(reverse("theory_version", args=[slug, 1])).status_code == 404
    response = client.post(reverse("feedback_add", args=[slug, 1]), {"text": "On v1"})
    assert response.status_code == 404
    page = client.get(reverse("theory", args=[slug])).content.decode()
    assert "v2 refined" in page and "v1 initial" not in page
    # Only the owner shares.
    share = reverse("version_share", args=[slug, 1])
    assert team.client("reviewer").post(share, {"shared": "1"}).status_code == 403
    assert not Feedback.objects.exists()


def test_presenting_a_version_at_a_stakeholder_event_shares_it(team, versions):
    import datetime as dt

    v1, _ = versions
    services.record_stakeholder_event(
        team.project,
        team.users["owner"],
        held_on=dt.date(2026, 5, 1),
        kind="workshop",
        title="Workshop",
        participants={"practitioner": 3},
        theory_version=v1,
    )
    v1.refresh_from_db()
    assert v1.shared_with_stakeholders
