"""The demo project reproduces the structure of the reference review (Harris et al. 2022)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retroduce.core.audit import check_audit_trail
from retroduce.core.models import Membership
from retroduce.site.demo import DEMO_PASSWORD, DEMO_SLUG, load_demo
from retroduce.theory.models import Provenance

EIGHT = {
    "Inspiring intent to work together",
    "Creating the conditions to work together",
    "Balancing multiple perspectives",
    "Working with power",
    "Taking a wider view",
    "A commitment to learning and development",
    "Clarifying complexity",
    "Fostering resilience",
}


@pytest.fixture
def demo(db):
    project, created = load_demo()
    assert created
    return project


def test_demo_has_protocol_change_log_and_two_stakeholder_events(demo):
    assert "what works, for whom" in demo.protocol.objectives_focus.lower()
    assert "National Institute for Health Research" in demo.protocol.funding_coi
    assert demo.change_log.count() == 1
    events = list(demo.stakeholder_events.order_by("held_on"))
    assert len(events) == 2
    assert [e.theory_version.number for e in events] == [1, 2]


def test_demo_theory_v1_and_v2_with_eight_components_and_resilience_stakeholder_only(demo):
    v1, v2 = demo.theory_versions.order_by("number")
    assert v1.frozen and not v2.frozen
    assert {c.name for c in v1.components.all()} == EIGHT
    provenance = {c.name: c.provenance for c in v2.components.all()}
    assert set(provenance) == EIGHT
    assert provenance.pop("Fostering resilience") == Provenance.STAKEHOLDER
    assert set(provenance.values()) == {Provenance.EMPIRICAL}
    assert all(c.description for c in v2.components.all())


def test_demo_users_hold_every_role_and_can_sign_in(demo, client):
    roles = set(Membership.objects.filter(project=demo).values_list("role", flat=True))
    assert roles == {"owner", "reviewer", "stakeholder", "viewer"}
    response = client.post(
        reverse("login"), {"username": "demo-stakeholder", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_demo_was_written_through_the_domain_functions(demo):
    assert check_audit_trail(demo).missing == []
    assert (
        demo.events.filter(object_type="component").count() == 16
    )  # 8 created in v1, 8 re-tagged in v2


def test_theory_page_marks_the_component_without_empirical_evidence(demo, client):
    client.force_login(demo.created_by)
    html = client.get(reverse("theory", args=[DEMO_SLUG])).content.decode()
    assert "rests on no empirical evidence" in html
    assert html.count("no-evidence") == 1
    assert "Fostering resilience" in html
    v1 = client.get(reverse("theory_version", args=[DEMO_SLUG, 1])).content.decode()
    assert "(frozen)" in v1


def test_stakeholder_page_lists_both_events_with_theory_version(demo, client):
    stakeholder = Membership.objects.get(project=demo, role="stakeholder").user
    client.force_login(stakeholder)
    html = client.get(reverse("stakeholders", args=[DEMO_SLUG])).content.decode()
    assert "Stakeholder workshop on the initial programme theory" in html
    assert "Stakeholder meeting on the refined programme theory" in html
    assert "v2 (refined)" in html
