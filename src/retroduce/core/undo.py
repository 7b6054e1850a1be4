"""Undo for destructive actions, built on the event log.

A destructive action logs enough in its event (the `before` of a deleted passage, the moves of a
merge) to put things back. Apps register an undoer per (object type, verb); the History page offers
Undo on those events, and undoing appends an "undid" event that names the undone one, so the log
stays append-only and an action is undone at most once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from retroduce.core.models import Event, Project
from retroduce.core.services import DomainError

UNDID = "undid"


@dataclass(frozen=True)
class Undoer:
    label: str  # the button: "Bring the passage back"
    # Puts things back and returns the restored object, for the "undid" event.
    run: Callable[[Project, Event, AbstractBaseUser], object]


_UNDOERS: dict[tuple[str, str], Undoer] = {}


def user_named(name: str | None):  # noqa: ANN201
    """The account an event names, if the machine still has it."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=name).first() if name else None


def register(object_type: str, verb: str, undoer: Undoer) -> None:
    _UNDOERS[(object_type, verb)] = undoer


def undoer_for(event: Event) -> Undoer | None:
    return _UNDOERS.get((event.object_type, event.verb))


def undone_uuids(project: Project) -> set[str]:
    rows = Event.objects.filter(project=project, verb=UNDID).values_list("after", flat=True)
    return {str(after.get("undoes")) for after in rows if isinstance(after, dict)}


def offers(project: Project, events: Iterable[Event]) -> dict[int, Undoer]:
    """The events of this page that can still be undone, with their undoer."""
    done = undone_uuids(project)
    found = {}
    for event in events:
        undoer = undoer_for(event)
        if undoer is not None and str(event.uuid) not in done:
            found[event.pk] = undoer
    return found


@transaction.atomic
def undo(project: Project, event: Event, actor: AbstractBaseUser) -> str:
    """Undo one logged action; the message says what came back."""
    from retroduce.core.events import record

    undoer = undoer_for(event)
    if event.project_id != project.pk or undoer is None:
        raise DomainError("That action cannot be undone.")
    # Lock the project row so two people pressing Undo at once cannot both pass the check below.
    Project.objects.select_for_update().get(pk=project.pk)
    if str(event.uuid) in undone_uuids(project):
        raise DomainError("That action has already been undone.")
    restored = undoer.run(project, event, actor)
    record(
        project,
        actor,
        UNDID,
        restored,  # type: ignore[arg-type]
        label=f"undid “{event.verb} {event.object_label}”"[:300],
        after={"undoes": str(event.uuid), "verb": event.verb, "by": event.actor_name},
    )
    return f"Undone: {event.verb} {event.object_kind} “{event.object_label}”."
