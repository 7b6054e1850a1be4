"""The codebook: built-in kinds, theory components as codes, and edits that lose no fragment."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from retroduce.coding import codebook
from retroduce.coding.codebook import live_codes
from retroduce.coding.models import Code, FragmentCode, Memo
from retroduce.coding.services import code_passage, write_memo
from retroduce.core.services import DomainError
from retroduce.theory import services as theory
from retroduce.theory.changes import Why

pytestmark = pytest.mark.django_db


def _kind(team, name: str) -> Code:
    codebook.ensure_codebook(team.project)
    return live_codes(team.project).get(name=name, parent=None)


def test_every_project_starts_with_the_realist_kinds(team, owner_client):
    page = owner_client.get(reverse("codebook", args=[team.project.slug])).content.decode()
    for kind in (
        "Context",
        "Mechanism (resource)",
        "Mechanism (response)",
        "Outcome",
        "Intervention",
        "Actor",
        "Programme theory",
    ):
        assert f">{kind}</a>" in page


def test_theory_components_become_codes_and_follow_renames_across_versions(team):
    owner = team.users["owner"]
    v1 = theory.start_version(team.project, owner, "initial")
    component = theory.add_component(v1, owner, name="Working with power", provenance="empirical")
    folder = _kind(team, "Programme theory")
    code = live_codes(team.project).get(parent=folder, name="Working with power")
    assert code.component_lineage == component.lineage
    v2 = theory.start_version(team.project, owner, "refined")
    carried = v2.components.get()
    theory.update_component(
        carried, owner, Why("Influence is part of it"), name="Working with power and influence"
    )
    code.refresh_from_db()
    assert code.name == "Working with power and influence"
    assert live_codes(team.project).filter(parent=folder).count() == 1


def test_the_same_name_is_allowed_under_different_parents_but_not_twice_under_one(team):
    owner = team.users["owner"]
    context, outcome = _kind(team, "Context"), _kind(team, "Outcome")
    codebook.create_code(team.project, owner, "Trust", parent=context)
    codebook.create_code(team.project, owner, "Trust", parent=outcome)
    with pytest.raises(DomainError, match="already a code “Trust” under “Context”"):
        codebook.create_code(team.project, owner, "Trust", parent=context)
    assert live_codes(team.project).filter(name="Trust").count() == 2


def test_merging_codes_moves_every_fragment_child_and_memo(team, ready_document):
    owner = team.users["owner"]
    document = ready_document()
    context = _kind(team, "Context")
    traits = codebook.create_code(team.project, owner, "Leader traits", parent=context)
    personality = codebook.create_code(team.project, owner, "Personality", parent=context)
    child = codebook.create_code(team.project, owner, "Charisma", parent=personality)
    a = code_passage(document, owner, 0, 10, [personality.pk])
    b = code_passage(document, owner, 5, 20, [personality.pk, traits.pk])
    write_memo(team.project, owner, "Why personality", "…", code=personality)
    codebook.merge_codes(personality, traits, owner)
    assert set(traits.fragments.values_list("pk", flat=True)) == {a.pk, b.pk}
    assert FragmentCode.objects.filter(fragment=b).count() == 1  # not coded twice
    child.refresh_from_db()
    assert child.parent == traits
    assert Memo.objects.get().code == traits
    assert not live_codes(team.project).filter(name="Personality").exists()


def test_moving_a_code_under_its_own_child_is_refused(team):
    owner = team.users["owner"]
    parent = codebook.create_code(team.project, owner, "Leadership", parent=_kind(team, "Actor"))
    child = codebook.create_code(team.project, owner, "Leader actions", parent=parent)
    with pytest.raises(DomainError, match="under itself or one of its own children"):
        codebook.move_code(parent, owner, child)
    codebook.move_code(child, owner, _kind(team, "Mechanism (resource)"))
    child.refresh_from_db()
    assert child.kind == "mechanism_resource"


def test_renaming_through_the_page_keeps_the_fragments(team, ready_document):
    owner = team.users["owner"]
    document = ready_document()
    code = codebook.create_code(team.project, owner, "Listening", parent=_kind(team, "Context"))
    code_passage(document, owner, 0, 10, [code.pk])
    client = team.client("reviewer")
    client.post(
        reverse("code_edit", args=[team.project.slug, code.pk]),
        {
            "action": "update",
            "name": "Active listening",
            "description": "",
            "colour": "#123456",
            "revision": code.revision,
        },
    )
    code.refresh_from_db()
    assert code.name == "Active listening" and code.colour == "#123456"
    assert code.fragments.count() == 1


@pytest.mark.parametrize("persona", ["viewer", "stakeholder"])
def test_codebook_changes_need_the_reviewer_role(team, persona):
    code = codebook.create_code(
        team.project, team.users["owner"], "Trust", parent=_kind(team, "Context")
    )
    client = team.client(persona)
    assert (
        client.post(reverse("code_create", args=[team.project.slug]), {"name": "X"}).status_code
        == 403
    )
    response = client.post(
        reverse("code_edit", args=[team.project.slug, code.pk]), {"action": "update", "name": "Y"}
    )
    assert response.status_code == 403
    code.refresh_from_db()
    assert code.name == "Trust" and not live_codes(team.project).filter(name="X").exists()


def test_the_picker_gets_every_code_with_its_path(team, ready_document):
    document = ready_document()
    codebook.create_code(team.project, team.users["owner"], "Trust", parent=_kind(team, "Context"))
    page = team.client("reviewer").get(reverse("document", args=[team.project.slug, document.pk]))
    data = page.content.decode().split('<script id="codes-data" type="application/json">')[1]
    codes = json.loads(data.split("</script>")[0])
    assert {"Context › Trust", "Outcome"} <= {c["path"] for c in codes}
