"""Rebuilding a project from its archive, on any database, in one transaction.

Every object keeps its UUID and its timestamps, so exporting the restored project gives the same
JSON apart from the slug. Rows are inserted with bulk_create, which skips save(): that is what a
restore wants (frozen theory versions stay frozen without tripping their guard, and signals that
would derive codes from components do not run, because the codes come from the archive).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, models, transaction

from retroduce.core.events import record
from retroduce.core.files import PendingFiles, pending_files
from retroduce.core.limits import zip_limits
from retroduce.core.models import Membership, Project, Role
from retroduce.core.safezip import MIB, Limits, SafeZip, UnsafeArchive
from retroduce.core.services import unique_slug

from .dump import schema
from .spec import FORMAT, JSON_MEMBER, TABLES, VERSION, Table

Progress = Callable[[int, int, str], None]

# A real archive of a large review is a few hundred MiB of PDFs; the JSON stays far smaller.
LIMITS = Limits(max_members=200_000, max_member_bytes=1024 * MIB)


class ArchiveError(UnsafeArchive):
    """An archive that cannot be restored; str(e) names the file, the object and the reason."""


@dataclass
class ArchiveRestore:
    project: Project
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _read_document(archive: SafeZip, name: str) -> dict[str, Any]:
    member = archive.find(JSON_MEMBER)
    if member is None:
        raise ArchiveError(f"{name}: not a Retroduce project archive (no {JSON_MEMBER} inside)")
    try:
        document = json.loads(archive.read(member))
    except (ValueError, RecursionError) as exc:
        raise ArchiveError(f"{name}: {JSON_MEMBER} is not valid JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ArchiveError(f"{name}: {JSON_MEMBER} is not a Retroduce project archive")
    if document.get("version") != VERSION:
        raise ArchiveError(
            f"{name}: archive format version {document.get('version')!r}; this Retroduce "
            f"reads version {VERSION}"
        )
    ours = schema()
    theirs = document.get("schema")
    if not isinstance(theirs, dict):
        raise ArchiveError(f"{name}: {JSON_MEMBER} lacks its schema section")
    newer = [f"{app} {m}" for app, m in theirs.items() if str(m) > ours.get(str(app), "")]
    if newer:
        raise ArchiveError(
            f"{name}: made by a newer Retroduce ({', '.join(sorted(newer))}); upgrade first"
        )
    for key, kind in (("project", dict), ("accounts", list), ("objects", dict), ("files", dict)):
        if not isinstance(document.get(key), kind):
            raise ArchiveError(f"{name}: {JSON_MEMBER} has no valid '{key}' section")
    return document


class _Loader:
    def __init__(self, archive: SafeZip, document: dict[str, Any], name: str) -> None:
        self.archive = archive
        self.document = document
        self.name = name
        self.pks: dict[type[models.Model], dict[str, int]] = {}
        self.users: dict[str, int] = {}
        self.deferred: dict[tuple[type[models.Model], str], list[tuple[int, str]]] = defaultdict(
            list
        )
        self.written = PendingFiles()
        self.warnings: list[str] = []
        self.by_identity: dict[int, models.Model] = {}
        self.m2m: list[tuple[Table, models.Model, dict[str, list[str]]]] = []
        self.held: list[tuple[models.Model, str, Any]] = []
        self.waiting: set[int] = set()  # id() of objects with a deferred reference

    def fail(self, where: str, reason: str) -> ArchiveError:
        return ArchiveError(f"{self.name}: {where}: {reason}")

    # accounts -------------------------------------------------------------------------------
    def accounts(self) -> list[str]:
        User = get_user_model()
        created = []
        for n, account in enumerate(self.document["accounts"]):
            where = f"accounts[{n}]"
            if not isinstance(account, dict) or not isinstance(account.get("username"), str):
                raise self.fail(where, "an account needs a username")
            username = account["username"]
            user = User._base_manager.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    first_name=str(account.get("first_name", ""))[:150],
                    last_name=str(account.get("last_name", ""))[:150],
                    email=str(account.get("email", ""))[:254],
                )
                try:
                    user.full_clean(exclude=["password"])
                except ValidationError as exc:
                    raise self.fail(where, "; ".join(exc.messages)) from None
                user.set_unusable_password()
                user.save()
                created.append(username)
            self.users[username] = user.pk
        return created

    def user(self, where: str, username: Any) -> int | None:
        if username is None:
            return None
        try:
            return self.users[username]
        except (KeyError, TypeError):
            raise self.fail(
                where, f"names an account not listed in the archive: {username!r}"
            ) from None

    # rows -----------------------------------------------------------------------------------
    def value(self, where: str, f: models.Field, raw: Any) -> Any:
        try:
            value = f.to_python(raw)
            if value is None:
                if not f.null:
                    raise ValidationError("may not be empty")
                return None
            f.run_validators(value)
            allowed = {c[0] for c in f.flatchoices} | ({""} if f.blank else set())
            if f.choices and value not in allowed:
                raise ValidationError(f"{value!r} is not one of the allowed values")
        except ValidationError as exc:
            raise self.fail(f"{where}.{f.name}", "; ".join(exc.messages)) from None
        except (TypeError, ValueError):
            # Django's to_python lets these through for a value of the wrong JSON type, e.g.
            # DateTimeField.to_python(5) raises TypeError.
            raise self.fail(
                f"{where}.{f.name}", f"a JSON {type(raw).__name__} is not a valid value here"
            ) from None
        return value

    def build(
        self, table: Table, project: Project, index: int, row: Any
    ) -> tuple[models.Model, dict[str, list[str]]]:
        model = table.model
        where = f"{table.label} #{index + 1}"
        if not isinstance(row, dict):
            raise self.fail(where, "is not an object")
        known = {f.name for f in model._meta.concrete_fields} | {
            m.name for m in model._meta.many_to_many
        }
        unknown = sorted(set(row) - known)
        if unknown:
            raise self.fail(where, f"fields this Retroduce does not know: {', '.join(unknown)}")
        obj = model()
        m2m: dict[str, list[str]] = {}
        for f in model._meta.concrete_fields:
            if f.primary_key or f.name in table.skip:
                continue
            if f.related_model is Project:
                setattr(obj, f.attname, project.pk)
                continue
            if f.name not in row:
                if not f.has_default() and not f.null:
                    raise self.fail(where, f"lacks '{f.name}'")
                continue
            raw = row[f.name]
            if f.is_relation:
                self.reference(where, obj, f, raw)
            elif f.name in table.files:
                setattr(obj, f.attname, self.file(where, table, project, obj, raw))
            else:
                setattr(obj, f.attname, self.value(where, f, raw))
        for m in model._meta.many_to_many:
            if m.name in row:
                targets = row[m.name]
                if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
                    raise self.fail(f"{where}.{m.name}", "must be a list of UUIDs")
                m2m[m.name] = targets
        return obj, m2m

    def reference(self, where: str, obj: models.Model, f: models.Field, raw: Any) -> None:
        if f.related_model is get_user_model():
            setattr(obj, f.attname, self.user(f"{where}.{f.name}", raw))
            return
        if raw is None:
            if not f.null:
                raise self.fail(f"{where}.{f.name}", "may not be empty")
            return
        if not isinstance(raw, str):
            raise self.fail(f"{where}.{f.name}", "must be a UUID")
        target = self.pks.get(f.related_model, {}).get(raw)
        if target is not None:
            setattr(obj, f.attname, target)
        elif f.null and (f.related_model is f.model or f.related_model not in self.pks):
            # Points at an object created later (a record's primary copy, a feedback's change):
            # set once every table is in.
            self.deferred[(f.model, f.attname)].append((id(obj), raw))
            self.waiting.add(id(obj))
        else:
            raise self.fail(f"{where}.{f.name}", f"refers to {raw}, which is not in the archive")

    def file(self, where: str, table: Table, project: Project, obj: models.Model, raw: Any) -> str:
        if raw in ("", None):
            return ""
        entry = self.document["files"].get(raw) if isinstance(raw, str) else None
        if not isinstance(entry, dict):
            raise self.fail(where, f"its file {raw!r} is not listed in the archive")
        if "missing" in entry:
            self.warnings.append(f"{where}: its file was already missing when archived")
            return ""
        member = self.archive.find(raw)
        if member is None:
            raise self.fail(where, f"its file {raw} is not in the archive")
        data = self.archive.read(member)
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            raise self.fail(where, f"its file {raw} is damaged (checksum differs)")
        name = str(getattr(obj, "file_name", "") or "file")
        uuid = obj.uuid  # type: ignore[attr-defined]
        return self.written.store(table.media_area, project.slug, uuid, name, data)

    def _chunks(self, table: Table, rows: list) -> list[list[tuple[int, Any]]]:
        """Rows in archive order, cut wherever a row points at one earlier in the same chunk, so
        a code's parent or a record's primary copy already has its id when the row is built."""
        self_refs = [
            f.name
            for f in table.model._meta.concrete_fields
            if f.is_relation and f.related_model is table.model
        ]
        if not self_refs:
            return [list(enumerate(rows))]
        chunks: list[list[tuple[int, Any]]] = [[]]
        pending: set[str] = set()
        for n, row in enumerate(rows):
            # Only strings can be UUIDs; anything else is refused by build(), with its place.
            values = [row.get(name) for name in self_refs] if isinstance(row, dict) else []
            targets = {value for value in values if isinstance(value, str)}
            if targets & pending:
                chunks.append([])
                pending = set()
            chunks[-1].append((n, row))
            if isinstance(row, dict) and isinstance(row.get("uuid"), str):
                pending.add(row["uuid"])
        return chunks

    def insert(self, table: Table, project: Project) -> int:
        rows = self.document["objects"].get(table.label, [])
        if not isinstance(rows, list):
            raise self.fail(table.label, "must be a list")
        count = 0
        for chunk in self._chunks(table, rows):
            count += self._insert_chunk(table, project, chunk)
        return count

    def _insert_chunk(self, table: Table, project: Project, chunk: list[tuple[int, Any]]) -> int:
        model = table.model
        built = [self.build(table, project, n, row) for n, row in chunk]
        objs = [obj for obj, _ in built]
        for obj in objs:
            self._hold_unique(table, obj)
        stamps = [
            f.attname
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        stamp_values = [[getattr(o, a) for a in stamps] for o in objs]
        model._base_manager.bulk_create(objs, batch_size=500)
        if stamps and objs:
            # bulk_create stamps auto_now(_add) fields with the current time; put back the
            # archived times. A plain QuerySet, because the event log's manager forbids updates.
            for obj, values in zip(objs, stamp_values, strict=True):
                for attname, value in zip(stamps, values, strict=True):
                    setattr(obj, attname, value)
            models.QuerySet(model).bulk_update(objs, stamps, batch_size=500)
        if table.has_uuid:
            self.pks.setdefault(model, {}).update({str(o.uuid): o.pk for o in objs})  # type: ignore[attr-defined]
        self.by_identity.update({id(o): o for o in objs})
        self.m2m += [(table, obj, m2m) for obj, m2m in built if m2m]
        return len(objs)

    def _hold_unique(self, table: Table, obj: models.Model) -> None:
        """A row whose parent (or merge target) comes later is inserted without it for a moment;
        a unique name could then clash with a live code of the same name, so it carries its
        UUID as a placeholder until finish() puts the name back."""
        if not table.unique_while_deferred:
            return
        if id(obj) not in self.waiting:
            return
        for name in table.unique_while_deferred:
            self.held.append((obj, name, getattr(obj, name)))
            setattr(obj, name, str(obj.uuid))  # type: ignore[attr-defined]

    def finish(self) -> None:
        for (model, attname), items in self.deferred.items():
            f = next(f for f in model._meta.concrete_fields if f.attname == attname)
            targets = self.pks.get(f.related_model, {})
            objs = []
            for identity, raw in items:
                if raw not in targets:
                    raise self.fail(
                        f"{model._meta.label}.{f.name}", f"refers to {raw}, not in the archive"
                    )
                obj = self.by_identity[identity]
                setattr(obj, attname, targets[raw])
                objs.append(obj)
            models.QuerySet(model).bulk_update(objs, [attname], batch_size=500)
        for obj, name, value in self.held:
            setattr(obj, name, value)
            models.QuerySet(type(obj)).filter(pk=obj.pk).update(**{name: value})
        for table, obj, m2m in self.m2m:
            for name, uuids in m2m.items():
                m = table.model._meta.get_field(name)
                targets = self.pks.get(m.related_model, {})
                missing = [u for u in uuids if u not in targets]
                if missing:
                    raise self.fail(
                        f"{table.label}.{name}", f"refers to {missing[0]}, not in the archive"
                    )
                through = m.remote_field.through
                source, target = m.m2m_field_name(), m.m2m_reverse_field_name()
                through._base_manager.bulk_create(
                    [through(**{f"{source}_id": obj.pk, f"{target}_id": targets[u]}) for u in uuids]
                )


def _new_project(document: dict[str, Any], loader: _Loader, name: str) -> Project:
    info = document["project"]
    try:
        uuid = Project._meta.get_field("uuid").to_python(info.get("uuid"))
        title = str(info.get("title") or "").strip()[:300]
        created_at = Project._meta.get_field("created_at").to_python(info.get("created_at"))
    except ValidationError as exc:
        raise ArchiveError(f"{name}: project: {'; '.join(exc.messages)}") from None
    except (TypeError, ValueError):  # a value of the wrong JSON type, e.g. a number for a date
        raise ArchiveError(f"{name}: project: its UUID or creation date is not valid") from None
    if uuid is None or not title:
        raise ArchiveError(f"{name}: project: needs a UUID and a title")
    existing = Project.objects.filter(uuid=uuid).first()
    if existing is not None:
        raise ArchiveError(
            f"{name}: this project is already here as '{existing.slug}'. Restore the archive on "
            "another machine, or delete that project first"
        )
    project = Project.objects.create(
        uuid=uuid,
        title=title,
        slug=unique_slug(title, str(info.get("slug") or "")),
        created_by_id=loader.user("project.created_by", info.get("created_by")),
    )
    if created_at is not None:
        Project.objects.filter(pk=project.pk).update(created_at=created_at)
        project.created_at = created_at
    return project


def restore_archive(
    data: bytes, file_name: str, owner: AbstractBaseUser, progress: Progress | None = None
) -> ArchiveRestore:
    """Rebuild the archived project; the restoring account becomes an owner if it was not one."""
    archive = SafeZip(data, file_name, zip_limits(LIMITS), error=ArchiveError)
    document = _read_document(archive, file_name)
    extra = sorted(set(document["objects"]) - {t.label for t in TABLES})
    if extra:
        raise ArchiveError(f"{file_name}: holds tables this Retroduce does not know: {extra}")
    loader = _Loader(archive, document, file_name)
    try:
        # A refused restore removes the files it wrote, and only those; a killed one, the next start.
        with pending_files() as loader.written, transaction.atomic():
            created = loader.accounts()
            project = _new_project(document, loader, file_name)
            result = ArchiveRestore(project)
            for n, table in enumerate(TABLES):
                if progress:
                    progress(n, len(TABLES), f"Restoring {table.noun}")
                count = loader.insert(table, project)
                if count:
                    result.counts[table.noun] = count
            loader.finish()
            if not Membership.objects.filter(project=project, user=owner, role=Role.OWNER).exists():
                Membership.objects.update_or_create(
                    project=project, user=owner, defaults={"role": Role.OWNER}
                )
                result.warnings.append(f"{owner.get_username()} was made an owner of the project")
            # Logged outside the project's own history, so the restored log stays as archived.
            record(None, owner, "restored", project, after={"file": file_name, **result.counts})
    except (IntegrityError, DatabaseError) as exc:
        raise ArchiveError(f"{file_name}: the database refused it ({exc})") from None
    except UnicodeEncodeError as exc:
        # A lone surrogate ("\ud800" in the JSON): valid JSON, but no database can store it.
        raise ArchiveError(
            f"{file_name}: holds text that is not valid Unicode ({exc.reason})"
        ) from None
    finally:
        archive.close()
    result.warnings = loader.warnings + result.warnings
    result.warnings += [
        f"account '{u}' was created without a password; set one with `retroduce createuser {u}`"
        for u in created
    ]
    if progress:
        progress(len(TABLES), len(TABLES), "Restored")
    return result
