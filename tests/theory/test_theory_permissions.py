"""Every mutating Theory view refuses too low a role (403) and outsiders (404); nothing changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retroduce.core.models import Event
from retroduce.theory import cmocs, services
from retroduce.theory.models import (
    CMOC,
    Component,
    Feedback,
    RereadMark,
    SubstantiveLink,
    SubstantiveTheory,
    TheoryVersion,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(team, ready_document):
    owner = team.users["owner"]
    v1 = services.start_version(team.project, owner, "initial")
    component = services.add_component(v1, owner, name="Working with power")
    cmoc = cmocs.create_cmoc(
        component, owner, context="Hierarchies", mechanism_resource="voice", outcome="sharing"
    )
    other = cmocs.create_cmoc(
        component, owner, context="Sharing", mechanism_resource="trust", outcome="joint plans"
    )
    feedback = Feedback.objects.create(theory_version=v1, text="Add patients.")
    theory = SubstantiveTheory.objects.create(project=team.project, name="Social exchange")
    document = ready_document()
    return {
        "v1": v1,
        "component": component,
        "cmoc": cmoc,
        "other": other,
        "feedback": feedback,
        "theory": theory,
        "document": document,
    }


def _state():
    return (
        Event.objects.count(),
        list(TheoryVersion.objects.values_list("number", "frozen", "shared_with_stakeholders")),
        list(Component.objects.values_list("name", "statement")),
        list(CMOC.objects.values_list("context", "outcome")),
        list(Feedback.objects.values_list("no_change_reason", "caused")),
        SubstantiveTheory.objects.count(),
        SubstantiveLink.objects.count(),
        RereadMark.objects.count(),
    )


def _s(t):
    return t.project.slug


def _change(t, w):
    """A recorded theory change (made in v2) for the re-reading queue to point at."""
    from retroduce.theory.changes import Why

    existing = w["v1"].project.theory_versions.filter(number=2).first()
    if existing is not None:
        return existing.changes.get()
    v2 = services.start_version(t.project, t.users["owner"], "refined")
    services.add_component(v2, t.users["owner"], name="Resilience", why=Why("Stakeholders"))
    return v2.changes.get()


REVIEW = {
    "version_start": (
        lambda t, w: reverse("version_start", args=[_s(t)]),
        lambda t, w: {"stage": "refined"},
    ),
    "component_add": (
        lambda t, w: reverse("component_add", args=[_s(t)]),
        lambda t, w: {"name": "New"},
    ),
    "component_edit": (
        lambda t, w: reverse("component", args=[_s(t), w["component"].pk]),
        lambda t, w: {"name": "Working with power", "statement": "If…"},
    ),
    "component_remove": (
        lambda t, w: reverse("component_remove", args=[_s(t), w["component"].pk]),
        lambda t, w: {},
    ),
    "cmoc_new": (
        lambda t, w: reverse("cmoc_new", args=[_s(t), w["component"].pk]),
        lambda t, w: {"context": "C", "mechanism_resource": "M", "outcome": "O"},
    ),
    "cmoc_edit": (
        lambda t, w: reverse("cmoc_edit", args=[_s(t), w["cmoc"].pk]),
        lambda t, w: {
            "action": "update",
            "context": "Changed",
            "outcome": "sharing",
            "revision": w["cmoc"].revision,
        },
    ),
    "cmoc_chain": (
        lambda t, w: reverse("cmoc_edit", args=[_s(t), w["cmoc"].pk]),
        lambda t, w: {"action": "chain", "leads_to": [w["other"].pk]},
    ),
    "feedback_answer": (
        lambda t, w: reverse("feedback_answer", args=[_s(t), w["feedback"].pk]),
        lambda t, w: {"no_change_reason": "Out of scope"},
    ),
    "substantive_add": (
        lambda t, w: reverse("substantive", args=[_s(t)]),
        lambda t, w: {"name": "Boundary spanning"},
    ),
    "substantive_link": (
        lambda t, w: reverse("substantive_link", args=[_s(t), w["theory"].pk]),
        lambda t, w: {"cmoc": w["cmoc"].pk, "relation": "explains"},
    ),
    "reread_mark": (
        lambda t, w: reverse("reread_mark", args=[_s(t), _change(t, w).pk]),
        lambda t, w: {"document": w["document"].pk},
    ),
    "stakeholder_event_add": (
        lambda t, w: reverse("stakeholder_event_add", args=[_s(t)]),
        lambda t, w: {"held_on": "2026-01-01", "kind": "survey", "title": "Survey"},
    ),
}


@pytest.mark.parametrize("view", list(REVIEW))
@pytest.mark.parametrize("persona", ["owner", "reviewer", "stakeholder", "viewer", "outsider"])
def test_theory_mutations_need_the_review_role(team, world, view, persona):
    url_for, data = REVIEW[view]
    target = url_for(team, world)  # may create what the view needs, so before the snapshot
    before = _state()
    response = team.client(persona).post(target, data(team, world))
    if persona in ("owner", "reviewer"):
        assert response.status_code == 302
        assert _state() != before
    else:
        assert response.status_code == (404 if persona == "outsider" else 403)
        assert _state() == before


@pytest.mark.parametrize("persona", ["owner", "reviewer", "stakeholder", "viewer", "outsider"])
def test_sharing_a_version_is_the_owners_call(team, world, persona):
    before = _state()
    response = team.client(persona).post(
        reverse("version_share", args=[_s(team), 1]), {"shared": "1"}
    )
    if persona == "owner":
        assert response.status_code == 302 and _state() != before
    else:
        assert response.status_code == (404 if persona == "outsider" else 403)
        assert _state() == before
