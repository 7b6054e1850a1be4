"""Comparing two theory versions part by part, with the reasons recorded for each change.

Parts are matched by lineage, so a reworded component is "reworded", not "removed and added".
Pure over snapshots (`snapshot(version)`), so the comparison can be tested on hand-built cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from retroduce.theory.models import TheoryChange, TheoryVersion

COMPONENT_FIELDS = ("name", "description", "statement", "provenance")
CMOC_FIELDS = (
    "context",
    "mechanism_resource",
    "mechanism_response",
    "outcome",
    "intervention",
    "actor",
)


@dataclass(frozen=True)
class Part:
    lineage: str
    target: str  # "component" or "cmoc"
    label: str
    fields: dict[str, str]
    parent: str = ""  # a CMOC's component lineage
    evidence: int = 0


@dataclass
class Difference:
    kind: str  # "added", "removed", "reworded", "unchanged"
    target: str
    label: str
    before: Part | None
    after: Part | None
    changed_fields: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)
    reasons: list[TheoryChange] = field(default_factory=list)

    @property
    def evidence_added(self) -> int:
        old = self.before.evidence if self.before else 0
        new = self.after.evidence if self.after else 0
        return max(0, new - old)


def snapshot(version: TheoryVersion) -> list[Part]:
    parts: list[Part] = []
    for component in version.components.prefetch_related("cmocs__evidence"):
        parts.append(
            Part(
                lineage=str(component.lineage),
                target="component",
                label=component.name,
                fields={f: str(getattr(component, f)) for f in COMPONENT_FIELDS},
            )
        )
        for cmoc in component.cmocs.all():
            parts.append(
                Part(
                    lineage=str(cmoc.lineage),
                    target="cmoc",
                    label=f"{component.name}: {cmoc.context[:60]} → {cmoc.outcome[:60]}",
                    fields={f: getattr(cmoc, f) for f in CMOC_FIELDS},
                    parent=str(component.lineage),
                    evidence=len(cmoc.evidence.all()),
                )
            )
    return parts


def compare(old: list[Part], new: list[Part]) -> list[Difference]:
    """Every part of either version: added, removed, reworded or unchanged, components first."""
    before = {p.lineage: p for p in old}
    after = {p.lineage: p for p in new}
    out: list[Difference] = []
    for lineage in [*after, *(k for k in before if k not in after)]:
        a, b = before.get(lineage), after.get(lineage)
        if a is None and b is not None:
            out.append(Difference("added", b.target, b.label, None, b))
        elif b is None and a is not None:
            out.append(Difference("removed", a.target, a.label, a, None))
        elif a is not None and b is not None:
            changed = [
                (name, a.fields.get(name, ""), b.fields.get(name, ""))
                for name in b.fields
                if a.fields.get(name, "") != b.fields.get(name, "")
            ]
            out.append(
                Difference("reworded" if changed else "unchanged", b.target, b.label, a, b, changed)
            )
    order = {"component": 0, "cmoc": 1}
    out.sort(key=lambda d: order[d.target])
    return out


def compare_versions(old: TheoryVersion, new: TheoryVersion) -> list[Difference]:
    """The comparison with, for each change, the reasons recorded in the versions after `old`."""
    differences = compare(snapshot(old), snapshot(new))
    low, high = sorted((old.number, new.number))
    reasons = TheoryChange.objects.filter(
        version__project=old.project, version__number__gt=low, version__number__lte=high
    ).prefetch_related("fragments__document", "feedback", "memos")
    by_lineage: dict[str, list[TheoryChange]] = {}
    for change in reasons:
        by_lineage.setdefault(str(change.lineage), []).append(change)
    for difference in differences:
        part = difference.after or difference.before
        if part is not None and difference.kind != "unchanged":
            difference.reasons = by_lineage.get(part.lineage, [])
    return differences


def counts(differences: list[Difference]) -> dict[str, int]:
    """How much changed, per kind of part: what the saturation chart plots per iteration."""
    out = {
        "components added": 0,
        "components changed": 0,
        "components removed": 0,
        "CMOCs added": 0,
        "CMOCs changed": 0,
        "CMOCs removed": 0,
        "evidence links added": 0,
    }
    names = {"added": "added", "removed": "removed", "reworded": "changed"}
    for d in differences:
        if d.kind in names:
            noun = "components" if d.target == "component" else "CMOCs"
            out[f"{noun} {names[d.kind]}"] += 1
        out["evidence links added"] += d.evidence_added
    return out
