"""Every mutating Documents and Coding view refuses too low a role (403) and outsiders (404).

The allowed roles change something (the event log grows); refused ones leave it exactly as it was.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from retroduce.coding import codebook
from retroduce.coding.codebook import live_codes
from retroduce.coding.models import Appraisal, Code, Fragment, FragmentCode, Memo
from retroduce.coding.services import code_passage, write_memo
from retroduce.core.models import Event, TaskProgress
from retroduce.documents.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(team, ready_document):
    owner = team.users["owner"]
    document = ready_document()
    codebook.ensure_codebook(team.project)
    context = live_codes(team.project).get(name="Context")
    code = codebook.create_code(team.project, owner, "Trust", parent=context)
    other = codebook.create_code(team.project, owner, "Trusting", parent=context)
    fragment = code_passage(document, owner, 0, 10, [context.pk, code.pk])
    memo = write_memo(team.project, owner, "Memo", "text")
    return {
        "document": document,
        "context": context,
        "code": code,
        "other": other,
        "fragment": fragment,
        "memo": memo,
    }


def _state():
    return (
        Event.objects.count(),
        list(Document.objects.values_list("title", "shared_with_stakeholders", "check_coder")),
        list(Code.objects.values_list("name", "parent", "merged_into")),
        Fragment.objects.count(),
        FragmentCode.objects.count(),
        list(Memo.objects.values_list("title", "text")),
        Appraisal.objects.count(),
        TaskProgress.objects.count(),
    )


def _slug(t):
    return t.project.slug


CASES = {
    "attach": (
        lambda t, w: reverse("attach", args=[_slug(t)]),
        lambda t, w: {"files": SimpleUploadedFile("new.txt", b"New notes.\n")},
    ),
    "document_edit": (
        lambda t, w: reverse("document_edit", args=[_slug(t), w["document"].pk]),
        lambda t, w: {"title": "Renamed", "kind": "policy"},
    ),
    "document_reextract": (
        lambda t, w: reverse("document_reextract", args=[_slug(t), w["document"].pk]),
        lambda t, w: {},
    ),
    "fragment_create": (
        lambda t, w: reverse("fragment_create", args=[_slug(t), w["document"].pk]),
        lambda t, w: ("json", {"start": 12, "end": 20, "codes": [w["context"].pk]}),
    ),
    "fragment_uncode": (
        lambda t, w: reverse("fragment_uncode", args=[_slug(t), w["fragment"].pk]),
        lambda t, w: {"code": w["code"].pk, "revision": w["fragment"].revision},
    ),
    "fragment_delete": (
        lambda t, w: reverse("fragment_delete", args=[_slug(t), w["fragment"].pk]),
        lambda t, w: {"revision": w["fragment"].revision},
    ),
    "appraise": (
        lambda t, w: reverse("appraise", args=[_slug(t), w["document"].pk]),
        lambda t, w: {"relevance": "high", "rigour": "low", "richness": "high"},
    ),
    "memo_create": (
        lambda t, w: reverse("memo_create", args=[_slug(t)]),
        lambda t, w: {"title": "New memo", "kind": "analytic"},
    ),
    "memo_update": (
        lambda t, w: reverse("memo_update", args=[_slug(t), w["memo"].pk]),
        lambda t, w: {
            "title": "Memo",
            "text": "changed",
            "kind": "analytic",
            "revision": w["memo"].revision,
        },
    ),
    "code_create": (
        lambda t, w: reverse("code_create", args=[_slug(t)]),
        lambda t, w: {"name": "Budgets", "parent": w["context"].pk},
    ),
    "code_edit": (
        lambda t, w: reverse("code_edit", args=[_slug(t), w["code"].pk]),
        lambda t, w: {"action": "merge", "into": w["other"].pk},
    ),
    "decide_suggestion": (
        lambda t, w: reverse("decide_suggestion", args=[_slug(t), w["code"].pk]),
        lambda t, w: {"document": w["document"].pk, "start": 12, "end": 20, "verdict": "reject"},
    ),
}

MANAGE_CASES = {
    "document_share": (
        lambda t, w: reverse("document_share", args=[_slug(t), w["document"].pk]),
        lambda t, w: {"shared": "1"},
    ),
    "document_check_coder": (
        lambda t, w: reverse("document_check_coder", args=[_slug(t), w["document"].pk]),
        lambda t, w: {"coder": t.users["reviewer"].pk},
    ),
}


def _post(client, url, data):
    if isinstance(data, tuple):
        return client.post(url, json.dumps(data[1]), content_type="application/json")
    return client.post(url, data)


@pytest.mark.parametrize("view", list(CASES))
@pytest.mark.parametrize("persona", ["owner", "reviewer", "stakeholder", "viewer", "outsider"])
def test_coding_mutations_need_the_review_role(team, world, view, persona):
    url_for, data = CASES[view]
    before = _state()
    response = _post(team.client(persona), url_for(team, world), data(team, world))
    if persona in ("owner", "reviewer"):
        assert response.status_code in (201, 302)
        assert _state() != before
    else:
        assert response.status_code == (404 if persona == "outsider" else 403)
        assert _state() == before


@pytest.mark.parametrize("view", list(MANAGE_CASES))
@pytest.mark.parametrize("persona", ["owner", "reviewer", "stakeholder", "viewer", "outsider"])
def test_sharing_and_second_coders_are_the_owners_call(team, world, view, persona):
    url_for, data = MANAGE_CASES[view]
    before = _state()
    response = _post(team.client(persona), url_for(team, world), data(team, world))
    if persona == "owner":
        assert response.status_code == 302 and _state() != before
    else:
        assert response.status_code == (404 if persona == "outsider" else 403)
        assert _state() == before


def test_anonymous_visitors_are_sent_to_sign_in(team, world):
    from django.test import Client

    response = Client().post(reverse("attach", args=[_slug(team)]), {})
    assert response.status_code == 302 and "/login/" in response["Location"]
