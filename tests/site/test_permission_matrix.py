"""Every route × every persona: who gets the page, who is refused, and that refusals change nothing.

The routes come from the URL configuration, so a view added without an entry in MATRIX fails
`test_every_route_has_a_matrix_entry`. Expectations are derived from the Action a view asks
`project_for` for (core.permissions.ALLOWED), not typed out per persona:

- a member whose role has the action: "ok" (2xx, or a redirect that is not to the sign-in page);
- a member whose role lacks it: "forbidden" (403);
- an outsider: "hidden" (404, so a project's existence is not revealed);
- anonymous: "login" (302 to the sign-in page with ?next=: LoginRequiredMiddleware answers before
  the view).

Per-object visibility narrows this further (stakeholders see only the theory versions and
documents shared with them), which a case states as an exception to the derived expectation.

One world (a project with one of each object) is built per module inside a transaction that is
rolled back at the end; every test runs in a savepoint inside it, so mutating requests cannot
leak into the next test.
"""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.urls import reverse

from retroduce.core.permissions import Action
from tests.site.permission_world import (
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    OK,
    PERSONAS,
    Case,
    build_world,
    case_id,
    finished,
    get,
    needs,
    nobody,
    outcome,
    post,
    revision,
    signed_in,
    state,
    upload,
    url_routes,
)
from tests.sources.ris_samples import POWER, ris_file

