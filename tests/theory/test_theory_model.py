"""The theory model: frozen snapshots, the version diff, computed provenance, CMOC evidence."""

from __future__ import annotations

import pytest

from retroduce.coding import codebook
from retroduce.coding.codebook import live_codes
from retroduce.coding.services import code_passage
from retroduce.core.services import DomainError
from retroduce.theory import cmocs, services
from retroduce.theory.changes import Why
from retroduce.theory.diff import Part, compare, compare_versions, counts
from retroduce.theory.models import (
    CMOC,
    FrozenVersion,
    Provenance,
    SubstantiveLink,
    SubstantiveTheory,
)
from retroduce.theory.provenance import computed_provenance

pytestmark = pytest.mark.django_db

PARTS = {
    "context": "Teams where health and social care hierarchies persist",
    "mechanism_resource": "leaders give each profession a voice",
    "outcome": "decisions are shared",
}


@pytest.fixture
def v1(team):
    version = services.start_version(team.project, team.users["owner"], "initial")
    services.add_component(version, team.users["owner"], name="Working with power")
    return version


def test_a_frozen_version_cannot_change_by_any_path(team, v1):
    owner = team.users["owner"]
    component = v1.components.get()
    cmoc = cmocs.create_cmoc(component, owner, **PARTS)
    v2 = services.start_version(team.project, owner, "refined")
    v1.refresh_from_db()
    assert v1.frozen
    with pytest.raises(DomainError, match="frozen"):
        services.update_component(component, owner, Why("x"), name="Renamed")
    with pytest.raises(DomainError, match="frozen"):
        cmocs.update_cmoc(cmoc, owner, Why("x"), outcome="changed")
    with pytest.raises(DomainError, match="frozen"):
        services.add_component(v1, owner, name="New")
    # Even code that skips the domain functions cannot write into the snapshot.
    component.refresh_from_db()
    component.name = "Sneaky"
    with pytest.raises(FrozenVersion):
        component.save()
    cmoc.refresh_from_db()
    with pytest.raises(FrozenVersion):
        cmoc.delete()
    # The new version carried everything over with its lineage.
    carried = v2.components.get()
    assert carried.lineage == component.lineage
    assert carried.cmocs.get().lineage == cmoc.lineage


def test_changes_in_a_refined_version_need_a_rationale(team, v1):
    owner = team.users["owner"]
    v2 = services.start_version(team.project, owner, "refined")
    component = v2.components.get()
    with pytest.raises(DomainError, match="need a rationale"):
        services.update_component(component, owner, statement="If … then …")
    services.update_component(component, owner, Why("Evidence from 3 papers"), statement="If…")
    change = v2.changes.get()
    assert change.kind == "reworded" and change.rationale == "Evidence from 3 papers"


def _part(lineage, target="component", **fields):
    return Part(lineage=lineage, target=target, label=fields.get("name", lineage), fields=fields)


def test_the_diff_on_hand_built_cases():
    old = [
        _part("a", name="Working with power", statement="old"),
        _part("b", name="Taking a wider view"),
        _part("c1", "cmoc", context="C", outcome="O"),
    ]
    new = [
        _part("a", name="Working with power", statement="new"),
        _part("d", name="Fostering resilience"),
        _part("c1", "cmoc", context="C", outcome="O"),
        _part("c2", "cmoc", context="C2", outcome="O2"),
    ]
    result = {(d.target, d.label): d for d in compare(old, new)}
    assert result[("component", "Working with power")].kind == "reworded"
    assert result[("component", "Working with power")].changed_fields == [
        ("statement", "old", "new")
    ]
    assert result[("component", "Taking a wider view")].kind == "removed"
    assert result[("component", "Fostering resilience")].kind == "added"
    assert result[("cmoc", "c1")].kind == "unchanged"
    assert result[("cmoc", "c2")].kind == "added"
    assert counts(compare(old, new)) == {
        "components added": 1,
        "components changed": 1,
        "components removed": 1,
        "CMOCs added": 1,
        "CMOCs changed": 0,
        "CMOCs removed": 0,
        "evidence links added": 0,
    }


