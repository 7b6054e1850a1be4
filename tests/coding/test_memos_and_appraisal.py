"""Memos on fragments, codes, documents and the project; appraisal of documents and fragments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retroduce.coding import codebook
from retroduce.coding.codebook import live_codes
from retroduce.coding.models import Appraisal, Memo
from retroduce.coding.services import code_passage
from retroduce.core.models import Event

pytestmark = pytest.mark.django_db


def test_memos_of_every_kind_are_listed_and_searchable_in_one_place(team, ready_document):
    document = ready_document()
    codebook.ensure_codebook(team.project)
    context = live_codes(team.project).get(name="Context")
    fragment = code_passage(document, team.users["owner"], 0, 20, [context.pk])
    client = team.client("reviewer")
    url = reverse("memo_create", args=[team.project.slug])
    client.post(
        url,
        {
            "title": "Power and hierarchy",
            "text": "Health leads; social care follows.",
            "kind": "retroductive",
            "fragment": fragment.pk,
        },
    )
    client.post(
        url,
        {
            "title": "Coding rule",
            "text": "Code traits apart from actions.",
            "kind": "methodological",
            "code": context.pk,
        },
    )
    client.post(
        url,
        {
            "title": "On this paper",
            "text": "Thin on mechanisms.",
            "kind": "analytic",
            "document": document.pk,
        },
    )
    client.post(
        url, {"title": "Whole review", "text": "Resilience lacks evidence.", "kind": "analytic"}
    )
    assert Memo.objects.count() == 4
    memos = reverse("memos", args=[team.project.slug])
    page = client.get(memos).content.decode()
    assert "Fragment in “" in page and "Code “Context”" in page and "the project" in page
    found = client.get(memos + "?q=hierarchy").content.decode()
    assert "Power and hierarchy" in found and "Coding rule" not in found
    by_kind = client.get(memos + "?kind=methodological").content.decode()
    assert "Coding rule" in by_kind and "Whole review" not in by_kind


def test_a_memo_form_cannot_send_you_to_another_site(team):
    response = team.client("reviewer").post(
        reverse("memo_create", args=[team.project.slug]),
        {"title": "t", "kind": "analytic", "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"].startswith("/p/icl/")


def test_appraisal_of_a_document_is_revised_and_the_log_keeps_the_earlier_one(team, ready_document):
    document = ready_document()
    client = team.client("reviewer")
    url = reverse("appraise", args=[team.project.slug, document.pk])
    client.post(
        url,
        {
            "relevance": "high",
            "rigour": "low",
            "richness": "high",
            "rationale": "Thick description, small sample.",
        },
    )
    client.post(
        url,
        {
            "relevance": "high",
            "rigour": "medium",
            "richness": "high",
            "rationale": "Re-read the methods.",
        },
    )
    appraisal = Appraisal.objects.get()
    assert appraisal.rigour == "medium"
    events = Event.objects.filter(verb="appraised").order_by("pk")
    assert [e.after["rigour"] for e in events] == ["low", "medium"]
    assert events[1].before["rigour"] == "low"


def test_low_rigour_but_rich_material_is_flagged_as_kept(team, ready_document):
    document = ready_document()
    team.client("reviewer").post(
        reverse("appraise", args=[team.project.slug, document.pk]),
        {"relevance": "high", "rigour": "low", "richness": "high", "rationale": ""},
    )
    page = team.client("viewer").get(reverse("documents", args=[team.project.slug]))
    assert "low rigour, kept for richness" in page.content.decode()


def test_a_fragment_can_be_appraised_on_its_own(team, ready_document):
    document = ready_document()
    codebook.ensure_codebook(team.project)
    outcome = live_codes(team.project).get(name="Outcome")
    fragment = code_passage(document, team.users["owner"], 0, 20, [outcome.pk])
    team.client("reviewer").post(
        reverse("appraise", args=[team.project.slug, document.pk]),
        {"fragment": fragment.pk, "relevance": "medium", "rigour": "high", "richness": "low"},
    )
    assert Appraisal.objects.get().fragment == fragment


def test_bad_ratings_are_refused(team, ready_document):
    document = ready_document()
    response = team.client("reviewer").post(
        reverse("appraise", args=[team.project.slug, document.pk]),
        {"relevance": "very", "rigour": "low", "richness": "low"},
        follow=True,
    )
    assert "Rate relevance as high, medium or low." in response.content.decode()
    assert not Appraisal.objects.exists()


@pytest.mark.parametrize("persona", ["viewer", "stakeholder"])
def test_memos_and_appraisals_need_the_reviewer_role(team, ready_document, persona):
    document = ready_document()
    client = team.client(persona)
    assert (
        client.post(reverse("memo_create", args=[team.project.slug]), {"title": "x"}).status_code
        == 403
    )
    response = client.post(
        reverse("appraise", args=[team.project.slug, document.pk]),
        {"relevance": "high", "rigour": "high", "richness": "high"},
    )
    assert response.status_code == 403
    assert not Memo.objects.exists() and not Appraisal.objects.exists()
