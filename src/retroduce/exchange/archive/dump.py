"""A project as a zip: archive.json (every object, by UUID, and the event log) plus its files.

Database ids never leave the machine: references are written as the target's UUID (or a
username for accounts), so the archive means the same on any database. Rows are listed in the
order they were created and keys are sorted, so exporting a restored project gives the same JSON.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.migrations.recorder import MigrationRecorder

from retroduce.core.models import Project

from .spec import FORMAT, JSON_MEMBER, TABLES, VERSION, Table

Progress = Callable[[int, int, str], None]


def plain(value: Any) -> Any:
    """A field value as JSON: the same text whichever database it was read from."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def schema() -> dict[str, str]:
    """The newest migration of each of our apps, so a restore can refuse a newer archive."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if app in {t.label.split(".")[0] for t in TABLES} and name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


class _References:
    """UUIDs of every archived object and usernames of every account, by database id."""

    def __init__(self, project: Project) -> None:
        self.uuids: dict[type[models.Model], dict[int, str]] = {
            Project: {project.pk: str(project.uuid)}
        }
        for table in TABLES:
            if table.has_uuid:
                rows = table.model._base_manager.filter(**{table.path: project})
                self.uuids[table.model] = {pk: str(u) for pk, u in rows.values_list("pk", "uuid")}
        self.user_ids: set[int] = set()
        self._usernames: dict[int, str] | None = None

    def target(self, field: models.ForeignKey, value: int) -> str:
        model = field.related_model
        if model is get_user_model():
            self.user_ids.add(value)
            return f"user:{value}"  # replaced by the username once every account is known
        try:
            return self.uuids[model][value]
        except KeyError:
            raise ValueError(
                f"{field.model._meta.label}.{field.name} points outside the project ({value})"
            ) from None

    def usernames(self) -> dict[int, str]:
        if self._usernames is None:
            self._usernames = dict(
                get_user_model()
                ._base_manager.filter(pk__in=self.user_ids)
                .values_list("pk", "username")
            )
        return self._usernames


def _m2m_values(table: Table, project: Project, refs: _References) -> dict[str, dict[int, list]]:
    values: dict[str, dict[int, list]] = {}
    for m2m in table.model._meta.many_to_many:
        through = m2m.remote_field.through
        if not through._meta.auto_created:
            continue  # an explicit through model is a table of its own (FragmentCode)
        source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        pairs = through._base_manager.filter(**{f"{source}__{table.path}": project}).values_list(
            f"{source}_id", f"{target}_id"
        )
        by_row: dict[int, list] = {}
        target_uuids = refs.uuids[m2m.related_model]
        for row_id, target_id in pairs:
            by_row.setdefault(row_id, []).append(target_uuids[target_id])
        values[m2m.name] = {k: sorted(v) for k, v in by_row.items()}
    return values


def _rows(
    table: Table, project: Project, refs: _References, files: dict[str, tuple[str, str]]
) -> list[dict[str, Any]]:
    model = table.model
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in table.skip and f.related_model is not Project
    ]
    m2m = _m2m_values(table, project, refs)
    rows = []
    for obj in model._base_manager.filter(**{table.path: project}).order_by("pk").iterator(2000):
        row: dict[str, Any] = {}
        for f in fields:
            value = getattr(obj, f.attname)
            if f.is_relation:
                row[f.name] = None if value is None else refs.target(f, value)
            elif f.name in table.files:
                row[f.name] = _file_entry(table, obj, value, files)
            else:
                row[f.name] = plain(value)
        for name, by_row in m2m.items():
            row[name] = by_row.get(obj.pk, [])
        rows.append(row)
    return rows


def _file_entry(
    table: Table, obj: models.Model, stored: str, files: dict[str, tuple[str, str]]
) -> str:
    """The member that will hold this object's file; files are read when the zip is written."""
    if not stored:
        return ""
    member = f"files/{table.label.lower()}/{obj.uuid}"  # type: ignore[attr-defined]
    files[member] = (stored, table.label)
    return member


def _named_users(value: Any, usernames: dict[int, str]) -> Any:
    if isinstance(value, str) and value.startswith("user:"):
        return usernames.get(int(value[5:]), "")
    return value


def project_archive_data(
    project: Project, progress: Progress | None = None
) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """The archive's JSON document, and the files it refers to (member -> stored path)."""
    refs = _References(project)
    files: dict[str, tuple[str, str]] = {}
    objects: dict[str, list[dict[str, Any]]] = {}
    for n, table in enumerate(TABLES):
        if progress:
            progress(n, len(TABLES), f"Reading {table.noun}")
        objects[table.label] = _rows(table, project, refs, files)
    if project.created_by_id:
        refs.user_ids.add(project.created_by_id)
    usernames = refs.usernames()
    user_fields = {
        table.label: [
            f.name
            for f in table.model._meta.concrete_fields
            if f.is_relation and f.related_model is get_user_model()
        ]
        for table in TABLES
    }
    for label, rows in objects.items():
        for row in rows:
            for name in user_fields[label]:
                row[name] = _named_users(row[name], usernames) or None
    accounts = [
        {
            "username": u.username,
            "first_name": u.first_name,
            "last_name": u.last_name,
            "email": u.email,
        }
        for u in get_user_model()._base_manager.filter(pk__in=refs.user_ids).order_by("username")
    ]
    document = {
        "format": FORMAT,
        "version": VERSION,
        "schema": schema(),
        "project": {
            "uuid": str(project.uuid),
            "slug": project.slug,
            "title": project.title,
            "created_at": plain(project.created_at),
            "created_by": usernames.get(project.created_by_id) if project.created_by_id else None,
        },
        "accounts": accounts,
        "objects": objects,
        "files": {},
    }
    return document, files


def dumps(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=1).encode()


def archive_project(project: Project, progress: Progress | None = None) -> bytes:
    """The whole project as a zip; see docs/exchange.md for the layout."""
    document, files = project_archive_data(project, progress)
    out = io.BytesIO()
    media = Path(settings.MEDIA_ROOT)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, (member, (stored, _label)) in enumerate(sorted(files.items())):
            if progress and n % 50 == 0:
                progress(len(TABLES), len(TABLES), f"Packing files ({n}/{len(files)})")
            try:
                data = (media / stored).read_bytes()
            except OSError:
                document["files"][member] = {"missing": stored}
                continue
            document["files"][member] = {
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
            }
            archive.writestr(member, data)
        archive.writestr(JSON_MEMBER, dumps(document))
    if progress:
        progress(len(TABLES), len(TABLES), "Archive written")
    return out.getvalue()
