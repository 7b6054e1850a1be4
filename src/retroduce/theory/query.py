"""What works, for whom, in what circumstances: CMOCs filtered by their parts and evidence.

The same query serves the Query page and `retroduce query … --json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from retroduce.core.models import Project
from retroduce.theory.cmocs import Strength, strength
from retroduce.theory.models import CMOC, EvidenceLink, TheoryVersion


@dataclass
class Criteria:
    context: str = ""
    mechanism: str = ""
    outcome: str = ""
    actor: str = ""
    component: str = ""  # a component's name (or part of it)
    code: str = ""  # a code name carried by the CMOC's evidence fragments
    min_strength: int = 0
    version: int | None = None  # default: the latest version


@dataclass
class Answer:
    cmoc: CMOC
    strength: Strength
    evidence: list[EvidenceLink] = field(default_factory=list)

    def as_dict(self) -> dict:
        c = self.cmoc
        return {
            "id": str(c.uuid),
            "component": c.component.name,
            "component_provenance": c.component.provenance,
            "context": c.context,
            "mechanism_resource": c.mechanism_resource,
            "mechanism_response": c.mechanism_response,
            "outcome": c.outcome,
            "intervention": c.intervention,
            "actor": c.actor,
            "strength": {
                "level": self.strength.level,
                "documents": self.strength.documents,
                "refuting": self.strength.refutes,
                "stakeholder_only": self.strength.stakeholder_only,
                "rigour": self.strength.rigour,
            },
            "evidence": [
                {
                    "relation": link.relation,
                    "quote": link.fragment.quote,
                    "document": link.fragment.document.title,
                    "page": link.fragment.page,
                    "note": link.note,
                }
                for link in self.evidence
            ],
        }


def _words(value: str) -> list[str]:
    return [w for w in value.split() if w]


def answer(project: Project, criteria: Criteria) -> tuple[TheoryVersion | None, list[Answer]]:
    versions = TheoryVersion.objects.filter(project=project)
    version = (
        versions.filter(number=criteria.version).first()
        if criteria.version
        else versions.order_by("-number").first()
    )
    if version is None:
        return None, []
    rows = CMOC.objects.filter(component__version=version).select_related("component")
    # Every word must occur (in any order): "trust nurses" finds "nurses came to trust".
    for word in _words(criteria.context):
        rows = rows.filter(context__icontains=word)
    for word in _words(criteria.mechanism):
        rows = rows.filter(
            Q(mechanism_resource__icontains=word) | Q(mechanism_response__icontains=word)
        )
    for word in _words(criteria.outcome):
        rows = rows.filter(outcome__icontains=word)
    for word in _words(criteria.actor):
        rows = rows.filter(actor__icontains=word)
    if criteria.component:
        rows = rows.filter(component__name__icontains=criteria.component.strip())
    if criteria.code:
        rows = rows.filter(
            evidence__fragment__codes__name__icontains=criteria.code.strip()
        ).distinct()
    answers = []
    for cmoc in rows.order_by("component__position", "position", "id"):
        weight = strength(cmoc)
        if weight.level < criteria.min_strength:
            continue
        evidence = list(
            cmoc.evidence.select_related("fragment__document").order_by(
                "fragment__document__title", "fragment__start"
            )
        )
        answers.append(Answer(cmoc, weight, evidence))
    return version, answers
