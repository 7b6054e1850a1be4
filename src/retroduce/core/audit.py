"""The audit-trail check: does every object in a project appear in the event log?

RAMESES items 5 and 11 ask for a transparent record; this check shows whether the record is whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from retroduce.core.models import Event, Project
from retroduce.core.progress import Reporter, silent


@dataclass
class AuditResult:
    checked: int = 0
    missing: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if not self.missing:
            return f"Audit trail complete: all {self.checked} objects have a creation event."
        return (
            f"{len(self.missing)} of {self.checked} objects have no creation event: "
            + ", ".join(self.missing[:5])
            + ("…" if len(self.missing) > 5 else "")
        )


def _audited_objects(project: Project) -> list[tuple[str, object]]:
    objects: list[tuple[str, object]] = [
        ("protocol version", v) for v in project.protocol_versions.all()
    ]
    objects += [("change-log entry", c) for c in project.change_log.all()]
    objects += [("theory version", t) for t in project.theory_versions.all()]
    objects += [("stakeholder event", s) for s in project.stakeholder_events.all()]
    return objects


def check_audit_trail(project: Project, report: Reporter = silent) -> AuditResult:
    # A protocol version's creation is logged as "changed" (the protocol changed), so any event
    # naming the object counts as its creation record.
    created = set(Event.objects.filter(project=project).values_list("object_id", flat=True))
    objects = _audited_objects(project)
    result = AuditResult()
    for index, (kind, obj) in enumerate(objects, start=1):
        result.checked += 1
        if str(obj.uuid) not in created:  # type: ignore[attr-defined]
            result.missing.append(f"{kind} {obj}")
        report(index, len(objects), f"Checked {kind} {obj}")
    report(len(objects), len(objects), result.summary)
    return result
