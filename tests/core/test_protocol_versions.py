"""The protocol is versioned: edits make new versions, earlier ones stay readable; the change log."""

from __future__ import annotations

from django.urls import reverse

from retroduce.core.models import ChangeLogEntry, Event, ProtocolVersion

FIELDS = {
    "title": "Leadership in integrated care",
    "question": "What works for whom?",
    "objectives_focus": "Leaders of integrated teams",
    "rationale": "Little is known",
    "why_realist": "Context matters",
    "funding_coi": "NIHR; none declared",
    "team": "A, B, C",
}


def test_editing_the_question_keeps_the_earlier_version_visible(team, owner_client):
    slug = team.project.slug
    owner_client.post(
        reverse("protocol_edit", args=[slug]), {**FIELDS, "summary": "First full draft"}
    )
    owner_client.post(
        reverse("protocol_edit", args=[slug]),
        {
            **FIELDS,
            "question": "How do leaders of integrated teams work?",
            "summary": "Narrowed after scoping",
        },
    )
    versions = list(ProtocolVersion.objects.filter(project=team.project).order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[1].question == "What works for whom?"
    assert versions[2].question == "How do leaders of integrated teams work?"

    current = owner_client.get(reverse("protocol", args=[slug])).content.decode()
    assert "How do leaders of integrated teams work?" in current
    assert "Narrowed after scoping" in current
    earlier = owner_client.get(reverse("protocol_version", args=[slug, 2])).content.decode()
    assert "What works for whom?" in earlier and "earlier version" in earlier


def test_saving_without_changes_makes_no_version(team, owner_client):
    slug = team.project.slug
    owner_client.post(reverse("protocol_edit", args=[slug]), FIELDS)
    response = owner_client.post(reverse("protocol_edit", args=[slug]), FIELDS, follow=True)
    assert "Nothing changed" in response.content.decode()
    assert ProtocolVersion.objects.filter(project=team.project).count() == 2


def test_protocol_change_is_logged_with_before_and_after(team, owner_client):
    owner_client.post(reverse("protocol_edit", args=[team.project.slug]), FIELDS)
    event = Event.objects.filter(object_type="protocolversion", verb="changed").get()
    assert event.before["question"] == ""
    assert event.after["question"] == "What works for whom?"
    assert "title" not in event.after  # unchanged fields are not repeated


def test_changing_the_title_renames_the_project(team, owner_client):
    owner_client.post(
        reverse("protocol_edit", args=[team.project.slug]), {**FIELDS, "title": "A new name"}
    )
    team.project.refresh_from_db()
    assert team.project.title == "A new name"


def test_empty_title_is_refused_and_no_version_saved(team, owner_client):
    response = owner_client.post(
        reverse("protocol_edit", args=[team.project.slug]), {**FIELDS, "title": ""}
    )
    assert response.status_code == 400
    assert ProtocolVersion.objects.filter(project=team.project).count() == 1


def test_unknown_protocol_version_is_404(team, owner_client):
    assert (
        owner_client.get(reverse("protocol_version", args=[team.project.slug, 99])).status_code
        == 404
    )


def test_change_log_records_what_why_who_and_when(team):
    client = team.client("reviewer")
    client.post(
        reverse("change_log_add", args=[team.project.slug]),
        {
            "what": "Added grey literature searches",
            "why": "Few empirical studies",
            "decided_by": "Whole team",
            "decided_on": "2024-03-01",
        },
    )
    entry = ChangeLogEntry.objects.get()
    assert (entry.what, entry.why, entry.decided_by, str(entry.decided_on)) == (
        "Added grey literature searches",
        "Few empirical studies",
        "Whole team",
        "2024-03-01",
    )
    assert entry.recorded_by == team.users["reviewer"]
    page = client.get(reverse("protocol", args=[team.project.slug])).content.decode()
    assert "Added grey literature searches" in page and "Whole team" in page


def test_change_log_entry_without_reason_is_refused(team, owner_client):
    response = owner_client.post(
        reverse("change_log_add", args=[team.project.slug]),
        {"what": "Something", "why": "", "decided_by": "Team", "decided_on": "2024-03-01"},
        follow=True,
    )
    assert "was not recorded" in response.content.decode()
    assert not ChangeLogEntry.objects.exists()
