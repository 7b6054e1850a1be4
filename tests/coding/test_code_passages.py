"""Coding a passage from the document viewer: the fragment, its anchor and where it shows."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from retroduce.coding.codebook import live_codes
from retroduce.coding.models import Code, Fragment
from retroduce.core.models import Event

pytestmark = pytest.mark.django_db

TEXT = (
    "Integrated teams need leaders who can work across professional boundaries.\n\n"
    "Where health and social care budgets were pooled, managers shared decisions.\n"
)


def _code(team, name: str) -> Code:
    from retroduce.coding.codebook import ensure_codebook

    ensure_codebook(team.project)
    return live_codes(team.project).get(name=name)


def _post(client, team, document, body):
    return client.post(
        reverse("fragment_create", args=[team.project.slug, document.pk]),
        json.dumps(body),
        content_type="application/json",
    )


def test_reviewer_codes_a_passage_and_it_appears_in_the_codes_fragment_list(team, ready_document):
    document = ready_document("leadership.txt", TEXT.encode())
    context = _code(team, "Context")
    start = TEXT.index("Where health")
    end = TEXT.index(", managers")
    client = team.client("reviewer")
    response = _post(client, team, document, {"start": start, "end": end, "codes": [context.pk]})
    assert response.status_code == 201
    fragment = Fragment.objects.get()
    assert fragment.quote == "Where health and social care budgets were pooled"
    assert fragment.prefix.endswith("boundaries.\n\n")
    assert fragment.suffix.startswith(", managers shared")
    assert fragment.coder == team.users["reviewer"] and fragment.page == 1
    assert Event.objects.filter(verb="coded", object_id=str(fragment.uuid)).exists()
    page = client.get(reverse("code", args=[team.project.slug, context.pk])).content.decode()
    assert "Where health and social care budgets were pooled" in page
    assert f"?page=1#fragment-{fragment.pk}" in page


def test_overlapping_fragments_and_two_codes_on_one_passage(team, ready_document):
    document = ready_document("leadership.txt", TEXT.encode())
    context, outcome = _code(team, "Context"), _code(team, "Outcome")
    client = team.client("reviewer")
    _post(client, team, document, {"start": 0, "end": 40, "codes": [context.pk]})
    _post(client, team, document, {"start": 20, "end": 60, "codes": [outcome.pk]})
    # The same coder selecting the same passage again adds a code to the same fragment.
    _post(client, team, document, {"start": 0, "end": 40, "codes": [outcome.pk]})
    assert Fragment.objects.count() == 2
    first = Fragment.objects.get(start=0)
    assert {c.name for c in first.codes.all()} == {"Context", "Outcome"}
    viewer = client.get(reverse("document", args=[team.project.slug, document.pk])).content.decode()
    # The overlap (20..40) is one run marked by both fragments.
    assert f'data-fragments="{first.pk} {Fragment.objects.get(start=20).pk}"' in viewer


def test_a_new_code_can_be_created_from_the_picker_under_a_kind(team, ready_document):
    document = ready_document("leadership.txt", TEXT.encode())
    context = _code(team, "Context")
    response = _post(
        team.client("reviewer"),
        team,
        document,
        {
            "start": 0,
            "end": 30,
            "codes": [],
            "new_code": "Pooled budgets",
            "new_code_parent": context.pk,
        },
    )
    assert response.status_code == 201
    code = live_codes(team.project).get(name="Pooled budgets")
    assert code.parent == context and code.kind == "context"
    assert [c["name"] for c in response.json()["codes"]] == ["Pooled budgets"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"start": 10, "end": 5, "codes": []}, "outside the document"),
        ({"start": 0, "end": 10**6, "codes": []}, "outside the document"),
        ({"start": 0, "end": 10, "codes": []}, "Pick at least one code"),
        ({"start": 0, "end": 10, "codes": [987654]}, "not in this project"),
        ({"start": "x"}, "Send start, end and codes"),
    ],
)
def test_bad_selections_are_refused_with_a_reason_and_nothing_is_saved(
    team, ready_document, body, message
):
    document = ready_document("leadership.txt", TEXT.encode())
    response = _post(team.client("reviewer"), team, document, body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Fragment.objects.exists()


@pytest.mark.parametrize("persona", ["viewer", "stakeholder"])
def test_only_reviewers_and_owners_can_code(team, ready_document, persona):
    document = ready_document("leadership.txt", TEXT.encode())
    context = _code(team, "Context")
    response = _post(
        team.client(persona), team, document, {"start": 0, "end": 10, "codes": [context.pk]}
    )
    assert response.status_code == 403
    assert not Fragment.objects.exists()


def test_outsiders_do_not_learn_the_document_exists(team, ready_document):
    document = ready_document("leadership.txt", TEXT.encode())
    client = team.client("outsider")
    assert client.get(reverse("document", args=[team.project.slug, document.pk])).status_code == 404
    assert _post(client, team, document, {"start": 0, "end": 5, "codes": []}).status_code == 404


def test_removing_the_last_code_removes_the_fragment_and_the_log_keeps_the_quote(
    team, ready_document
):
    document = ready_document("leadership.txt", TEXT.encode())
    context = _code(team, "Context")
    client = team.client("reviewer")
    created = _post(client, team, document, {"start": 0, "end": 25, "codes": [context.pk]}).json()
    response = client.post(
        reverse("fragment_uncode", args=[team.project.slug, created["id"]]),
        {"code": context.pk, "revision": created["revision"]},
    )
    assert response.status_code == 302
    assert not Fragment.objects.exists()
    event = Event.objects.get(verb="deleted")
    assert event.before["quote"] == TEXT[:25]
