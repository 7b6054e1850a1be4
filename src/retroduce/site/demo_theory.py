"""The demo's refined theory (v2): provenance, a few illustrative CMOCs with evidence, a chain.

The abstract names the components and says seven have empirical evidence, but gives no
configurations. The CMOCs below are invented to show the workbench and begin with
"Illustrative:"; their evidence is the demo's own two short texts.
"""

from __future__ import annotations

from retroduce.coding.models import Fragment
from retroduce.core.models import Project
from retroduce.theory import cmocs as cmoc_services
from retroduce.theory import services as theory
from retroduce.theory.changes import Why
from retroduce.theory.models import Feedback, Provenance, TheoryVersion

STAKEHOLDER_ONLY = "Fostering resilience"
EVIDENCE_NOT_LOADED = (
    "Illustrative demo: the review found empirical evidence for this component in its 36 "
    "included papers, which are not loaded in the demo."
)

# (component, parts, quotes of demo fragments linked as supporting evidence)
CMOCS = [
    (
        "Working with power",
        {
            "context": "Illustrative: integrated teams where hierarchies between health and "
            "social care persist",
            "mechanism_resource": "leaders use their power and influence to give each profession "
            "a voice",
            "mechanism_response": "social care staff feel their expertise counts",
            "outcome": "decisions are shared across professions",
            "actor": "team leader",
        },
        [
            "the hierarchies between health and social care which complicate the leading of "
            "integrated teams and systems",
            "the way in which power and influence are used by integrated service leaders",
        ],
    ),
    (
        "Creating the conditions to work together",
        {
            "context": "Illustrative: social workers and district nurses who plan their visits "
            "separately",
            "mechanism_resource": "the leader sets up a regular joint planning meeting",
            "mechanism_response": "staff come to know and trust one another",
            "outcome": "visits are planned together",
            "actor": "team leader",
        },
        [
            "she set up a weekly meeting where social workers and district nurses planned "
            "visits together"
        ],
    ),
    (
        "Fostering resilience",
        {
            "context": "Illustrative: a team exhausted after a hard winter",
            "mechanism_resource": "the leader arranges cover so people can take leave",
            "mechanism_response": "staff feel looked after",
            "outcome": "the team keeps going",
            "actor": "team leader",
        },
        [
            "the team leader arranged cover so people could take leave, and that this kept the team going"
        ],
    ),
    (
        "Inspiring intent to work together",
        {
            "context": "Illustrative: staff from organisations with no shared history of working "
            "together",
            "mechanism_resource": "the leader sets out a purpose both organisations share",
            "mechanism_response": "staff want to work together",
            "outcome": "joint working begins",
            "actor": "system leader",
        },
        [],
    ),
]


def load_demo_refinement(project: Project, owner, reviewer, feedback: Feedback) -> TheoryVersion:  # noqa: ANN001
    v2 = theory.start_version(
        project,
        owner,
        TheoryVersion.Stage.REFINED,
        "Refined after synthesising 36 included papers: seven components have empirical evidence; "
        "'fostering resilience' rests on stakeholder judgement alone.",
    )
    for component in v2.components.all():
        if component.name == STAKEHOLDER_ONLY:
            theory.update_component(
                component,
                owner,
                Why(
                    "Kept although no empirical evidence was found, because stakeholders "
                    "considered it important (illustrative wording).",
                    feedback=[feedback.pk],
                ),
                statement="If leaders support the long-term resilience of their teams, then "
                "integrated working lasts, because staff can keep going through hard periods "
                "(illustrative statement).",
            )
        elif component.provenance != Provenance.EMPIRICAL:
            theory.update_component(
                component,
                owner,
                Why(EVIDENCE_NOT_LOADED),
                provenance_override=Provenance.EMPIRICAL,
                override_reason=EVIDENCE_NOT_LOADED,
            )
    made = {}
    for name, parts, quotes in CMOCS:
        component = v2.components.get(name=name)
        cmoc = cmoc_services.create_cmoc(
            component, reviewer, Why("Illustrative demo configuration."), **parts
        )
        fragments = [Fragment.objects.get(document__project=project, quote=q).pk for q in quotes]
        if fragments:
            cmoc_services.link_evidence(cmoc, reviewer, fragments, note="Illustrative link.")
        made[name] = cmoc
    # Joint working that has begun is the context in which conditions for it are created.
    cmoc_services.set_chain(
        made["Inspiring intent to work together"],
        reviewer,
        [made["Creating the conditions to work together"]],
    )
    return v2
