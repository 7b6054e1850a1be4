"""Recording stakeholder events from the Stakeholders page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retroduce.theory import services
from retroduce.theory.models import StakeholderEvent

pytestmark = pytest.mark.django_db


def test_a_reviewer_records_a_workshop_with_participants_and_the_version_shown(team):
    v1 = services.start_version(team.project, team.users["owner"], "initial")
    response = team.client("reviewer").post(
        reverse("stakeholder_event_add", args=[team.project.slug]),
        {
            "held_on": "2026-03-10",
            "kind": "workshop",
            "title": "Carers' workshop",
            "participants_patient_public": "4",
            "participants_practitioner": "2",
            "version": "1",
            "summary": "Talked about resilience.",
        },
        follow=True,
    )
    assert "Recorded Carers" in response.content.decode()
    event = StakeholderEvent.objects.get()
    assert event.participants == {"patient_public": 4, "practitioner": 2}
    assert event.theory_version == v1
    page = team.client("stakeholder").get(reverse("stakeholders", args=[team.project.slug]))
    assert "Patients and public: 4" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"held_on": "not a date", "kind": "workshop", "title": "x"}, "Give the date as a date"),
        ({"held_on": "2026-01-01", "kind": "party", "title": "x"}, "is not a kind"),
        ({"held_on": "2026-01-01", "kind": "survey", "title": " "}, "Give the event a title"),
        (
            {
                "held_on": "2026-01-01",
                "kind": "survey",
                "title": "x",
                "participants_academic": "-1",
            },
            "0 or more",
        ),
    ],
)
def test_bad_events_are_refused_with_a_reason(team, data, message):
    response = team.client("reviewer").post(
        reverse("stakeholder_event_add", args=[team.project.slug]), data, follow=True
    )
    assert message in response.content.decode()
    assert not StakeholderEvent.objects.exists()


@pytest.mark.parametrize("persona", ["stakeholder", "viewer"])
def test_only_the_team_records_events(team, persona):
    response = team.client(persona).post(
        reverse("stakeholder_event_add", args=[team.project.slug]),
        {"held_on": "2026-01-01", "kind": "survey", "title": "x"},
    )
    assert response.status_code == 403 and not StakeholderEvent.objects.exists()
