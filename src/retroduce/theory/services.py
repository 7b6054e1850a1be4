"""Domain functions for the programme theory and stakeholder events."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from retroduce.core.events import record
from retroduce.core.models import Project
from retroduce.core.services import DomainError
from retroduce.theory.changes import NO_REASON, Why, note_change
from retroduce.theory.models import (
    CMOC,
    PARTICIPANT_TYPES,
    Component,
    EvidenceLink,
    Feedback,
    Provenance,
    StakeholderEvent,
    TheoryChange,
    TheoryVersion,
)


@transaction.atomic
def start_version(
    project: Project, actor: AbstractBaseUser, stage: str, notes: str = ""
) -> TheoryVersion:
    """Start a new theory version, freezing the current one and carrying its components over."""
    if stage not in TheoryVersion.Stage.values:
        raise DomainError(f"'{stage}' is not a theory stage.")
    Project.objects.select_for_update().get(pk=project.pk)
    current = project.theory_versions.order_by("-number").first()
    version = TheoryVersion.objects.create(
        project=project,
        number=(current.number + 1) if current else 1,
        stage=stage,
        notes=notes.strip(),
        created_by=actor,
    )
    record(project, actor, "created", version, after={"stage": stage, "notes": version.notes})
    if current:
        current.frozen = True
        current.save(update_fields=["frozen"])
        record(project, actor, "froze", current, before={"frozen": False}, after={"frozen": True})
        _carry_over(current, version)
    return version


def _carry_over(current: TheoryVersion, version: TheoryVersion) -> None:
    """Copy every component, CMOC, evidence link and chain into the new version, lineage kept."""
    cmoc_copies: dict[int, CMOC] = {}
    for old in current.components.all():
        component = Component.objects.create(
            version=version,
            lineage=old.lineage,
            position=old.position,
            name=old.name,
            description=old.description,
            statement=old.statement,
            provenance=old.provenance,
            provenance_override=old.provenance_override,
            override_reason=old.override_reason,
        )
        for cmoc in old.cmocs.all():
            copy = CMOC.objects.create(
                component=component,
                lineage=cmoc.lineage,
                position=cmoc.position,
                created_by=cmoc.created_by,
                **{name: getattr(cmoc, name) for name in CMOC.TEXT_FIELDS},
            )
            cmoc_copies[cmoc.pk] = copy
            EvidenceLink.objects.bulk_create(
                EvidenceLink(
                    cmoc=copy,
                    fragment_id=link.fragment_id,
                    relation=link.relation,
                    note=link.note,
                    created_by=link.created_by,
                )
                for link in cmoc.evidence.all()
            )
    for old_id, copy in cmoc_copies.items():
        targets = CMOC.objects.filter(follows__pk=old_id).values_list("pk", flat=True)
        copy.leads_to.set([cmoc_copies[t].pk for t in targets if t in cmoc_copies])


def _editable(version: TheoryVersion) -> None:
    if version.frozen:
        raise DomainError(f"Theory {version} is frozen because a newer version exists.")


@transaction.atomic
def add_component(
    version: TheoryVersion,
    actor: AbstractBaseUser,
    *,
    name: str,
    description: str = "",
    statement: str = "",
    provenance: str = Provenance.TEAM_INFERENCE,
    why: Why = NO_REASON,
) -> Component:
    _editable(version)
    if not name.strip():
        raise DomainError("A component needs a name.")
    if provenance not in Provenance.values:
        raise DomainError(f"'{provenance}' is not a provenance.")
    component = Component.objects.create(
        version=version,
        position=version.components.count() + 1,
        name=name.strip(),
        description=description.strip(),
        statement=statement.strip(),
        provenance=provenance,
    )
    record(
        version.project,
        actor,
        "created",
        component,
        after={"version": version.number, "name": component.name, "provenance": provenance},
    )
    note_change(
        version,
        actor,
        TheoryChange.Kind.ADDED,
        TheoryChange.Target.COMPONENT,
        component.lineage,
        component.name,
        why,
    )
    return component


@transaction.atomic
def update_component(
    component: Component, actor: AbstractBaseUser, why: Why = NO_REASON, **fields: str
) -> Component:
    """Reword a component, or override its computed provenance (with `override_reason`)."""
    _editable(component.version)
    allowed = {
        "name",
        "description",
        "statement",
        "provenance",
        "provenance_override",
        "override_reason",
    }
    if set(fields) - allowed:
        raise DomainError(f"Unknown component fields: {', '.join(sorted(set(fields) - allowed))}")
    for key in ("provenance", "provenance_override"):
        if fields.get(key) and fields[key] not in Provenance.values:
            raise DomainError(f"'{fields[key]}' is not a provenance.")
    if (
        fields.get("provenance_override")
        and not (fields.get("override_reason") or component.override_reason).strip()
    ):
        raise DomainError("Give the reason for overriding the computed provenance.")
    if "name" in fields and not fields["name"].strip():
        raise DomainError("A component needs a name.")
    before = {k: getattr(component, k) for k in fields}
    for key, value in fields.items():
        setattr(component, key, value.strip())
    changed = [k for k in fields if before[k] != getattr(component, k)]
    if not changed:
        return component
    if fields.get("provenance_override") == "" and "override_reason" not in fields:
        component.override_reason = ""
    component.save()
    record(component.version.project, actor, "changed", component, before=before, after=fields)
    worded = {"name", "description", "statement"} & set(changed)
    kind = TheoryChange.Kind.REWORDED if worded else TheoryChange.Kind.PROVENANCE
    note_change(
        component.version,
        actor,
        kind,
        TheoryChange.Target.COMPONENT,
        component.lineage,
        component.name,
        why,
    )
    from retroduce.theory.provenance import refresh_provenance

    refresh_provenance(component.version.project)
    return component


@transaction.atomic
def remove_component(component: Component, actor: AbstractBaseUser, why: Why = NO_REASON) -> None:
    version = component.version
    _editable(version)
    if EvidenceLink.objects.filter(cmoc__component=component).exists() and not why.rationale:
        raise DomainError("This component has linked evidence: say why it is removed.")
    note_change(
        version,
        actor,
        TheoryChange.Kind.REMOVED,
        TheoryChange.Target.COMPONENT,
        component.lineage,
        component.name,
        why,
    )
    record(version.project, actor, "deleted", component, before={"name": component.name})
    EvidenceLink.objects.filter(cmoc__component=component).delete()
    component.delete()


@transaction.atomic
def record_stakeholder_event(
    project: Project,
    actor: AbstractBaseUser,
    *,
    held_on: dt.date,
    kind: str,
    title: str,
    participants: dict[str, int],
    theory_version: TheoryVersion | None,
    summary: str = "",
) -> StakeholderEvent:
    if kind not in StakeholderEvent.Kind.values:
        raise DomainError(f"'{kind}' is not a kind of stakeholder event.")
    if not title.strip():
        raise DomainError("Give the event a title.")
    unknown = set(participants) - set(PARTICIPANT_TYPES)
    if unknown:
        raise DomainError(f"Unknown participant types: {', '.join(sorted(unknown))}")
    if theory_version is not None and theory_version.project_id != project.pk:
        raise DomainError("The theory version shown must belong to this project.")
    if theory_version is not None:
        # Presenting a version to stakeholders shares it with those who have accounts.
        from retroduce.theory.sharing import share_version

        share_version(theory_version, actor, True)
    event = StakeholderEvent.objects.create(
        project=project,
        held_on=held_on,
        kind=kind,
        title=title.strip(),
        participants={k: int(v) for k, v in participants.items() if int(v) > 0},
        theory_version=theory_version,
        summary=summary.strip(),
    )
    record(
        project,
        actor,
        "created",
        event,
        after={
            "title": event.title,
            "held_on": held_on,
            "kind": kind,
            "participants": event.participants,
            "theory_version": theory_version.number if theory_version else None,
        },
    )
    return event


FEEDBACK_LIMIT = 10_000


@transaction.atomic
def leave_feedback(
    version: TheoryVersion,
    actor: AbstractBaseUser,
    text: str,
    component: Component | None = None,
    cmoc: CMOC | None = None,
) -> Feedback:
    """Record a stakeholder's feedback on the version they were shown (frozen versions included)."""
    text = text.strip()
    if not text:
        raise DomainError("Write your feedback before sending it.")
    if len(text) > FEEDBACK_LIMIT:
        raise DomainError(f"Feedback is limited to {FEEDBACK_LIMIT:,} characters.")
    if component is not None and component.version_id != version.pk:
        raise DomainError("That component is not part of this theory version.")
    if cmoc is not None and cmoc.component.version_id != version.pk:
        raise DomainError("That CMOC is not part of this theory version.")
    if cmoc is not None and component is None:
        component = cmoc.component
    item = Feedback.objects.create(
        theory_version=version, component=component, cmoc=cmoc, author=actor, text=text
    )
    record(
        version.project,
        actor,
        "created",
        item,
        after={
            "version": version.number,
            "component": component.name if component else None,
            "cmoc": str(cmoc.uuid) if cmoc else None,
            "text": text,
        },
    )
    from retroduce.theory.provenance import refresh_provenance

    refresh_provenance(version.project)
    return item
