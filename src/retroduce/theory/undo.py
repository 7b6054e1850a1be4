"""Undoing the removal of a CMOC from the working theory version, from what its event logged."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from retroduce.core.models import Event, Project
from retroduce.core.services import DomainError
from retroduce.core.undo import Undoer, register, user_named
from retroduce.theory.changes import Why, note_change
from retroduce.theory.models import CMOC, Component, EvidenceLink, Feedback, TheoryChange
from retroduce.theory.provenance import refresh_provenance
from retroduce.theory.services import _editable


def restore_cmoc(project: Project, event: Event, actor: AbstractBaseUser) -> CMOC:
    from retroduce.coding.models import Fragment

    before = event.before or {}
    if "component" not in before:
        raise DomainError("That removal was logged before removals could be undone.")
    if CMOC.objects.filter(uuid=event.object_id).exists():
        raise DomainError("That CMOC is already back.")
    component = Component.objects.filter(version__project=project, uuid=before["component"]).first()
    if component is None:
        raise DomainError("Its component was removed since, so the CMOC cannot come back.")
    _editable(component.version)  # a version frozen since keeps its record of the removal
    cmoc = CMOC.objects.create(
        uuid=event.object_id,
        lineage=before["lineage"],
        component=component,
        position=before["position"],
        created_by=user_named(before.get("created_by")),
        **{field: before.get(field, "") for field in CMOC.TEXT_FIELDS},
    )
    cmoc.leads_to.set(
        CMOC.objects.filter(component__version=component.version, uuid__in=before["leads_to"])
    )
    cmoc.follows.set(
        CMOC.objects.filter(component__version=component.version, uuid__in=before["follows"])
    )
    Feedback.objects.filter(uuid__in=before["feedback"], cmoc__isnull=True).update(cmoc=cmoc)
    fragments = {
        str(f.uuid): f
        for f in Fragment.objects.filter(
            document__project=project, uuid__in=[e["fragment"] for e in before["evidence"]]
        )
    }
    for link in before["evidence"]:
        if link["fragment"] in fragments:  # a passage deleted since stays deleted
            EvidenceLink.objects.create(
                uuid=link["uuid"],
                cmoc=cmoc,
                fragment=fragments[link["fragment"]],
                relation=link["relation"],
                note=link["note"],
                created_by=user_named(link.get("created_by")),
            )
    note_change(
        component.version,
        actor,
        TheoryChange.Kind.ADDED,
        TheoryChange.Target.CMOC,
        cmoc.lineage,
        before.get("label", str(cmoc)),
        Why(rationale=f"Undid its removal by {event.actor_name} ({event.at:%d %b %Y %H:%M})."),
    )
    refresh_provenance(project)
    return cmoc


register("cmoc", "deleted", Undoer("Bring the CMOC back", restore_cmoc))
