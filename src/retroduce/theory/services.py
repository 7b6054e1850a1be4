"""Domain functions for the programme theory and stakeholder events."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from retroduce.core.events import record
from retroduce.core.models import Project
from retroduce.core.services import DomainError
from retroduce.theory.models import (
    PARTICIPANT_TYPES,
    Component,
    Feedback,
    Provenance,
    StakeholderEvent,
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
        for old in current.components.all():
            Component.objects.create(
                version=version,
                lineage=old.lineage,
                position=old.position,
                name=old.name,
                description=old.description,
                statement=old.statement,
                provenance=old.provenance,
            )
    return version


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
    provenance: str,
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
    return component


@transaction.atomic
def update_component(component: Component, actor: AbstractBaseUser, **fields: str) -> Component:
    _editable(component.version)
    allowed = {"name", "description", "statement", "provenance"}
    if set(fields) - allowed:
        raise DomainError(f"Unknown component fields: {', '.join(sorted(set(fields) - allowed))}")
    if "provenance" in fields and fields["provenance"] not in Provenance.values:
        raise DomainError(f"'{fields['provenance']}' is not a provenance.")
    before = {k: getattr(component, k) for k in fields}
    for key, value in fields.items():
        setattr(component, key, value.strip())
    component.save()
    record(component.version.project, actor, "changed", component, before=before, after=fields)
    return component


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
    unknown = set(participants) - set(PARTICIPANT_TYPES)
    if unknown:
        raise DomainError(f"Unknown participant types: {', '.join(sorted(unknown))}")
    if theory_version is not None and theory_version.project_id != project.pk:
        raise DomainError("The theory version shown must belong to this project.")
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
    version: TheoryVersion, actor: AbstractBaseUser, text: str, component: Component | None = None
) -> Feedback:
    """Record a stakeholder's feedback on the version they were shown (frozen versions included)."""
    text = text.strip()
    if not text:
        raise DomainError("Write your feedback before sending it.")
    if len(text) > FEEDBACK_LIMIT:
        raise DomainError(f"Feedback is limited to {FEEDBACK_LIMIT:,} characters.")
    if component is not None and component.version_id != version.pk:
        raise DomainError("That component is not part of this theory version.")
    item = Feedback.objects.create(
        theory_version=version, component=component, author=actor, text=text
    )
    record(
        version.project,
        actor,
        "created",
        item,
        after={
            "version": version.number,
            "component": component.name if component else None,
            "text": text,
        },
    )
    return item
