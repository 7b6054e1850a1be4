"""Every mutating view refuses too low a role (403), outsiders (404) and anonymous users (login),
and a refused request changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retroduce.core.models import Event, Membership, ProtocolVersion, TaskProgress
from retroduce.core.permissions import ALLOWED, Action, can
from retroduce.theory.models import Feedback


def _member_id(team, persona: str) -> int:
    return Membership.objects.get(project=team.project, user=team.users[persona]).pk


def _theory_version(team):
    from retroduce.theory.services import start_version
    from retroduce.theory.sharing import share_version

    version = team.project.theory_versions.first()
    if version is None:
        version = start_version(team.project, team.users["owner"], "initial")
        # Stakeholders comment on versions shared with them.
        share_version(version, team.users["owner"], True)
    return version


# (name, url builder, POST data, roles allowed)
MUTATING = [
    (
        "protocol_edit",
        lambda t: reverse("protocol_edit", args=[t.project.slug]),
        {"title": "New title", "question": "Why?"},
        {"owner", "reviewer"},
    ),
    (
        "change_log_add",
        lambda t: reverse("change_log_add", args=[t.project.slug]),
        {
            "what": "Added grey literature",
            "why": "Thin evidence",
            "decided_by": "Team",
            "decided_on": "2024-01-02",
        },
        {"owner", "reviewer"},
    ),
    (
        "member_add",
        lambda t: reverse("member_add", args=[t.project.slug]),
        {"username": "outsider", "role": "viewer"},
        {"owner"},
    ),
    (
        "member_role",
        lambda t: reverse("member_role", args=[t.project.slug, _member_id(t, "viewer")]),
        {"role": "reviewer"},
        {"owner"},
    ),
    (
        "member_remove",
        lambda t: reverse("member_remove", args=[t.project.slug, _member_id(t, "viewer")]),
        {},
        {"owner"},
    ),
    (
        "feedback_add",
        lambda t: reverse("feedback_add", args=[t.project.slug, _theory_version(t).number]),
        {"text": "Resilience matters to us"},
        {"owner", "reviewer", "stakeholder"},
    ),
    (
        "audit_start",
        lambda t: reverse("audit_start", args=[t.project.slug]),
        {},
        {"owner", "reviewer"},
    ),
]


def _state(team) -> tuple:
    return (
        Event.objects.count(),
        ProtocolVersion.objects.count(),
        TaskProgress.objects.count(),
        Feedback.objects.count(),
        sorted(Membership.objects.values_list("user__username", "role")),
    )


@pytest.mark.parametrize("name,url,data,allowed", MUTATING, ids=[m[0] for m in MUTATING])
@pytest.mark.parametrize(
    "persona", ["owner", "reviewer", "stakeholder", "viewer", "outsider", "anonymous"]
)
def test_mutating_view_permissions(team, name, url, data, allowed, persona):
    target = url(team)  # may create what the view needs, so before the snapshot
    before = _state(team)
    response = team.client(persona).post(target, data)
    if persona in allowed:
        assert response.status_code in (200, 302)
        assert _state(team) != before, f"{persona} was allowed {name} but nothing changed"
        return
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif persona == "outsider":
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    assert _state(team) == before, f"{persona} was refused {name} but data changed"


@pytest.mark.parametrize(
    "page", ["project", "protocol", "members", "history", "theory", "stakeholders"]
)
def test_outsider_gets_404_on_every_project_page(team, page):
    response = team.client("outsider").get(reverse(page, args=[team.project.slug]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "page,stakeholder_status",
    [
        ("project", 200),
        ("theory", 200),
        ("stakeholders", 200),
        ("protocol", 403),
        ("history", 403),
        ("members", 403),
    ],
)
def test_stakeholder_reads_theory_but_not_review_data(team, page, stakeholder_status):
    response = team.client("stakeholder").get(reverse(page, args=[team.project.slug]))
    assert response.status_code == stakeholder_status


def test_viewer_reads_everything_but_sees_no_edit_controls(team):
    client = team.client("viewer")
    protocol = client.get(reverse("protocol", args=[team.project.slug]))
    assert protocol.status_code == 200
    assert reverse("protocol_edit", args=[team.project.slug]) not in protocol.content.decode()
    members = client.get(reverse("members", args=[team.project.slug]))
    assert "Add a member" not in members.content.decode()


def test_role_table_matches_the_issue():
    assert all(can("owner", action) for action in Action)
    assert can("reviewer", Action.REVIEW) and not can("reviewer", Action.MANAGE)
    assert ALLOWED["stakeholder"] == {Action.VIEW_THEORY, Action.FEEDBACK}
    assert not can("viewer", Action.REVIEW) and can("viewer", Action.VIEW_ALL)
    assert not can(None, Action.VIEW_THEORY)
