"""Writing to the append-only event log. Domain functions call `record`; views never do."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from retroduce.core.models import Event, Project
from retroduce.core.tables import safe_cell

SYSTEM_ACTOR = "system"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def account(actor: AbstractBaseUser | AnonymousUser | None) -> AbstractBaseUser | None:
    """The signed-in user behind an action, or None for the CLI and anonymous callers."""
    return actor if actor is not None and actor.is_authenticated else None  # type: ignore[return-value]


def record(
    project: Project | None,
    actor: AbstractBaseUser | AnonymousUser | None,
    verb: str,
    obj: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    label: str | None = None,
    actor_name: str | None = None,
) -> Event:
    """Append one event. Call inside the domain function's transaction so both land or neither.

    `actor_name` names an actor without an account (the CLI's operating-system user).
    """
    real_actor = account(actor)
    return Event.objects.create(
        project=project,
        actor=real_actor,
        actor_name=real_actor.get_username() if real_actor else (actor_name or SYSTEM_ACTOR),
        verb=verb,
        object_type=obj._meta.model_name or type(obj).__name__.lower(),
        object_id=str(getattr(obj, "uuid", None) or obj.pk),
        object_label=(label if label is not None else str(obj))[:300],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [key for key in after if before.get(key) != after.get(key)]


CSV_COLUMNS = ["time", "actor", "verb", "object_type", "object_id", "object", "before", "after"]


def events_csv(events: Iterable[Event]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for event in events:
        row = [
            event.at.isoformat(),
            event.actor_name,
            event.verb,
            event.object_type,
            event.object_id,
            event.object_label,
            json.dumps(event.before, ensure_ascii=False) if event.before is not None else "",
            json.dumps(event.after, ensure_ascii=False) if event.after is not None else "",
        ]
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
