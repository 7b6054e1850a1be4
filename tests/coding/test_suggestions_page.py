"""Coding suggestions in the web: ranked passages with their explanation, accept and reject."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retroduce.coding import codebook, suggestion_index
from retroduce.coding.codebook import live_codes
from retroduce.coding.models import Fragment, SuggestionVerdict
from retroduce.coding.services import code_passage
from retroduce.core.models import TaskProgress

pytestmark = pytest.mark.django_db

CODED = (
    "Leaders built trust between nurses and social workers by listening. "
    "The weather was cold that winter.\n"
)
OTHER = (
    "Budgets were agreed by the finance office in March. "
    "Trust between social workers and nurses grew when the leader listened to both. "
    "Car parking remained a problem.\n"
)


@pytest.fixture
def trust(team, ready_document):
    owner = team.users["owner"]
    first = ready_document("a.txt", CODED.encode(), title="Paper A")
    second = ready_document("b.txt", OTHER.encode(), title="Paper B")
    codebook.ensure_codebook(team.project)
    code = codebook.create_code(
        team.project, owner, "Trust", parent=live_codes(team.project).get(name="Outcome")
    )
    end = CODED.index(" The weather")
    code_passage(first, owner, 0, end, [code.pk])
    return code, second


def test_the_most_similar_uncoded_passage_comes_first_with_its_explanation(team, trust):
    code, second = trust
    page = team.client("reviewer").get(reverse("suggestions", args=[team.project.slug, code.pk]))
    text = page.content.decode()
    first = text.index('<article class="suggestion">')
    assert "Trust between social workers and nurses grew" in text[first : first + 600]
    assert "Closest coded passage" in text and "Leaders built trust" in text
    assert "Paper B, page 1" in text


def test_accepting_codes_the_passage_and_rejecting_moves_it_out(team, trust):
    code, second = trust
    client = team.client("reviewer")
    start = OTHER.index("Trust between")
    end = OTHER.index(" Car parking")
    decide = reverse("decide_suggestion", args=[team.project.slug, code.pk])
    client.post(decide, {"document": second.pk, "start": start, "end": end, "verdict": "accept"})
    fragment = Fragment.objects.get(document=second)
    assert (
        fragment.quote.startswith("Trust between social workers") and code in fragment.codes.all()
    )
    parking = OTHER.index("Car parking")
    client.post(
        decide,
        {"document": second.pk, "start": parking, "end": len(OTHER) - 1, "verdict": "reject"},
    )
    assert SuggestionVerdict.objects.filter(accepted=False).count() == 1
    page = client.get(reverse("suggestions", args=[team.project.slug, code.pk])).content.decode()
    assert "Car parking remained a problem." not in page
    assert "1 accepted, 1 rejected" in page


def test_a_large_project_builds_the_index_in_the_background(team, trust, monkeypatch):
    code, _second = trust
    monkeypatch.setattr(suggestion_index, "INLINE_CHARS", 10)
    suggestion_index._memory.clear()
    page = team.client("reviewer").get(reverse("suggestions", args=[team.project.slug, code.pk]))
    assert "The passage index is being built" in page.content.decode()
    progress = TaskProgress.objects.get(label=suggestion_index.LABEL)
    assert progress.status == "queued"
    # Asking again does not queue a second build.
    team.client("reviewer").get(reverse("suggestions", args=[team.project.slug, code.pk]))
    assert TaskProgress.objects.filter(label=suggestion_index.LABEL).count() == 1
    suggestion_index.build_index(team.project)
    suggestion_index._memory.clear()  # another web process: it loads the index from disk
    page = team.client("reviewer").get(reverse("suggestions", args=[team.project.slug, code.pk]))
    assert "Trust between social workers and nurses grew" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_queued_index(team, trust, monkeypatch):
    from django.core.management import call_command

    code, _second = trust
    monkeypatch.setattr(suggestion_index, "INLINE_CHARS", 10)
    suggestion_index._memory.clear()
    team.client("reviewer").get(reverse("suggestions", args=[team.project.slug, code.pk]))
    call_command(
        "db_worker", "--batch", "--queue-name=*", "--no-reload", "--no-startup-delay", verbosity=0
    )
    progress = TaskProgress.objects.get(label=suggestion_index.LABEL)
    assert progress.status == "done" and "passages in 2 documents" in progress.message
