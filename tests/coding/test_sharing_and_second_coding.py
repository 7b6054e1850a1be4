"""Stakeholders read only what the owner shares; a second coder codes blind, then coders compare."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retroduce.coding import codebook
from retroduce.coding.codebook import live_codes
from retroduce.coding.services import code_passage
from retroduce.documents.models import Document

pytestmark = pytest.mark.django_db

TEXT = "Leaders who listen build trust. Budgets were pooled across health and care.\n"


def test_stakeholders_see_only_shared_documents(team, ready_document):
    notes = ready_document(
        "workshop.txt",
        b"Stakeholders said resilience matters.\n",
        kind="workshop_notes",
        title="Resilience workshop, 3 May",
    )
    paper = ready_document("paper.txt", TEXT.encode(), title="Smith 2019")
    stakeholder = team.client("stakeholder")
    listing = reverse("documents", args=[team.project.slug])
    assert "Resilience workshop" not in stakeholder.get(listing).content.decode()
    assert (
        stakeholder.get(reverse("document", args=[team.project.slug, notes.pk])).status_code == 404
    )
    # Only the owner can share.
    share = reverse("document_share", args=[team.project.slug, notes.pk])
    assert team.client("reviewer").post(share, {"shared": "1"}).status_code == 403
    team.client("owner").post(share, {"shared": "1"})
    assert Document.objects.get(pk=notes.pk).shared_with_stakeholders
    page = stakeholder.get(listing).content.decode()
    assert "Resilience workshop" in page and "Smith 2019" not in page
    viewer = stakeholder.get(reverse("document", args=[team.project.slug, notes.pk])).content
    assert b"Stakeholders said resilience matters." in viewer
    assert b"Code selection" not in viewer
    assert (
        stakeholder.get(reverse("document", args=[team.project.slug, paper.pk])).status_code == 404
    )


def test_the_second_coder_codes_blind_and_the_comparison_lists_disagreements(team, ready_document):
    document = ready_document("paper.txt", TEXT.encode())
    codebook.ensure_codebook(team.project)
    context = live_codes(team.project).get(name="Context")
    owner, reviewer = team.users["owner"], team.users["reviewer"]
    code_passage(document, owner, 0, 31, [context.pk])
    team.client("owner").post(
        reverse("document_check_coder", args=[team.project.slug, document.pk]),
        {"coder": reviewer.pk},
    )
    url = reverse("document", args=[team.project.slug, document.pk])
    blind = team.client("reviewer").get(url).content.decode()
    assert "second coder" in blind and "data-fragments" not in blind
    code_passage(document, reviewer, 0, 20, [context.pk])
    code_passage(document, reviewer, 32, 52, [context.pk])
    # The owner, who is not checking, sees both coders' fragments.
    assert team.client("owner").get(url).content.decode().count('class="fragment"') == 3
    page = (
        team.client("owner")
        .get(
            reverse("agreement", args=[team.project.slug, document.pk])
            + f"?a={owner.pk}&b={reviewer.pk}"
        )
        .content.decode()
    )
    assert "<td>Context</td><td>31</td><td>40</td><td>20</td>" in page
    assert "<td>uild trust.</td><td></td>" in page  # coded only by the owner: text[20:31]
    assert "<td></td><td>Budgets were pooled </td>" in page  # only by the reviewer
