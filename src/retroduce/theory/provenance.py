"""Where each component's support comes from, computed from what is linked to it.

- empirical: a fragment from the literature (any document that is not stakeholder material) is
  linked to one of its CMOCs, or coded with the component's own code;
- stakeholder: otherwise, stakeholder material supports it: feedback on it, or fragments of
  stakeholder workshop notes linked or coded to it;
- substantive theory: otherwise, a middle-range theory explains one of its CMOCs;
- team inference: nothing above; the team reasoned it.
An owner may override the computed value with a reason; the effective value is stored on the
component so that every page and report reads the same thing. Frozen versions keep theirs.
"""

from __future__ import annotations

from retroduce.core.models import Project
from retroduce.theory.models import (
    Component,
    EvidenceLink,
    Feedback,
    Provenance,
    SubstantiveLink,
    TheoryVersion,
)

# Kinds of document that record stakeholders' views rather than published evidence.
STAKEHOLDER_DOCUMENT_KINDS = frozenset({"workshop_notes"})


def _fragment_kinds(component: Component) -> set[str]:
    """Document kinds of every fragment linked to the component's CMOCs or coded with its code."""
    from retroduce.coding.models import Code, FragmentCode

    kinds = set(
        EvidenceLink.objects.filter(cmoc__component=component).values_list(
            "fragment__document__kind", flat=True
        )
    )
    codes = Code.objects.filter(
        project=component.version.project, component_lineage=component.lineage
    )
    kinds |= set(
        FragmentCode.objects.filter(code__in=codes).values_list(
            "fragment__document__kind", flat=True
        )
    )
    return kinds


def computed_provenance(component: Component) -> str:
    kinds = _fragment_kinds(component)
    if kinds - STAKEHOLDER_DOCUMENT_KINDS:
        return Provenance.EMPIRICAL
    has_feedback = Feedback.objects.filter(
        component__lineage=component.lineage, theory_version__project=component.version.project
    ).exists()
    if kinds & STAKEHOLDER_DOCUMENT_KINDS or has_feedback:
        return Provenance.STAKEHOLDER
    lineages = list(component.cmocs.values_list("lineage", flat=True))
    if SubstantiveLink.objects.filter(cmoc_lineage__in=lineages).exists():
        return Provenance.SUBSTANTIVE
    return Provenance.TEAM_INFERENCE


def effective_provenance(component: Component) -> str:
    return component.provenance_override or computed_provenance(component)


def refresh_provenance(project: Project) -> int:
    """Recompute the current version's components; returns how many changed."""
    current = (
        TheoryVersion.objects.filter(project=project, frozen=False).order_by("-number").first()
    )
    if current is None:
        return 0
    changed = 0
    for component in current.components.all():
        value = effective_provenance(component)
        if value != component.provenance:
            Component.objects.filter(pk=component.pk).update(provenance=value)
            changed += 1
    return changed
