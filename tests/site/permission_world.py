"""The world, expectations and request helpers of the permission matrix (test_permission_matrix).

Kept apart so that the test module holds little more than MATRIX, the table a new view adds to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from retroduce.core.permissions import Action, can
from tests.conftest import PASSWORD, Team
from tests.sources.ris_samples import ris_file, ris_record

OK, FORBIDDEN, HIDDEN, LOGIN = "ok", "forbidden", "hidden", "login"
ROLES = ("owner", "reviewer", "stakeholder", "viewer")
PERSONAS = (*ROLES, "outsider", "anonymous")


# Expectations ----------------------------------------------------------------------------------


def needs(action: Action, **exceptions: str) -> dict[str, str]:
    """The outcome per persona of a project view that calls project_for(request, slug, action)."""
    expect = {role: OK if can(role, action) else FORBIDDEN for role in ROLES}
    expect.update(outsider=HIDDEN, anonymous=LOGIN)
    expect.update(exceptions)
    return expect


def signed_in(**exceptions: str) -> dict[str, str]:
    """A view outside any project: every signed-in user, members or not."""
    expect = {persona: OK for persona in PERSONAS}
    expect["anonymous"] = LOGIN
    expect.update(exceptions)
    return expect


def nobody() -> dict[str, str]:
    """A route that answers 404 to every signed-in user."""
    return signed_in(**dict.fromkeys((*ROLES, "outsider"), HIDDEN))


@dataclass(frozen=True)
class Case:
    expect: dict[str, str]
    kwargs: Callable[[World], dict] = lambda w: {}
    method: str = "get"
    data: Callable[[World], dict] = lambda w: {}
    json: bool = False
    query: str = ""
    # For a POST: whether the payload, when allowed, changes something. It proves the payload is
    # valid, so that "a refused persona changed nothing" is not true merely because it was invalid.
    changes: bool = False
    label: str = ""


def get(expect: dict[str, str], kwargs=None, *, query: str = "", label: str = "") -> Case:  # noqa: ANN001
    return Case(expect, kwargs or (lambda w: {}), query=query, label=label)


def post(
    expect: dict[str, str],
    kwargs=None,  # noqa: ANN001
    data=None,  # noqa: ANN001
    *,
    changes: bool = True,
    json: bool = False,
    label: str = "",
) -> Case:
    return Case(
        expect,
        kwargs or (lambda w: {}),
        method="post",
        data=data or (lambda w: {}),
        json=json,
        changes=changes,
        label=label,
    )


# The world -------------------------------------------------------------------------------------


@dataclass
class World:
    team: Team
    ids: dict[str, int] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.team.project.slug

    def client(self, persona: str) -> Client:
        """Signed in with a session made once with the world (faster than force_login per test)."""
        client = Client()
        if persona != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[persona]
        return client

    def __getattr__(self, name: str) -> int:
        try:
            return self.__dict__["ids"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    from retroduce.coding import codebook
    from retroduce.coding.services import code_passage, delete_fragment, write_memo
    from retroduce.core import services as core
    from retroduce.core.models import Event, Membership, TaskProgress
    from retroduce.documents import services as documents
    from retroduce.reports.models import ReportFile
    from retroduce.screening import services as screening
    from retroduce.sources import episodes
    from retroduce.sources.importing import run_import, store_upload
    from retroduce.sources.models import DuplicatePair, Record
    from retroduce.theory import cmocs
    from retroduce.theory import services as theory
    from retroduce.theory.changes import Why
    from retroduce.theory.models import CMOC, Component, Feedback, SubstantiveTheory
    from retroduce.theory.sharing import share_version

    User = get_user_model()  # noqa: N806
    users = {
        name: User.objects.create_user(username=name, password=PASSWORD)
        for name in (*ROLES, "outsider", "spare", "newcomer")
    }
    owner = users["owner"]
    project = core.create_project(owner, "Leadership in integrated care", slug="icl")
    for role in ROLES[1:]:
        core.add_member(project, owner, role, role)
    core.add_member(project, owner, "spare", "viewer")
    team = Team(project=project, users=users)
    ids: dict[str, int] = {
        "spare": Membership.objects.get(project=project, user=users["spare"]).pk,
    }
    core.save_protocol(project, owner, {"title": "Leadership in integrated care"}, "first")

    # Sources: an episode, four records, one duplicate pair.
    ids["episode"] = episodes.create_episode(
        project, owner, purpose="evidence", source="MEDLINE"
    ).number
    titles = [
        "Leadership of integrated care teams",
        "Trust between nurses and social workers",
        "Funding pooled budgets in England",
        "Dental caries in children",
    ]
    data = ris_file(
        *[ris_record(t, [f"Author{n}, A"], str(2000 + n), "J") for n, t in enumerate(titles)]
    )
    run_import(store_upload(project, owner, "four.ris", data), owner)
    conflicted, fresh, a, b = (Record.objects.get(project=project, title=t) for t in titles)
    ids["record"], ids["fresh_record"] = conflicted.pk, fresh.pk
    ids["pair"] = DuplicatePair.objects.create(
        project=project, a=a, b=b, score=0.7, reasons=["test"]
    ).pk

    # Screening: two blind votes that disagree (a conflict), a reason, a keyword.
    screening.update_settings(project, owner, "ta", votes_required=2, blind=True, adjudicator=None)
    screening.cast_vote(project, owner, conflicted, "ta", "include")
    screening.cast_vote(project, users["reviewer"], conflicted, "ta", "exclude")
    ids["reason"] = screening.reasons(project)[0].pk
    ids["keyword"] = screening.add_keyword(project, owner, "include", "leadership").pk

    # Documents: one kept from stakeholders, one shared with them; a code, a fragment, a memo.
    def ready(name: str, text: bytes):  # noqa: ANN202
        document = documents.attach_document(project, owner, name, text)
        outcome = documents.run_extraction(document, owner)
        assert outcome.ok, outcome.summary
        return outcome.document

    document = ready("notes.txt", b"Leaders who listen build trust.\n\nBudgets were pooled.\n")
    shared = ready("shared.txt", b"Stakeholders said resilience matters.\n")
    documents.set_sharing(shared, owner, True)
    ids["document"], ids["shared_document"] = document.pk, shared.pk
    codebook.ensure_codebook(project)
    context = codebook.live_codes(project).get(name="Context")
    code = codebook.create_code(project, owner, "Trust", parent=context)
    other = codebook.create_code(project, owner, "Trusting", parent=context)
    ids["context_code"], ids["code"], ids["other_code"] = context.pk, code.pk, other.pk
    ids["fragment"] = code_passage(document, owner, 0, 10, [context.pk, code.pk]).pk
    ids["memo"] = write_memo(project, owner, "Memo", "text").pk
    # A deleted passage: its event is one the History page offers to undo.
    delete_fragment(code_passage(document, owner, 32, 40, [context.pk]), owner)
    ids["undoable_event"] = Event.objects.get(object_type="fragment", verb="deleted").pk

    # Theory: v1 (frozen, shared with stakeholders) and v2 (current, not shared), a recorded
    # change in v2, feedback on v1, a substantive theory.
    v1 = theory.start_version(project, owner, "initial")
    component = theory.add_component(v1, owner, name="Working with power")
    cmoc = cmocs.create_cmoc(
        component, owner, context="Hierarchies", mechanism_resource="voice", outcome="sharing"
    )
    cmocs.create_cmoc(
        component, owner, context="Sharing", mechanism_resource="trust", outcome="joint plans"
    )
    ids["feedback"] = Feedback.objects.create(
        theory_version=v1, author=users["stakeholder"], text="Add patients."
    ).pk
    v2 = theory.start_version(project, owner, "refined")
    added = theory.add_component(v2, owner, name="Resilience", why=Why("Stakeholders"))
    ids["change"] = v2.changes.get().pk
    share_version(v1, owner, True)
    ids["component_v1"], ids["cmoc_v1"] = component.pk, cmoc.pk
    ids["component_v2"] = Component.objects.get(version=v2, lineage=component.lineage).pk
    ids["cmoc_v2"], ids["other_cmoc_v2"] = CMOC.objects.filter(
        component_id=ids["component_v2"]
    ).values_list("pk", flat=True)
    assert added.pk != ids["component_v2"]
    ids["substantive"] = SubstantiveTheory.objects.create(
        project=project, name="Social exchange"
    ).pk

    # A written report, and two progress rows: one of the project, one of the owner alone.
    stored = "reports/matrix-report.html"
    path = Path(settings.MEDIA_ROOT) / stored
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("<p>report</p>")
    ids["report"] = ReportFile.objects.create(
        project=project, fmt="html", status=ReportFile.Status.DONE, stored_file=stored
    ).pk
    TaskProgress.objects.create(
        task_id="matrix-project-task", project=project, label="Writing", started_by=owner
    )
    TaskProgress.objects.create(task_id="matrix-own-task", label="Restoring", started_by=owner)
    sessions = {
        persona: team.client(persona).cookies[settings.SESSION_COOKIE_NAME].value
        for persona in (*ROLES, "outsider")
    }
    return World(team=team, ids=ids, sessions=sessions)


# Payloads ----------------------------------------------------------------------------------------


def upload(name: str, data: bytes) -> Callable[[World], dict]:
    return lambda w: {"files": SimpleUploadedFile(name, data)}


def revision(label: str, pk: int) -> dict:
    """The revision an edit form carries (optimistic locking), for models that have one."""
    model = apps.get_model(label)
    if not any(f.name == "revision" for f in model._meta.get_fields()):
        return {}
    return {"revision": model._base_manager.values_list("revision", flat=True).get(pk=pk)}


# The URL configuration -------------------------------------------------------------------------


@cache
def url_routes() -> tuple[dict[str, URLPattern], list[str]]:
    """Every named route (namespaced as reverse() spells it) and every unnamed one."""
    named: dict[str, URLPattern] = {}
    unnamed: list[str] = []

    def walk(patterns, prefix: str, namespace: str) -> None:  # noqa: ANN001
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                if entry.name:
                    named[namespace + entry.name] = entry
                else:
                    unnamed.append(prefix + str(entry.pattern))

    walk(get_resolver().url_patterns, "", "")
    return named, unnamed


# The requests ----------------------------------------------------------------------------------


def state() -> list:
    """Every stored row except sessions: a refused request must leave all of it as it was.

    Plain SQL per table (many-to-many tables included): the ORM's query building would be most
    of this module's run time.
    """
    skip = {"sessions", "contenttypes"}
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label not in skip
        }
    )
    snapshot = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = [
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in cursor.fetchall()
            ]
            snapshot.append((table, sorted(rows, key=repr)))
    return snapshot


def outcome(response) -> str:  # noqa: ANN001
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        # Sent to sign in and come back (?next=): not signing out, which also lands on /login/.
        path, _, query = response["Location"].partition("?")
        return LOGIN if path == reverse("login") and query.startswith("next=") else OK
    if 200 <= status < 300:
        return OK
    return {403: FORBIDDEN, 404: HIDDEN}.get(status, f"status {status}")


def finished(response):  # noqa: ANN001,ANN201
    """Read a download to its end, so the test client closes its file the way it closes pages.

    Not response.close(): outside the client that fires request_finished, whose handler closes
    the database connection it finds inside a transaction (this module's world) on PostgreSQL.
    """
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def case_id(name: str, case: Case, persona: str) -> str:
    return "-".join(filter(None, (name, case.method.upper(), case.label, persona)))
