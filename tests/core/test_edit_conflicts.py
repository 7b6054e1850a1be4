"""Two people editing the same thing: the second save is refused and says who changed it first."""

from __future__ import annotations

import html
import threading

import pytest
from django.db import connection
from django.urls import reverse

from retroduce.coding.codebook import create_code
from retroduce.coding.models import Code, Fragment, Memo
from retroduce.coding.services import code_passage, write_memo
from retroduce.theory import cmocs, services
from retroduce.theory.models import CMOC

pytestmark = pytest.mark.django_db


@pytest.fixture
def cmoc(team):
    version = services.start_version(team.project, team.users["owner"], "initial")
    component = services.add_component(version, team.users["owner"], name="Working with power")
    return cmocs.create_cmoc(
        component,
        team.users["owner"],
        context="Hierarchies",
        mechanism_resource="voice",
        outcome="sharing",
    )


def _messages(response) -> str:  # noqa: ANN001
    return " ".join(str(m) for m in response.context["messages"])


def _save_cmoc(client, project, cmoc, context: str, revision: int):  # noqa: ANN001, ANN202
    return client.post(
        reverse("cmoc_edit", args=[project.slug, cmoc.pk]),
        {
            "action": "update",
            "revision": revision,
            "context": context,
            "mechanism_resource": "voice",
            "mechanism_response": "",
            "outcome": "sharing",
            "intervention": "",
            "actor": "",
        },
        follow=True,
    )


def test_a_save_from_a_stale_cmoc_page_is_refused_and_names_the_first_editor(team, cmoc):
    opened = cmoc.revision  # both open the page now
    first = _save_cmoc(team.client("owner"), team.project, cmoc, "Rigid hierarchies", opened)
    assert "CMOC saved." in _messages(first)
    second = _save_cmoc(team.client("reviewer"), team.project, cmoc, "Flat teams", opened)
    said = _messages(second)
    assert "owner changed this CMOC at" in said and "your change was not saved" in said
    assert "What you wrote, to copy from: context: Flat teams" in said
    cmoc.refresh_from_db()
    assert cmoc.context == "Rigid hierarchies"
    # After reloading (the current revision) the reviewer's save goes through.
    third = _save_cmoc(team.client("reviewer"), team.project, cmoc, "Flat teams", cmoc.revision)
    assert "CMOC saved." in _messages(third)


def test_a_cmoc_reworded_meanwhile_is_not_removed(team, cmoc):
    opened = cmoc.revision
    _save_cmoc(team.client("owner"), team.project, cmoc, "Rigid hierarchies", opened)
    response = team.client("reviewer").post(
        reverse("cmoc_edit", args=[team.project.slug, cmoc.pk]),
        {"action": "remove", "revision": opened},
        follow=True,
    )
    assert "changed this CMOC" in _messages(response)
    assert CMOC.objects.filter(pk=cmoc.pk).exists()


def test_a_stale_code_rename_is_refused(team):
    code = create_code(team.project, team.users["owner"], "Trust")
    url = reverse("code_edit", args=[team.project.slug, code.pk])
    opened = code.revision
    team.client("owner").post(
        url, {"action": "update", "revision": opened, "name": "Mutual trust"}, follow=True
    )
    response = team.client("reviewer").post(
        url, {"action": "update", "revision": opened, "name": "Distrust"}, follow=True
    )
    assert "owner changed this code" in _messages(response)
    assert "name: Distrust" in _messages(response)
    assert Code.objects.get(pk=code.pk).name == "Mutual trust"


def test_a_stale_memo_edit_is_refused(team):
    memo = write_memo(team.project, team.users["owner"], "Power", "first thoughts")
    url = reverse("memo_update", args=[team.project.slug, memo.pk])
    opened = memo.revision
    team.client("owner").post(
        url, {"revision": opened, "title": "Power", "text": "second thoughts", "kind": memo.kind}
    )
    response = team.client("reviewer").post(
        url,
        {"revision": opened, "title": "Power", "text": "other thoughts", "kind": memo.kind},
        follow=True,
    )
    assert "owner changed this memo" in _messages(response)
    assert Memo.objects.get(pk=memo.pk).text == "second thoughts"


def test_a_passage_recoded_in_another_tab_is_not_deleted_from_a_stale_one(team, ready_document):
    document = ready_document()
    owner = team.users["owner"]
    first, second = create_code(team.project, owner, "A"), create_code(team.project, owner, "B")
    fragment = code_passage(document, owner, 0, 10, [first.pk])
    opened = fragment.revision
    code_passage(document, owner, 0, 10, [second.pk])  # the other tab adds a code
    response = team.client("owner").post(
        reverse("fragment_delete", args=[team.project.slug, fragment.pk]),
        {"revision": opened},
        follow=True,
    )
    assert "changed this coded passage" in _messages(response)
    assert Fragment.objects.filter(pk=fragment.pk).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="parallel transactions need the PostgreSQL pass"
)
def test_parallel_saves_on_postgresql_keep_exactly_one(team, cmoc):
    """Two reviewers press Save at the same instant, ten times over: one wins each time."""
    clients = {"owner": team.client("owner"), "reviewer": team.client("reviewer")}
    for round_ in range(10):
        cmoc.refresh_from_db()
        opened = cmoc.revision
        start = threading.Barrier(2)
        outcome: dict[str, str] = {}

        def save(  # noqa: ANN001
            persona: str, opened: int = opened, start=start, outcome=outcome, n: int = round_
        ) -> None:
            start.wait()
            try:
                response = _save_cmoc(
                    clients[persona], team.project, cmoc, f"{persona} {n}", opened
                )
                # The page itself, not response.context: the test client gathers contexts through
                # a process-wide signal, which mixes up two threads' pages.
                outcome[persona] = html.unescape(response.content.decode())
            finally:
                connection.close()  # each thread has its own connection

        threads = [threading.Thread(target=save, args=(p,)) for p in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        saved = [p for p, said in outcome.items() if "CMOC saved." in said]
        refused = [p for p, said in outcome.items() if "after you opened it" in said]
        assert len(saved) == 1 and len(refused) == 1, outcome
        cmoc.refresh_from_db()
        assert cmoc.context == f"{saved[0]} {round_}" and cmoc.revision == opened + 1
