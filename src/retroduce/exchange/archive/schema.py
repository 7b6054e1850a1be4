"""The JSON Schema of archive.json, derived from the models so it cannot drift from them.

docs/archive.schema.json is this function's output (a test keeps the two equal); other tools can
validate an archive against it without Retroduce. Regenerate with
`.venv/bin/python scripts/archive_schema.py` after a model change.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from .spec import FORMAT, TABLES, VERSION, Table

_STRINGS = (models.CharField, models.TextField, models.SlugField)


def _field_schema(table: Table, f: models.Field) -> dict[str, Any]:
    if f.is_relation:
        schema: dict[str, Any] = {
            "type": "string",
            "description": f"→ {f.related_model._meta.label}",
        }
    elif f.name in table.files:
        schema = {"type": "string", "description": "member of the zip holding the file, or empty"}
    elif isinstance(f, models.UUIDField):
        schema = {"type": "string", "format": "uuid"}
    elif isinstance(f, models.DateTimeField):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(f, models.DateField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(f, models.BooleanField):
        schema = {"type": "boolean"}
    elif isinstance(f, models.IntegerField):
        schema = {"type": "integer"}
        if isinstance(
            f,
            models.PositiveIntegerField
            | models.PositiveSmallIntegerField
            | models.PositiveBigIntegerField,
        ):
            schema["minimum"] = 0
    elif isinstance(f, models.FloatField):
        schema = {"type": "number"}
    elif isinstance(f, models.JSONField):
        schema = {}
    elif isinstance(f, _STRINGS):
        schema = {"type": "string"}
        if getattr(f, "max_length", None):
            schema["maxLength"] = f.max_length
    else:  # a field type this function has not met: fail loudly so the schema is extended
        raise TypeError(f"no JSON Schema for {type(f).__name__} ({table.label}.{f.name})")
    if f.choices and not f.is_relation:
        schema["enum"] = [c[0] for c in f.flatchoices] + ([""] if f.blank else [])
    if f.null and schema:
        kind = schema.get("type")
        schema["type"] = [kind, "null"] if kind else None
        if "enum" in schema:
            schema["enum"].append(None)
    return schema


def _table_schema(table: Table) -> dict[str, Any]:
    from retroduce.core.models import Project

    properties: dict[str, Any] = {}
    for f in table.model._meta.concrete_fields:
        if f.primary_key or f.name in table.skip or f.related_model is Project:
            continue
        properties[f.name] = _field_schema(table, f)
    for m in table.model._meta.many_to_many:
        if m.remote_field.through._meta.auto_created:
            properties[m.name] = {"type": "array", "items": {"type": "string", "format": "uuid"}}
    return {
        "type": "array",
        "items": {
            "type": "object",
            "properties": properties,
            "required": sorted(properties),
            "additionalProperties": False,
        },
    }


def archive_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Retroduce project archive (archive.json)",
        "type": "object",
        "required": ["format", "version", "schema", "project", "accounts", "objects", "files"],
        "properties": {
            "format": {"const": FORMAT},
            "version": {"const": VERSION},
            "schema": {"type": "object", "additionalProperties": {"type": "string"}},
            "project": {
                "type": "object",
                "required": ["uuid", "slug", "title", "created_at", "created_by"],
                "properties": {
                    "uuid": {"type": "string", "format": "uuid"},
                    "slug": {"type": "string"},
                    "title": {"type": "string", "minLength": 1},
                    "created_at": {"type": "string", "format": "date-time"},
                    "created_by": {"type": ["string", "null"]},
                },
            },
            "accounts": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["username"],
                    "properties": {
                        k: {"type": "string"}
                        for k in ("username", "first_name", "last_name", "email")
                    },
                },
            },
            "objects": {
                "type": "object",
                "properties": {t.label: _table_schema(t) for t in TABLES},
                "required": [t.label for t in TABLES],
                "additionalProperties": False,
            },
            "files": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "properties": {
                        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                        "size": {"type": "integer", "minimum": 0},
                        "missing": {"type": "string"},
                    },
                },
            },
        },
    }