def test_compare_versions_shows_why_each_part_changed(team, v1):
    owner = team.users["owner"]
    v2 = services.start_version(team.project, owner, "refined")
    services.add_component(v2, owner, name="Fostering resilience", why=Why("Stakeholders asked"))
    rows = {d.label: d for d in compare_versions(v1, v2)}
    assert rows["Fostering resilience"].kind == "added"
    assert [r.rationale for r in rows["Fostering resilience"].reasons] == ["Stakeholders asked"]
    assert rows["Working with power"].kind == "unchanged"


def test_provenance_is_computed_for_all_four_kinds(team, v1, ready_document):
    owner = team.users["owner"]
    component = v1.components.get()
    assert computed_provenance(component) == Provenance.TEAM_INFERENCE
    cmoc = cmocs.create_cmoc(component, owner, **PARTS)
    theory = SubstantiveTheory.objects.create(project=team.project, name="Social identity theory")
    SubstantiveLink.objects.create(theory=theory, cmoc_lineage=cmoc.lineage, relation="explains")
    assert computed_provenance(component) == Provenance.SUBSTANTIVE
    notes = ready_document(
        "workshop.txt", b"Stakeholders: leaders must share power.\n", kind="workshop_notes"
    )
    codebook.ensure_codebook(team.project)
    code = live_codes(team.project).get(component_lineage=component.lineage)
    code_passage(notes, owner, 0, 20, [code.pk])
    assert computed_provenance(component) == Provenance.STAKEHOLDER
    paper = ready_document("paper.txt", b"Managers shared power with social workers.\n")
    fragment = code_passage(paper, owner, 0, 20, [live_codes(team.project).get(name="Context").pk])
    cmocs.link_evidence(cmoc, owner, [fragment.pk])
    component.refresh_from_db()
    assert component.provenance == Provenance.EMPIRICAL  # stored, not only computed
    services.update_component(
        component, owner, provenance_override="team_inference", override_reason="Weak papers"
    )
    component.refresh_from_db()
    assert component.provenance == Provenance.TEAM_INFERENCE


def test_an_override_needs_a_reason(team, v1):
    with pytest.raises(DomainError, match="reason for overriding"):
        services.update_component(
            v1.components.get(), team.users["owner"], provenance_override="empirical"
        )


def test_a_cmoc_built_from_two_documents_summarises_its_evidence(team, v1, ready_document):
    owner = team.users["owner"]
    codebook.ensure_codebook(team.project)
    context = live_codes(team.project).get(name="Context")
    a = ready_document("a.txt", b"Leaders listened to nurses and social workers.\n", title="A")
    b = ready_document("b.txt", b"A manager ignored the social workers entirely.\n", title="B")
    fa = code_passage(a, owner, 0, 30, [context.pk])
    fb = code_passage(b, owner, 0, 30, [context.pk])
    cmoc = cmocs.create_cmoc(v1.components.get(), owner, **PARTS)
    cmocs.link_evidence(cmoc, owner, [fa.pk])
    cmocs.link_evidence(cmoc, owner, [fb.pk], relation="refutes", note="The opposite")
    weight = cmocs.strength(cmoc)
    assert (weight.documents, weight.supports, weight.refutes) == (2, 1, 1)
    assert weight.rigour == {"high": 0, "medium": 0, "low": 0, "unappraised": 2}
    assert "1 refuting" in weight.summary
    with pytest.raises(DomainError, match="mechanism"):
        cmocs.create_cmoc(v1.components.get(), owner, context="C", outcome="O")


def test_chains_stay_within_a_version(team, v1):
    owner = team.users["owner"]
    component = v1.components.get()
    first = cmocs.create_cmoc(component, owner, **PARTS)
    second = cmocs.create_cmoc(component, owner, **{**PARTS, "context": "Decisions are shared"})
    cmocs.set_chain(first, owner, [second])
    with pytest.raises(DomainError, match="itself"):
        cmocs.set_chain(first, owner, [first])
    v2 = services.start_version(team.project, owner, "refined")
    copies = {c.lineage: c for c in CMOC.objects.filter(component__version=v2)}
    assert list(copies[first.lineage].leads_to.all()) == [copies[second.lineage]]
