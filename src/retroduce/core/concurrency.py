"""Optimistic concurrency: a save based on an old copy of an object is refused, not merged.

Each editable object carries a `revision`. A form sends back the revision it was rendered with; the
save first moves the revision on with a compare-and-swap UPDATE. On PostgreSQL a second writer
blocks on the row until the first commits, then finds the revision moved and gets an EditConflict
naming who changed the object and when, from the event log. Nothing is overwritten silently.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from retroduce.core.models import Event
from retroduce.core.services import DomainError


class EditConflict(DomainError):
    """Someone saved the object after this person opened it; str(e) says who and when."""


def seen_revision(request: HttpRequest) -> int:
    """The revision the form was rendered with; a form without one never matches (-1)."""
    try:
        return int(request.POST.get("revision", "-1"))
    except ValueError:
        return -1


def _last_change(obj: models.Model) -> Event | None:
    key = str(getattr(obj, "uuid", None) or obj.pk)
    return (
        Event.objects.filter(object_type=obj._meta.model_name, object_id=key)
        .order_by("-id")
        .first()
    )


def claim_revision(obj: Any, seen: int | None, what: str) -> None:
    """Move obj's revision on from `seen`, or raise EditConflict. Call inside the save's
    transaction, before writing. `seen=None` is for callers with no form (CLI, demo, imports)."""
    model = type(obj)
    if seen is None:
        model._base_manager.filter(pk=obj.pk).update(revision=F("revision") + 1)
        obj.revision = model._base_manager.values_list("revision", flat=True).get(pk=obj.pk)
        return
    moved = model._base_manager.filter(pk=obj.pk, revision=seen).update(revision=seen + 1)
    if moved:
        obj.revision = seen + 1
        return
    last = _last_change(obj)
    if last is None:
        raise EditConflict(
            f"This {what} changed after you opened it. Reload the page to see it, then make "
            "your change again."
        )
    when = timezone.localtime(last.at).strftime("%d %b %Y %H:%M:%S")
    raise EditConflict(
        f"{last.actor_name} changed this {what} at {when}, after you opened it, so your change "
        "was not saved. Reload the page to see their version, then make your change again."
    )


def kept_text(fields: dict[str, str]) -> str:
    """What the refused save said, shown back so nothing typed is lost."""
    said = "; ".join(
        f"{name.replace('_', ' ')}: {value.strip()}"
        for name, value in fields.items()
        if value.strip()
    )
    return f"What you wrote, to copy from: {said}" if said else "Nothing you typed was lost."
