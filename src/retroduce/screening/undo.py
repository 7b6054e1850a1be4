"""Undoing a conflict resolution: the record goes back to the conflict queue."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from retroduce.core.models import Event, Project
from retroduce.core.services import DomainError
from retroduce.core.undo import Undoer, register
from retroduce.screening.models import Resolution
from retroduce.screening.services import _rerank, can_resolve


def reopen_conflict(project: Project, event: Event, actor: AbstractBaseUser) -> Resolution:
    resolution = (
        Resolution.objects.filter(project=project, uuid=event.object_id)
        .select_related("record")
        .first()
    )
    if resolution is None:
        raise DomainError("That resolution is already gone.")
    if not can_resolve(project, actor, resolution.stage):
        raise DomainError("Only an owner or the stage's adjudicator may reopen a conflict.")
    resolution.delete()
    _rerank(project, resolution.stage, actor)
    return resolution


register("resolution", "resolved", Undoer("Reopen the conflict", reopen_conflict))
