"""Queries over the event log for the History page and its CSV export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from retroduce.core.models import Event, Project

# Apps register functions that name events a user may not see yet (blind screening registers
# one, so another reviewer's vote never shows in History before the record has all its votes).
HiddenEvents = Callable[[Project, Any], set[str]]
HIDDEN_EVENT_SOURCES: list[HiddenEvents] = []


def visible_events(project: Project, user: Any) -> QuerySet[Event]:
    events = Event.objects.filter(project=project)
    hidden: set[str] = set()
    for source in HIDDEN_EVENT_SOURCES:
        hidden |= source(project, user)
    return events.exclude(object_id__in=hidden) if hidden else events


def project_events(project: Project, filters: dict[str, Any], user: Any) -> QuerySet[Event]:
    events = visible_events(project, user)
    if filters.get("actor"):
        events = events.filter(actor_name__icontains=filters["actor"])
    if filters.get("verb"):
        events = events.filter(verb=filters["verb"])
    if filters.get("object_type"):
        events = events.filter(object_type=filters["object_type"])
    if filters.get("since"):
        events = events.filter(at__date__gte=filters["since"])
    if filters.get("until"):
        events = events.filter(at__date__lte=filters["until"])
    if filters.get("q"):
        events = events.filter(
            Q(object_label__icontains=filters["q"]) | Q(verb__icontains=filters["q"])
        )
    return events


def facets(project: Project) -> tuple[list[str], list[str]]:
    events = Event.objects.filter(project=project)
    verbs = sorted(set(events.values_list("verb", flat=True)))
    types = sorted(set(events.values_list("object_type", flat=True)))
    return verbs, types


def parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
