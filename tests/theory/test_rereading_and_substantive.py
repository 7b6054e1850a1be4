"""The re-reading queue after a theory change, and substantive theories linked to CMOCs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retroduce.coding import codebook
from retroduce.coding.codebook import live_codes
from retroduce.coding.services import code_passage
from retroduce.theory import cmocs, services
from retroduce.theory.changes import Why
from retroduce.theory.models import RereadMark, SubstantiveLink

pytestmark = pytest.mark.django_db


def test_documents_coded_before_a_change_are_queued_most_related_first(team, ready_document):
    owner = team.users["owner"]
    codebook.ensure_codebook(team.project)
    context = live_codes(team.project).get(name="Context")
    resilience = ready_document(
        "a.txt", b"Staff resilience after winter depended on leave and cover.\n", title="Winter"
    )
    budgets = ready_document("b.txt", b"Budgets were pooled across councils.\n", title="Budgets")
    for document in (resilience, budgets):
        code_passage(document, owner, 0, 10, [context.pk])
    services.start_version(team.project, owner, "initial")
    v2 = services.start_version(team.project, owner, "refined")
    services.add_component(
        v2,
        owner,
        name="Fostering resilience",
        description="Leaders arrange cover and leave so staff resilience lasts the winter",
        why=Why("Stakeholders asked for it"),
    )
    client = team.client("reviewer")
    page = client.get(reverse("reread", args=[team.project.slug])).content.decode()
    section = page.split("Added component “Fostering resilience”")[1]
    assert section.index("Winter") < section.index("Budgets")
    change = v2.changes.get()
    client.post(
        reverse("reread_mark", args=[team.project.slug, change.pk]), {"document": resilience.pk}
    )
    assert RereadMark.objects.get().document == resilience
    page = client.get(reverse("reread", args=[team.project.slug])).content.decode()
    assert "re-read by reviewer" in page


def test_a_substantive_theory_is_linked_to_a_cmoc_and_shown(team):
    owner = team.users["owner"]
    v1 = services.start_version(team.project, owner, "initial")
    component = services.add_component(v1, owner, name="Working with power")
    cmoc = cmocs.create_cmoc(
        component, owner, context="Hierarchies", mechanism_resource="voice", outcome="sharing"
    )
    client = team.client("reviewer")
    url = reverse("substantive", args=[team.project.slug])
    client.post(url, {"name": "Social identity theory", "reference": "Tajfel & Turner 1979"})
    theory = team.project.substantive_theories.get()
    client.post(
        reverse("substantive_link", args=[team.project.slug, theory.pk]),
        {"cmoc": cmoc.pk, "relation": "explains", "note": "In-group loyalty"},
    )
    assert SubstantiveLink.objects.get().cmoc_lineage == cmoc.lineage
    page = client.get(url).content.decode()
    assert "Tajfel &amp; Turner 1979" in page and "Explains" in page and "In-group loyalty" in page
    component.refresh_from_db()
    assert component.provenance == "substantive"
