"""The theory pages on the demo review: editing, comparison, diagram, query, and who may do what."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from retroduce.site.cli import app
from retroduce.site.demo import DEMO_SLUG, load_demo
from retroduce.theory.models import CMOC, Component, Feedback, TheoryChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    project, _ = load_demo()
    return project


def _client(username: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_every_theory_page_renders_for_the_reviewer(demo):
    client = _client("demo-reviewer")
    cmoc = CMOC.objects.filter(
        component__version__project=demo, component__version__frozen=False
    ).first()
    pages = [
        reverse("theory", args=[DEMO_SLUG]),
        reverse("component", args=[DEMO_SLUG, cmoc.component.pk]),
        reverse("cmoc", args=[DEMO_SLUG, cmoc.pk]),
        reverse("cmoc_new", args=[DEMO_SLUG, cmoc.component.pk]),
        reverse("theory_compare", args=[DEMO_SLUG]),
        reverse("theory_diagram", args=[DEMO_SLUG]),
        reverse("theory_query", args=[DEMO_SLUG]),
        reverse("saturation", args=[DEMO_SLUG]),
        reverse("reread", args=[DEMO_SLUG]),
        reverse("substantive", args=[DEMO_SLUG]),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url


def test_the_compare_page_shows_changes_with_their_reasons(demo):
    page = _client("demo-viewer").get(reverse("theory_compare", args=[DEMO_SLUG])).content.decode()
    assert "Reworded component" in page and "Fostering resilience" in page
    assert "because stakeholders" in page  # the rationale
    assert "Feedback: “Illustrative feedback item" in page  # what prompted it


def test_the_diagram_draws_every_component_dashed_where_unsupported(demo):
    page = (
        _client("demo-stakeholder")
        .get(reverse("theory_diagram", args=[DEMO_SLUG]))
        .content.decode()
    )
    for component in Component.objects.filter(version__project=demo, version__frozen=False):
        assert component.name in page
    svg = _client("demo-viewer").get(reverse("theory_diagram_file", args=[DEMO_SLUG, "svg"]))
    assert svg["Content-Type"] == "image/svg+xml" and b"stroke-dasharray" in svg.content
    assert b"<a " not in svg.content  # the export has no links
    png = _client("demo-viewer").get(reverse("theory_diagram_file", args=[DEMO_SLUG, "png"]))
    assert png.content.startswith(b"\x89PNG")


def test_the_query_answers_what_works_for_whom_with_quotes(demo):
    client = _client("demo-viewer")
    page = client.get(
        reverse("theory_query", args=[DEMO_SLUG]) + "?context=hierarchies"
    ).content.decode()
    assert "Working with power" in page and "the hierarchies between health and social care" in page
    assert "Fostering resilience" not in page.split("configuration")[1]
    data = client.get(
        reverse("theory_query", args=[DEMO_SLUG]) + "?outcome=going&format=json"
    ).json()
    assert [a["component"] for a in data] == ["Fostering resilience"]
    assert data[0]["strength"]["stakeholder_only"] == 1


def test_the_query_command_prints_json(demo):
    result = CliRunner().invoke(app, ["query", DEMO_SLUG, "--mechanism", "joint planning"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data[0]["component"] == "Creating the conditions to work together"
    assert data[0]["evidence"][0]["document"].startswith("Stakeholder workshop notes")


def test_a_stakeholder_can_give_feedback_but_not_edit_the_theory(demo):
    client = _client("demo-stakeholder")
    v2 = demo.theory_versions.order_by("-number").first()
    component = v2.components.first()
    response = client.post(
        reverse("feedback_add", args=[DEMO_SLUG, v2.number]),
        {"text": "Leaders also need time.", "component": component.pk},
    )
    assert response.status_code == 302
    assert Feedback.objects.filter(text="Leaders also need time.").exists()
    before = (Component.objects.count(), CMOC.objects.count(), TheoryChange.objects.count())
    assert client.post(reverse("component_add", args=[DEMO_SLUG]), {"name": "X"}).status_code == 403
    assert (
        client.post(reverse("component", args=[DEMO_SLUG, component.pk]), {"name": "Y"}).status_code
        == 403
    )
    cmoc = component.cmocs.first() or CMOC.objects.filter(component__version=v2).first()
    assert (
        client.post(
            reverse("cmoc_edit", args=[DEMO_SLUG, cmoc.pk]), {"action": "remove"}
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("version_start", args=[DEMO_SLUG]), {"stage": "final"}).status_code
        == 403
    )
    assert client.get(reverse("reread", args=[DEMO_SLUG])).status_code == 403
    assert (Component.objects.count(), CMOC.objects.count(), TheoryChange.objects.count()) == before


def test_feedback_is_answered_with_the_change_it_caused_or_a_reason(demo):
    client = _client("demo-reviewer")
    v2 = demo.theory_versions.order_by("-number").first()
    item = Feedback.objects.create(theory_version=v2, text="Add patients' views.")
    url = reverse("feedback_answer", args=[DEMO_SLUG, item.pk])
    client.post(url, {})
    item.refresh_from_db()
    assert not item.answered
    client.post(url, {"no_change_reason": "Out of the review's scope."})
    item.refresh_from_db()
    assert item.no_change_reason == "Out of the review's scope."
    page = client.get(reverse("theory_version", args=[DEMO_SLUG, v2.number])).content.decode()
    assert "No change, because: Out of the review&#x27;s scope." in page


def test_saturation_counts_what_each_iteration_changed(demo):
    page = _client("demo-viewer").get(reverse("saturation", args=[DEMO_SLUG])).content.decode()
    assert "v1 initial" in page and "v2 refined" in page
    row = page.split("v2 refined</th>")[1].split("</tr>")[0]
    assert row.startswith("<td>0</td>")  # no component added in v2
    assert "<svg" in page
