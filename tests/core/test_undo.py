"""Undo from the History page: a deleted passage, a code merge and a conflict resolution come back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retroduce.coding.codebook import create_code, merge_codes
from retroduce.coding.models import Appraisal, Code, Fragment, Memo
from retroduce.coding.services import appraise, code_passage, write_memo
from retroduce.core.models import Event
from retroduce.screening import services as screening
from retroduce.screening.models import Resolution
from retroduce.theory import cmocs, services
from retroduce.theory.models import CMOC, Feedback, TheoryChange
from tests.screening.conftest import TOPICS, record
from tests.screening.conftest import screening_team as _screening_team  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _history(client, project) -> str:  # noqa: ANN001
    return client.get(reverse("history", args=[project.slug])).content.decode()


def _undo(client, project, verb: str, object_type: str):  # noqa: ANN001, ANN202
    event = Event.objects.filter(project=project, verb=verb, object_type=object_type).latest("id")
    return client.post(reverse("event_undo", args=[project.slug, event.pk]), follow=True)


def _said(response) -> str:  # noqa: ANN001
    return " ".join(str(m) for m in response.context["messages"])


@pytest.fixture
def coded(team, ready_document):
    owner = team.users["owner"]
    document = ready_document()
    trust = create_code(team.project, owner, "Trust")
    power = create_code(team.project, owner, "Power")
    fragment = code_passage(document, owner, 0, 20, [trust.pk, power.pk])
    write_memo(team.project, owner, "Why", "Trust builds slowly", fragment=fragment)
    appraise(
        team.project, owner, relevance="high", rigour="low", richness="high", fragment=fragment
    )
    return document, fragment, trust, power


def test_a_deleted_passage_comes_back_with_its_codes_memo_and_appraisal(team, coded):
    _document, fragment, trust, power = coded
    client = team.client("reviewer")
    response = client.post(
        reverse("fragment_delete", args=[team.project.slug, fragment.pk]),
        {"revision": fragment.revision},
        follow=True,
    )
    assert "can bring it back" in _said(response)
    assert not Fragment.objects.filter(uuid=fragment.uuid).exists()
    assert "Bring the passage back" in _history(client, team.project)

    undone = _undo(client, team.project, "deleted", "fragment")
    assert "Undone: deleted" in _said(undone)
    back = Fragment.objects.get(uuid=fragment.uuid)
    assert (back.start, back.end, back.quote) == (fragment.start, fragment.end, fragment.quote)
    assert set(back.codes.all()) == {trust, power}
    assert Memo.objects.get(fragment=back).text == "Trust builds slowly"
    assert Appraisal.objects.get(fragment=back).rigour == "low"
    # Once undone, the button goes and a second try is refused.
    assert "Bring the passage back" not in _history(client, team.project)
    again = _undo(client, team.project, "deleted", "fragment")
    assert "already been undone" in _said(again)
    assert Fragment.objects.filter(uuid=fragment.uuid).count() == 1


def test_a_code_merge_is_undone(team, coded):
    _document, fragment, trust, power = coded
    owner = team.users["owner"]
    child = create_code(team.project, owner, "Earned trust", parent=trust)
    memo = write_memo(team.project, owner, "On trust", "...", code=trust)
    merge_codes(trust, power, owner)
    assert not Code.objects.get(pk=child.pk).parent_id == trust.pk

    _undo(team.client("owner"), team.project, "merged", "code")
    trust.refresh_from_db()
    assert trust.merged_into_id is None
    assert trust in fragment.codes.all() and power in fragment.codes.all()
    assert Code.objects.get(pk=child.pk).parent_id == trust.pk
    assert Memo.objects.get(pk=memo.pk).code_id == trust.pk


def test_a_passage_that_is_cmoc_evidence_is_not_deleted(team, coded):
    _document, fragment, _trust, _power = coded
    owner = team.users["owner"]
    version = services.start_version(team.project, owner, "initial")
    component = services.add_component(version, owner, name="Working with power")
    cmoc = cmocs.create_cmoc(
        component, owner, context="Hierarchies", mechanism_resource="voice", outcome="sharing"
    )
    cmocs.link_evidence(cmoc, owner, [fragment.pk], "supports", "")
    response = team.client("owner").post(
        reverse("fragment_delete", args=[team.project.slug, fragment.pk]),
        {"revision": Fragment.objects.get(pk=fragment.pk).revision},
        follow=True,
    )
    assert "is evidence for" in _said(response) and "unlink it there first" in _said(response)
    assert Fragment.objects.filter(pk=fragment.pk).exists()


@pytest.fixture
def resolved(request):  # noqa: ANN001
    team = request.getfixturevalue("_screening_team")
    screening.update_settings(
        team.project, team.users["owner"], "ta", votes_required=2, blind=True, adjudicator=None
    )
    conflicted = record(TOPICS[0])
    screening.cast_vote(team.project, team.users["reviewer"], conflicted, "ta", "include")
    screening.cast_vote(team.project, team.users["reviewer2"], conflicted, "ta", "exclude")
    screening.resolve_conflict(team.project, team.users["owner"], conflicted, "ta", "include")
    return team, conflicted


def test_a_conflict_resolution_is_undone_by_an_owner_not_a_reviewer(resolved):
    team, conflicted = resolved
    refused = _undo(team.client("reviewer"), team.project, "resolved", "resolution")
    assert "Only an owner or the stage's adjudicator" in _said(refused)
    assert Resolution.objects.filter(record=conflicted).exists()
    _undo(team.client("owner"), team.project, "resolved", "resolution")
    assert not Resolution.objects.filter(record=conflicted).exists()
    conflicts = team.client("owner").get(reverse("conflicts", args=[team.project.slug, "ta"]))
    assert conflicted.title in conflicts.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"), [("viewer", 403), ("stakeholder", 403), ("outsider", 404)]
)
def test_undo_needs_the_review_role(team, coded, persona, status):
    _document, fragment, _trust, _power = coded
    from retroduce.coding.services import delete_fragment

    delete_fragment(fragment, team.users["owner"])
    event = Event.objects.filter(verb="deleted", object_type="fragment").latest("id")
    response = team.client(persona).post(reverse("event_undo", args=[team.project.slug, event.pk]))
    assert response.status_code == status
    assert not Fragment.objects.filter(uuid=fragment.uuid).exists()
    assert "Bring the passage back" not in _history(team.client("viewer"), team.project)


@pytest.fixture
def chained(team, coded):
    """Three CMOCs chained A → B → C in a refined version; B has evidence and feedback."""
    _document, fragment, _trust, _power = coded
    owner = team.users["owner"]
    services.start_version(team.project, owner, "initial")
    version = services.start_version(team.project, owner, "refined")
    component = services.add_component(
        version, owner, name="Working with power", why=cmocs.Why(rationale="New idea")
    )
    why = cmocs.Why(rationale="From the interviews")
    a, b, c = (
        cmocs.create_cmoc(
            component, owner, why, context=f"Context {n}", mechanism_resource="voice", outcome=n
        )
        for n in "ABC"
    )
    cmocs.set_chain(a, owner, [b])
    cmocs.set_chain(b, owner, [c])
    cmocs.link_evidence(b, owner, [fragment.pk], "refutes", "Only in one ward")
    feedback = services.leave_feedback(version, team.users["stakeholder"], "Not here", cmoc=b)
    return version, a, b, c, fragment, feedback


def test_a_removed_cmoc_comes_back_with_its_evidence_chain_and_feedback(team, chained):
    version, a, b, c, fragment, feedback = chained
    client = team.client("reviewer")
    client.post(
        reverse("cmoc_edit", args=[team.project.slug, b.pk]),
        {"action": "remove", "revision": b.revision, "rationale": "Refuted"},
    )
    assert not CMOC.objects.filter(uuid=b.uuid).exists()
    assert "Bring the CMOC back" in _history(client, team.project)

    undone = _undo(client, team.project, "deleted", "cmoc")
    assert "Undone: deleted" in _said(undone)
    back = CMOC.objects.get(uuid=b.uuid)
    assert (back.context, back.outcome, back.lineage) == (b.context, "B", b.lineage)
    assert list(back.follows.all()) == [a] and list(back.leads_to.all()) == [c]
    link = back.evidence.get()
    assert (link.fragment, link.relation, link.note) == (fragment, "refutes", "Only in one ward")
    assert Feedback.objects.get(pk=feedback.pk).cmoc == back
    # The refined version's change log says it came back, and why.
    change = TheoryChange.objects.filter(version=version, lineage=b.lineage).latest("id")
    assert change.kind == TheoryChange.Kind.ADDED and "Undid its removal" in change.rationale
    diagram = client.get(reverse("theory_diagram", args=[team.project.slug])).content.decode()
    assert "Context B" in diagram


def test_a_removed_cmoc_does_not_come_back_into_a_frozen_version(team, chained):
    _version, _a, b, _c, _fragment, _feedback = chained
    owner = team.users["owner"]
    cmocs.remove_cmoc(b, owner, cmocs.Why(rationale="Refuted"))
    services.start_version(team.project, owner, "refined")  # freezes the version it was in
    refused = _undo(team.client("owner"), team.project, "deleted", "cmoc")
    assert "frozen" in _said(refused).lower()
    assert not CMOC.objects.filter(uuid=b.uuid).exists()
