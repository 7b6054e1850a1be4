"""The append-only event log, the History page with its filters, and the CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from retroduce.core import services
from retroduce.core.models import Event


def test_events_cannot_be_edited_or_deleted(team):
    event = Event.objects.first()
    event.verb = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        Event.objects.filter(pk=event.pk).update(verb="forged")
    with pytest.raises(PermissionError):
        Event.objects.all().delete()
    assert Event.objects.filter(verb="forged").count() == 0


def test_every_domain_change_names_actor_verb_object(team):
    events = list(Event.objects.filter(project=team.project).order_by("at", "id"))
    described = [(e.actor_name, e.verb, e.object_type) for e in events]
    assert described[:3] == [
        ("owner", "created", "project"),
        ("owner", "added", "membership"),
        ("owner", "created", "protocolversion"),
    ]
    assert described.count(("owner", "added", "membership")) == 4


def test_history_lists_events_and_filters_by_verb_and_actor(team):
    services.save_protocol(team.project, team.users["reviewer"], {"question": "Why leaders matter"})
    client = team.client("viewer")
    url = reverse("history", args=[team.project.slug])
    everything = client.get(url).content.decode()
    assert "Why leaders matter" in everything and "added" in everything

    only_changes = client.get(url, {"verb": "changed"}).content.decode()
    assert "Why leaders matter" in only_changes
    assert "membership:" not in only_changes

    by_reviewer = client.get(url, {"actor": "reviewer"})
    assert list(by_reviewer.context["page"].object_list.values_list("actor_name", flat=True)) == [
        "reviewer"
    ]


def test_history_paginates_long_logs(team):
    for n in range(60):
        services.save_protocol(team.project, team.users["owner"], {"question": f"Question {n}"})
    page = team.client("owner").get(reverse("history", args=[team.project.slug]))
    assert len(page.context["page"].object_list) == 50
    assert "Older" in page.content.decode()


def test_history_csv_export_has_every_event_and_respects_filters(team):
    services.save_protocol(team.project, team.users["owner"], {"question": "Q1"})
    response = team.client("owner").get(reverse("history_csv", args=[team.project.slug]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == Event.objects.filter(project=team.project).count()
    assert {"time", "actor", "verb", "object_type", "before", "after"} <= set(rows[0])

    filtered = team.client("owner").get(
        reverse("history_csv", args=[team.project.slug]), {"verb": "changed"}
    )
    rows = list(csv.DictReader(io.StringIO(filtered.content.decode())))
    assert [r["verb"] for r in rows] == ["changed"]
    assert '"question": "Q1"' in rows[0]["after"]


def test_csv_export_neutralises_spreadsheet_formulas(team):
    services.save_protocol(team.project, team.users["owner"], {"title": '=HYPERLINK("http://x")'})
    response = team.client("owner").get(reverse("history_csv", args=[team.project.slug]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    labels = [r["object"] for r in rows if r["object_type"] == "project" and r["verb"] == "renamed"]
    assert labels == ['\'=HYPERLINK("http://x")']


def test_imported_script_in_a_title_is_shown_as_text(team):
    services.save_protocol(
        team.project, team.users["owner"], {"title": "<script>alert(1)</script>"}
    )
    page = team.client("owner").get(reverse("history", args=[team.project.slug])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_history_names_objects_in_words(team):
    html = team.client("owner").get(reverse("history", args=[team.project.slug])).content.decode()
    assert "protocol version: Protocol v1" in html
    assert "protocolversion" not in html.split("<tbody>")[1]
