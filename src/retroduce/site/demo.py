"""The demo review: the structure of Harris et al. (2022), loaded through the ordinary domain functions.

Source: the published abstract of the NIHR report 10.3310/WPNG1013 (see shared/seed). Only what the
abstract states is used as content. Where the demo needs something the abstract does not say (dates,
participant numbers, the wording of a change-log entry), the text says it is illustrative.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from retroduce.core import services
from retroduce.core.models import Project, Role
from retroduce.theory import services as theory
from retroduce.theory.models import Provenance, TheoryVersion

DEMO_SLUG = "integrated-care-leadership"
DEMO_PASSWORD = "retroduce-demo"
DEMO_USERS = {
    "demo-owner": Role.OWNER,
    "demo-reviewer": Role.REVIEWER,
    "demo-stakeholder": Role.STAKEHOLDER,
    "demo-viewer": Role.VIEWER,
}

TITLE = (
    "Developing programme theories of leadership for integrated health and social care teams "
    "and systems: a realist synthesis"
)
PROTOCOL = {
    "title": TITLE,
    "question": (
        "What works, for whom and in what circumstances in the leadership of integrated health "
        "and social care teams and systems?"
    ),
    "objectives_focus": (
        "Develop and refine programme theories of leadership of integrated health and social care "
        "teams and systems, exploring what works, for whom and in what circumstances."
    ),
    "rationale": (
        "As the organisation of health and social care in England moves towards greater integration, "
        "the resulting systems and teams will require distinctive leadership. Little is known about "
        "how effective leadership of these teams and systems can be supported and improved, how it "
        "may be enacted, the contexts in which this might take place and the implications for "
        "integrated care."
    ),
    "why_realist": (
        "The question asks what works, for whom and in what circumstances: a realist synthesis, "
        "informed by the RAMESES publication standards and complemented by ongoing stakeholder "
        "consultation, explains how leadership works in context rather than whether it works on "
        "average."
    ),
    "funding_coi": (
        "Funded by the National Institute for Health Research (NIHR), report 10.3310/WPNG1013. "
        "Conflicts of interest: not stated in the abstract; record them from the full report."
    ),
    "team": ("Ruth Harris, Simon Fletcher, Sarah Sims, Fiona Ross, Sally Brearley, Jill Manthorpe"),
}

# The eight components named in the abstract, each described in plain words without findings.
COMPONENTS = [
    (
        "Inspiring intent to work together",
        "How leaders encourage people from different professions and organisations to want to work "
        "together towards shared aims.",
    ),
    (
        "Creating the conditions to work together",
        "How leaders put in place the structures, resources and relationships that make joint working "
        "possible.",
    ),
    (
        "Balancing multiple perspectives",
        "How leaders hold together the views and priorities of the different professions, "
        "organisations and people involved in integrated care.",
    ),
    (
        "Working with power",
        "How leaders use power and influence, including across the hierarchies between health and "
        "social care.",
    ),
    (
        "Taking a wider view",
        "How leaders look beyond their own team or organisation to the wider system they are part of.",
    ),
    (
        "A commitment to learning and development",
        "How leaders support their own and others' learning and development for integrated working.",
    ),
    (
        "Clarifying complexity",
        "How leaders help teams make sense of complex arrangements, roles and responsibilities.",
    ),
    (
        "Fostering resilience",
        "How leaders support the resilience of teams and individuals over the long term. Stakeholders "
        "considered this potentially important; no empirical evidence was found for it.",
    ),
]
STAKEHOLDER_ONLY = "Fostering resilience"


def ensure_demo_users() -> dict[str, object]:
    User = get_user_model()
    users = {}
    for username in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.create_user(username, DEMO_PASSWORD)
        users[username] = user
    return users


@transaction.atomic
def load_demo() -> tuple[Project, bool]:
    """Load the demo project once. Returns the project and whether it was created now."""
    existing = Project.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return existing, False
    users = ensure_demo_users()
    owner = users["demo-owner"]
    project = services.create_project(owner, TITLE, slug=DEMO_SLUG)
    for username, role in DEMO_USERS.items():
        if role != Role.OWNER:
            services.add_member(project, owner, username, role)
    services.save_protocol(project, owner, PROTOCOL, "Protocol written from the published abstract")
    services.add_change_log_entry(
        project,
        owner,
        what="Stakeholder consultation runs throughout the review, not only at the start.",
        why=(
            "Illustrative demo entry. The published abstract reports consultation with key "
            "stakeholders 'throughout the process' to keep the review grounded in health and "
            "social care delivery; the team's recorded reasons are in the full report."
        ),
        decided_by="Review team",
        decided_on=dt.date(2020, 1, 15),
    )

    v1 = theory.start_version(
        project,
        owner,
        TheoryVersion.Stage.INITIAL,
        "Initial programme theory: the eight candidate components, before the evidence was synthesised.",
    )
    for name, description in COMPONENTS:
        theory.add_component(
            v1, owner, name=name, description=description, provenance=Provenance.TEAM_INFERENCE
        )
    theory.record_stakeholder_event(
        project,
        owner,
        held_on=dt.date(2020, 3, 10),
        kind="workshop",
        title="Stakeholder workshop on the initial programme theory",
        participants={"practitioner": 1, "manager": 1, "patient_public": 1},
        theory_version=v1,
        summary="Illustrative demo event: date and participant numbers are placeholders, not from the report.",
    )
    from retroduce.site.demo_coding import load_demo_coding
    from retroduce.site.demo_theory import load_demo_refinement

    feedback = theory.leave_feedback(
        v1,
        users["demo-stakeholder"],
        "Illustrative feedback item, paraphrasing the abstract: fostering resilience may be an "
        "important, long-term part of leadership even if the papers do not show it.",
        v1.components.get(name=STAKEHOLDER_ONLY),
    )
    load_demo_coding(project, owner, users["demo-reviewer"])
    v2 = load_demo_refinement(project, owner, users["demo-reviewer"], feedback)
    theory.record_stakeholder_event(
        project,
        owner,
        held_on=dt.date(2021, 2, 9),
        kind="meeting",
        title="Stakeholder meeting on the refined programme theory",
        participants={"practitioner": 1, "commissioner": 1, "patient_public": 1},
        theory_version=v2,
        summary=(
            "Illustrative demo event: date and participant numbers are placeholders. Stakeholders "
            "felt 'fostering resilience' was potentially important and that a focus on leader "
            "personality was not sufficient."
        ),
    )
    return project, True
