"""Domain functions for the search log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from retroduce.core.events import changed_fields, record
from retroduce.core.models import Project
from retroduce.core.services import DomainError
from retroduce.sources.models import SearchEpisode

EPISODE_FIELDS = (
    "purpose",
    "supplementary_kind",
    "source",
    "strategy",
    "limits",
    "date_run",
    "coverage",
    "hits_reported",
    "notes",
)


def _check(fields: dict[str, Any]) -> None:
    if not (fields.get("source") or "").strip():
        raise DomainError("Name the source: a database, a website or a person.")
    purpose = fields.get("purpose")
    if purpose not in SearchEpisode.Purpose.values:
        raise DomainError(f"'{purpose}' is not a search purpose.")
    kind = fields.get("supplementary_kind") or ""
    if kind not in SearchEpisode.Supplementary.values:
        raise DomainError(f"'{kind}' is not a kind of supplementary search.")
    if kind and purpose != SearchEpisode.Purpose.SUPPLEMENTARY:
        raise DomainError("Only a supplementary search has a supplementary kind.")
    if purpose == SearchEpisode.Purpose.SUPPLEMENTARY and not kind:
        raise DomainError(
            "Say what kind of supplementary search this was (citation chasing, hand search, "
            "expert suggestion or grey literature)."
        )
    date_run = fields.get("date_run")
    if isinstance(date_run, dt.date) and date_run > dt.date.today() + dt.timedelta(days=1):
        raise DomainError("The date run cannot be in the future.")


def _snapshot(episode: SearchEpisode) -> dict[str, Any]:
    data = {name: getattr(episode, name) for name in EPISODE_FIELDS}
    data["components"] = sorted(c.name for c in episode.components.all()) if episode.pk else []
    return data


@transaction.atomic
def create_episode(
    project: Project, actor: AbstractBaseUser | None, components: list | None = None, **fields: Any
) -> SearchEpisode:
    fields = {k: v for k, v in fields.items() if k in EPISODE_FIELDS}
    fields["supplementary_kind"] = fields.get("supplementary_kind") or ""
    _check(fields)
    Project.objects.select_for_update().get(pk=project.pk)
    last = project.episodes.order_by("-number").first()
    episode = SearchEpisode.objects.create(
        project=project, number=(last.number + 1) if last else 1, created_by=actor, **fields
    )
    if components:
        episode.components.set(components)
    record(project, actor, "created", episode, after=_snapshot(episode))
    return episode


@transaction.atomic
def update_episode(
    episode: SearchEpisode, actor: AbstractBaseUser, components: list | None = None, **fields: Any
) -> SearchEpisode:
    before = _snapshot(episode)
    merged = {**before, **{k: v for k, v in fields.items() if k in EPISODE_FIELDS}}
    merged["supplementary_kind"] = merged.get("supplementary_kind") or ""
    _check(merged)
    for name in EPISODE_FIELDS:
        setattr(episode, name, merged[name])
    episode.save()
    if components is not None:
        episode.components.set(components)
    after = _snapshot(episode)
    changed = changed_fields(before, after)
    if changed:
        record(
            episode.project,
            actor,
            "changed",
            episode,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return episode