# Named routes deliberately left out of the matrix, with the reason. Nothing needs excluding
# today: static files are served by WhiteNoise middleware (no route), django.contrib.admin is not
# installed, and the two auth routes (login: our rate-limited subclass; logout: Django's view)
# are cheap to cover, so they are in MATRIX like every other route.
EXCLUDED: dict[str, str] = {}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):  # noqa: ANN001,ANN201
    """Built once, inside a transaction rolled back after the module; tests nest in savepoints."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


# The matrix ------------------------------------------------------------------------------------

VIEW_THEORY, VIEW_ALL = needs(Action.VIEW_THEORY), needs(Action.VIEW_ALL)
FEEDBACK, REVIEW, MANAGE = needs(Action.FEEDBACK), needs(Action.REVIEW), needs(Action.MANAGE)
# Theory objects of v2 and documents not shared: a stakeholder finds nothing there.
THEORY_UNSHARED = needs(Action.VIEW_THEORY, stakeholder=HIDDEN)
WHY = {"rationale": "Stakeholders asked for it"}  # v2 changes need a rationale


MATRIX: dict[str, tuple[Case, ...]] = {
    # Outside any project.
    "dashboard": (get(signed_in()),),
    "login": (get(dict.fromkeys(PERSONAS, OK)),),
    "logout": (post(signed_in(), changes=False),),
    "project_create": (post(signed_in(), data=lambda w: {"title": "Another review"}),),
    "project_restore": (post(signed_in(), changes=False),),  # no file: refused before anything
    "task_progress": (
        get(VIEW_THEORY, lambda w: {"task_id": "matrix-project-task"}, label="project"),
        get(
            signed_in(reviewer=HIDDEN, stakeholder=HIDDEN, viewer=HIDDEN, outsider=HIDDEN),
            lambda w: {"task_id": "matrix-own-task"},
            label="personal",
        ),
    ),
    # Project, protocol, members, history.
    "project": (get(VIEW_THEORY),),
    "protocol": (get(VIEW_ALL),),
    "protocol_version": (get(VIEW_ALL, lambda w: {"number": 1}),),
    "protocol_edit": (
        get(REVIEW),
        post(REVIEW, data=lambda w: {"title": "A sharper title", "summary": "Sharper"}),
    ),
    "change_log_add": (
        post(
            REVIEW,
            data=lambda w: {
                "what": "Dropped a database",
                "why": "No access",
                "decided_by": "Team",
                "decided_on": "2026-01-01",
            },
        ),
    ),
    "members": (get(VIEW_ALL),),
    "member_add": (post(MANAGE, data=lambda w: {"username": "newcomer", "role": "viewer"}),),
    "member_role": (
        post(MANAGE, lambda w: {"member_id": w.spare}, lambda w: {"role": "reviewer"}),
    ),
    "member_remove": (post(MANAGE, lambda w: {"member_id": w.spare}),),
    "history": (get(VIEW_ALL),),
    "history_csv": (get(VIEW_ALL),),
    "event_undo": (post(REVIEW, lambda w: {"event_id": w.undoable_event}),),
    "audit_start": (post(REVIEW),),
    # Theory.
    "theory": (get(VIEW_THEORY),),
    "theory_version": (
        get(VIEW_THEORY, lambda w: {"number": 1}, label="shared"),
        get(THEORY_UNSHARED, lambda w: {"number": 2}, label="unshared"),
    ),
    "feedback_add": (
        post(FEEDBACK, lambda w: {"number": 1}, lambda w: {"text": "More"}, label="shared"),
        post(
            needs(Action.FEEDBACK, stakeholder=HIDDEN),
            lambda w: {"number": 2},
            lambda w: {"text": "More"},
            label="unshared",
        ),
    ),
    "stakeholders": (get(VIEW_THEORY),),
    "stakeholder_event_add": (
        post(REVIEW, data=lambda w: {"held_on": "2026-01-01", "kind": "survey", "title": "Survey"}),
    ),
    "version_start": (post(REVIEW, data=lambda w: {"stage": "final"}),),
    "version_share": (post(MANAGE, lambda w: {"number": 2}, lambda w: {"shared": "1"}),),
    "component_add": (post(REVIEW, data=lambda w: {"name": "Boundaries", **WHY}),),
    "component": (
        get(VIEW_THEORY, lambda w: {"component_id": w.component_v1}, label="shared"),
        get(THEORY_UNSHARED, lambda w: {"component_id": w.component_v2}, label="unshared"),
        post(
            REVIEW,
            lambda w: {"component_id": w.component_v2},
            lambda w: {"name": "Working with power", "statement": "If leaders listen…", **WHY},
        ),
    ),
    "component_remove": (post(REVIEW, lambda w: {"component_id": w.component_v2}, lambda w: WHY),),
    "cmoc_new": (
        get(REVIEW, lambda w: {"component_id": w.component_v2}),
        post(
            REVIEW,
            lambda w: {"component_id": w.component_v2},
            lambda w: {"context": "C", "mechanism_resource": "M", "outcome": "O", **WHY},
        ),
    ),
    "cmoc": (
        get(VIEW_THEORY, lambda w: {"cmoc_id": w.cmoc_v1}, label="shared"),
        get(THEORY_UNSHARED, lambda w: {"cmoc_id": w.cmoc_v2}, label="unshared"),
    ),
    "cmoc_edit": (
        post(
            REVIEW,
            lambda w: {"cmoc_id": w.cmoc_v2},
            lambda w: {
                "action": "chain",
                "leads_to": [w.other_cmoc_v2],
                **revision("theory.CMOC", w.cmoc_v2),
            },
        ),
    ),
    # Asked for v1 against v2, a stakeholder (who sees only v1) gets "nothing to compare yet".
    "theory_compare": (get(VIEW_THEORY), get(VIEW_THEORY, query="a=1&b=2", label="both")),
    "theory_diagram": (get(VIEW_THEORY),),
    "theory_diagram_file": (
        get(VIEW_THEORY, lambda w: {"fmt": "svg"}),
        get(THEORY_UNSHARED, lambda w: {"fmt": "svg"}, query="v=2", label="unshared"),
    ),
    "theory_query": (get(VIEW_THEORY),),
    "saturation": (get(VIEW_THEORY),),
    "reread": (get(VIEW_ALL),),
    "reread_mark": (
        post(REVIEW, lambda w: {"change_id": w.change}, lambda w: {"document": w.document}),
    ),
    "substantive": (get(VIEW_ALL), post(REVIEW, data=lambda w: {"name": "Boundary spanning"})),
    "substantive_link": (
        post(
            REVIEW,
            lambda w: {"theory_id": w.substantive},
            lambda w: {"cmoc": w.cmoc_v2, "relation": "explains"},
        ),
    ),
    "feedback_answer": (
        post(
            REVIEW,
            lambda w: {"feedback_id": w.feedback},
            lambda w: {"no_change_reason": "Out of scope"},
        ),
    ),
    # Sources.
    "sources": (get(VIEW_ALL),),
    "episode_new": (
        get(REVIEW),
        post(REVIEW, data=lambda w: {"purpose": "theory", "source": "Google Scholar"}),
    ),
    "episode_edit": (
        get(REVIEW, lambda w: {"number": w.episode}),
        post(
            REVIEW,
            lambda w: {"number": w.episode},
            lambda w: {"purpose": "evidence", "source": "MEDLINE (Ovid)"},
        ),
    ),
    "import_upload": (post(REVIEW, data=upload("x.ris", ris_file(POWER))),),
    "records": (get(VIEW_ALL),),
    "record": (get(VIEW_ALL, lambda w: {"record_id": w.record}),),
    "duplicates": (get(VIEW_ALL),),
    "decide_pair": (post(REVIEW, lambda w: {"pair_id": w.pair}, lambda w: {"decision": "keep"}),),
    # Screening.
    "screening": (get(VIEW_ALL),),
    "reason_add": (post(REVIEW, data=lambda w: {"label": "Wrong country"}),),
    "reason_retire": (post(REVIEW, lambda w: {"reason_id": w.reason}),),
    "keyword_add": (post(REVIEW, data=lambda w: {"kind": "exclude", "term": "rat"}),),
    "keyword_remove": (post(REVIEW, lambda w: {"keyword_id": w.keyword}),),
    "screen": (
        get(VIEW_ALL, lambda w: {"stage": "ta"}),
        post(
            REVIEW,
            lambda w: {"stage": "ta"},
            lambda w: {"record": w.fresh_record, "vote": "include"},
        ),
    ),
    "screen_undo": (post(REVIEW, lambda w: {"stage": "ta"}),),  # owner and reviewer both voted
    "my_decisions": (get(VIEW_ALL, lambda w: {"stage": "ta"}),),
    "conflicts": (get(VIEW_ALL, lambda w: {"stage": "ta"}),),
    "resolve": (
        # Reviewing is not enough: only an owner (or the stage's adjudicator) resolves.
        post(
            needs(Action.REVIEW, reviewer=FORBIDDEN),
            lambda w: {"stage": "ta", "record_id": w.record},
            lambda w: {"outcome": "include"},
        ),
    ),
    "stage_settings": (post(MANAGE, lambda w: {"stage": "ta"}, lambda w: {"votes_required": 1}),),
    "screening_export": (get(VIEW_ALL, lambda w: {"stage": "ta", "kind": "csv"}),),
    # Documents and coding.
    "documents": (get(VIEW_THEORY),),
    "attach": (post(REVIEW, data=upload("new.txt", b"New notes.\n")),),
    "document": (
        get(VIEW_THEORY, lambda w: {"document_id": w.shared_document}, label="shared"),
        get(THEORY_UNSHARED, lambda w: {"document_id": w.document}, label="unshared"),
    ),
    "document_file": (
        get(VIEW_THEORY, lambda w: {"document_id": w.shared_document}, label="shared"),
        get(THEORY_UNSHARED, lambda w: {"document_id": w.document}, label="unshared"),
    ),
    "document_edit": (
        post(
            REVIEW,
            lambda w: {"document_id": w.document},
            lambda w: {"title": "Renamed", "kind": "policy"},
        ),
    ),
    "document_reextract": (post(REVIEW, lambda w: {"document_id": w.document}),),
    "document_share": (
        post(MANAGE, lambda w: {"document_id": w.document}, lambda w: {"shared": "1"}),
    ),
    "document_check_coder": (
        post(
            MANAGE,
            lambda w: {"document_id": w.document},
            lambda w: {"coder": w.team.users["reviewer"].pk},
        ),
    ),
    "fragment_create": (
        post(
            REVIEW,
            lambda w: {"document_id": w.document},
            lambda w: {"start": 12, "end": 20, "codes": [w.context_code]},
            json=True,
        ),
    ),
    "appraise": (
        post(
            REVIEW,
            lambda w: {"document_id": w.document},
            lambda w: {"relevance": "high", "rigour": "low", "richness": "high"},
        ),
    ),
    "fragment_uncode": (
        post(
            REVIEW,
            lambda w: {"fragment_id": w.fragment},
            lambda w: {"code": w.code, **revision("coding.Fragment", w.fragment)},
        ),
    ),
    "fragment_delete": (
        post(
            REVIEW,
            lambda w: {"fragment_id": w.fragment},
            lambda w: revision("coding.Fragment", w.fragment),
        ),
    ),
    "agreement": (get(REVIEW, lambda w: {"document_id": w.document}),),
    "codebook": (get(VIEW_ALL),),
    "code_create": (post(REVIEW, data=lambda w: {"name": "Budgets", "parent": w.context_code}),),
    "code": (get(VIEW_ALL, lambda w: {"code_id": w.code}),),
    "code_edit": (
        post(
            REVIEW,
            lambda w: {"code_id": w.code},
            lambda w: {"action": "merge", "into": w.other_code, **revision("coding.Code", w.code)},
        ),
    ),
    "code_export": (get(VIEW_ALL, lambda w: {"code_id": w.code, "fmt": "csv"}),),
    "suggestions": (get(REVIEW, lambda w: {"code_id": w.code}),),
    "decide_suggestion": (
        post(
            REVIEW,
            lambda w: {"code_id": w.code},
            lambda w: {"document": w.document, "start": 12, "end": 20, "verdict": "reject"},
        ),
    ),
    "matrix": (get(VIEW_ALL),),
    "matrix_export": (get(VIEW_ALL, lambda w: {"fmt": "csv"}),),
    "cooccurrence": (get(VIEW_ALL),),
    "cooccurrence_export": (get(VIEW_ALL, lambda w: {"fmt": "csv"}),),
    "memos": (get(VIEW_ALL),),
    "memo_create": (post(REVIEW, data=lambda w: {"title": "New memo", "kind": "analytic"}),),
    "memo_update": (
        post(
            REVIEW,
            lambda w: {"memo_id": w.memo},
            lambda w: {
                "title": "Memo",
                "text": "changed",
                "kind": "analytic",
                **revision("coding.Memo", w.memo),
            },
        ),
    ),
    # Exchange.
    "exchange": (get(VIEW_ALL),),
    "exchange_import": (post(REVIEW, changes=False),),  # no file: refused before anything
    "exchange_download": (
        get(VIEW_ALL, lambda w: {"fmt": "ris"}, label="ris"),
        # The archive holds every vote, blind or not, and the team's e-mail addresses.
        get(MANAGE, lambda w: {"fmt": "zip"}, label="zip"),
    ),
    # Reports.
    "reports": (get(VIEW_ALL),),
    "report_download": (get(VIEW_ALL, lambda w: {"fmt": "html"}),),
    "report_table": (get(VIEW_ALL, lambda w: {"name": "search-log", "fmt": "csv"}),),
    "flow_file": (get(VIEW_ALL, lambda w: {"fmt": "svg"}),),
    "quality": (get(VIEW_ALL), post(REVIEW, data=lambda w: {"domain": 1, "level": "good"})),
    "report_prepare": (post(VIEW_ALL, lambda w: {"fmt": "html"}),),
    "report_file": (get(VIEW_ALL, lambda w: {"report_id": w.report}),),
    # The catch-all for sections not built yet: none is planned now, so it is 404 for everyone.
    "planned_section": (get(nobody(), lambda w: {"section": "nothing-planned"}),),
}


def test_every_route_has_a_matrix_entry():
    named, unnamed = url_routes()
    routes = set(named) - set(EXCLUDED)
    missing = sorted(routes - set(MATRIX))
    stale = sorted(set(MATRIX) - routes)
    stale_exclusions = sorted(set(EXCLUDED) - set(named))
    assert not unnamed, f"Routes without a name cannot be in the permission matrix: {unnamed}"
    assert not missing, f"Routes with no entry in MATRIX (add who may use them): {missing}"
    assert not stale, f"MATRIX names routes that no longer exist: {stale}"
    assert not stale_exclusions, f"EXCLUDED names routes that no longer exist: {stale_exclusions}"
    assert all(MATRIX.values()), "Every MATRIX entry needs at least one case"


def test_every_case_states_every_persona():
    for name, cases in MATRIX.items():
        for case in cases:
            assert set(case.expect) == set(PERSONAS), name
            assert set(case.expect.values()) <= {OK, FORBIDDEN, HIDDEN, LOGIN}, name


CASES = [
    pytest.param(name, index, persona, id=case_id(name, case, persona))
    for name, cases in MATRIX.items()
    for index, case in enumerate(cases)
    for persona in PERSONAS
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "index", "persona"), CASES)
def test_permission_matrix(world, name, index, persona):
    case = MATRIX[name][index]
    named, _ = url_routes()
    kwargs = case.kwargs(world)
    if "slug" in named[name].pattern.converters:
        kwargs = {"slug": world.slug, **kwargs}
    url = reverse(name, kwargs=kwargs) + (f"?{case.query}" if case.query else "")
    client = world.client(persona)
    expected = case.expect[persona]
    if case.method == "get":
        response = finished(client.get(url))
        assert outcome(response) == expected, f"GET {url} as {persona}"
        return
    check = expected != OK or case.changes
    before = state() if check else None
    data = case.data(world)
    if case.json:
        response = finished(client.post(url, json.dumps(data), content_type="application/json"))
    else:
        response = finished(client.post(url, data))
    assert outcome(response) == expected, f"POST {url} as {persona}"
    if not check:
        return
    after = state()
    if expected != OK:
        assert after == before, f"POST {url} refused to {persona} but changed the data"
    elif case.changes:
        assert after != before, f"POST {url} as {persona} changed nothing: is the payload valid?"
