"""Pieces shared by restoring a REFI-QDA project (refi_import) and merging one (refi_merge).

The hard part is identity. A REFI GUID becomes the object's UUID, and UUIDs are unique across a
whole table, not per project, so a GUID can already be:
- an object of the project we import into: the same object (merged, never duplicated);
- an object of another project in this database (a project restored from its own export, or
  merged into a sibling project): the import gets a UUID derived from the project's UUID and the
  GUID, and says so in a warning. Derived, not random, so merging the same file again finds the
  object it made the first time instead of adding it twice.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils import timezone

from retroduce.coding.anchoring import make_anchor
from retroduce.coding.models import (
    BUILTIN_KINDS,
    Appraisal,
    Code,
    Fragment,
    Level,
    Memo,
)
from retroduce.core.events import account
from retroduce.core.files import store_file
from retroduce.core.models import Project
from retroduce.documents.models import Document
from retroduce.exchange import refi
from retroduce.exchange.refi.model import walk_codes
from retroduce.exchange.refi_export import APPRAISAL_VARIABLES

KIND_BY_NAME = {name: (kind, colour) for kind, name, colour in BUILTIN_KINDS}
# The variables our export writes for an appraisal: label in the file -> Appraisal field.
APPRAISAL_FIELDS = {label: key for key, label in APPRAISAL_VARIABLES}
LEVEL_LABELS = tuple(label for key, label in APPRAISAL_VARIABLES if key != "rationale")
MEMO_KIND_BY_LABEL = {label: value for value, label in Memo.Kind.choices}
# Our export writes a memo's kind before its text: "[Analytic] …".
_KIND_PREFIX = re.compile(r"\[([^\]\n]{1,40})\] ?")
_CHUNK = 500  # UUIDs per IN (...) query, well under SQLite's variable limit

# Which table each kind of GUID lands in, and the path from a row to its project.
TABLES: dict[str, tuple[type[models.Model], str]] = {
    "code": (Code, "project_id"),
    "document": (Document, "project_id"),
    "fragment": (Fragment, "document__project_id"),
    "memo": (Memo, "project_id"),
    "appraisal": (Appraisal, "project_id"),
}


@dataclass
class RestoreResult:
    project: Project
    warnings: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def key(guid: str) -> str:
    """A GUID as one spelling (producers differ in case and braces), for matching references."""
    try:
        return str(uuid.UUID(guid.strip()))
    except ValueError:
        return guid.strip()


def parsed_uuid(guid: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(guid.strip())
    except ValueError:
        return None


def links_memo_guid(links: Iterable[refi.Link]) -> str:
    """The GUID of the one memo that holds a file's links: the same links, the same memo."""
    return str(
        uuid.uuid5(
            uuid.NAMESPACE_OID,
            "refi-links\x1f" + "\x1f".join(sorted(key(link.guid) for link in links)),
        )
    )


def file_guids(model: refi.Project) -> dict[str, set[str]]:
    """Every GUID of the file, by the table it would land in."""
    selections = [s for source in model.sources for s in source.selections]
    memos = {n.guid for n in model.notes} | {s.guid for s in model.sets}
    if model.links:
        memos.add(links_memo_guid(model.links))
    return {
        "code": {c.guid for c in walk_codes(model.codebook)},
        "document": {s.guid for s in model.sources},
        "fragment": {s.guid for s in selections},
        "memo": memos,
        "appraisal": {c.guid for c in model.cases},
    }


class Guids:
    """Which of the file's GUIDs are objects of this project, and the UUID of each new object."""

    def __init__(self, project: Project, model: refi.Project, warnings: list[str]) -> None:
        self.project = project
        self.warnings = warnings
        self.mine: dict[str, dict[uuid.UUID, models.Model]] = {}
        self.elsewhere: dict[str, set[uuid.UUID]] = {}
        for kind, guids in file_guids(model).items():
            candidates = set()
            for guid in guids:
                parsed = parsed_uuid(guid)
                candidates |= {self.derived(kind, guid)} | ({parsed} if parsed else set())
            self._load(kind, candidates)

    def _load(self, kind: str, candidates: set[uuid.UUID]) -> None:
        table, path = TABLES[kind]
        ordered = sorted(candidates)
        mine: set[uuid.UUID] = set()
        elsewhere: set[uuid.UUID] = set()
        for at in range(0, len(ordered), _CHUNK):
            rows = table.objects.filter(uuid__in=ordered[at : at + _CHUNK])
            for found, owner in rows.values_list("uuid", path):
                (mine if owner == self.project.pk else elsewhere).add(found)
        objects: dict[uuid.UUID, models.Model] = {}
        listed = sorted(mine)
        for at in range(0, len(listed), _CHUNK):
            objects |= {o.uuid: o for o in table.objects.filter(uuid__in=listed[at : at + _CHUNK])}
        self.mine[kind] = objects
        self.elsewhere[kind] = elsewhere

    def derived(self, kind: str, guid: str) -> uuid.UUID:
        return uuid.uuid5(self.project.uuid, f"refi:{kind}:{key(guid).lower()}")

    def existing(self, kind: str, guid: str) -> models.Model | None:
        """This project's object for a GUID: the GUID itself, or the UUID derived from it."""
        parsed = parsed_uuid(guid)
        mine = self.mine[kind]
        found = mine.get(parsed) if parsed else None
        return found if found is not None else mine.get(self.derived(kind, guid))

    def new_uuid(self, kind: str, guid: str, label: str) -> uuid.UUID:
        """The UUID for a new object: its GUID unless another project uses it or it is no UUID."""
        parsed = parsed_uuid(guid)
        if parsed is not None and parsed not in self.elsewhere[kind]:
            return parsed
        fresh = self.derived(kind, guid)
        if fresh in self.elsewhere[kind]:  # only if the UUID itself came from such a file
            fresh = uuid.uuid4()
        why = "is not a UUID" if parsed is None else "belongs to another project here"
        self.warnings.append(f"{kind} {label}: GUID {guid} {why}; given the new UUID {fresh}")
        return fresh

    def add(self, kind: str, obj: models.Model) -> None:
        self.mine[kind][obj.uuid] = obj  # type: ignore[attr-defined]


@contextmanager
def stored_files_removed_on_failure() -> Iterator[list[str]]:
    """Files written during an import (paths under MEDIA_ROOT), deleted again if it fails.

    The database rolls back with the transaction; the files on disk would not.
    """
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for path in written:
            (Path(settings.MEDIA_ROOT) / path).unlink(missing_ok=True)
        raise


def document_from_source(
    project: Project,
    source: refi.Source,
    uuid_: uuid.UUID,
    actor: AbstractBaseUser | None,
    written: list[str],
) -> Document:
    """A text source as a ready document whose text is the source's plain text."""
    raw = source.plain_text.encode()
    document = Document.objects.create(
        uuid=uuid_,
        project=project,
        kind=Document.Kind.OTHER,
        title=source.name[:500] or "Untitled source",
        file_name=f"{source.guid}.txt"[:300],
        file_format="txt",
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        status=Document.Status.READY,
        text=source.plain_text,
        pages=[[0, len(source.plain_text)]],
        extraction=1,
        extracted_at=timezone.now(),
        created_by=account(actor),
    )
    document.stored_file = store_file(
        "documents", project.slug, document.uuid, document.file_name, raw
    )
    written.append(document.stored_file)
    document.save(update_fields=["stored_file"])
    return document


def fragment_from_selection(
    document: Document, selection: refi.TextSelection, uuid_: uuid.UUID
) -> Fragment:
    anchor = make_anchor(document.text, selection.start, selection.end)
    fragment = Fragment.objects.create(
        uuid=uuid_,
        document=document,
        start=selection.start,
        end=selection.end,
        page=document.page_of(selection.start),
        quote=anchor.quote,
        prefix=anchor.prefix,
        suffix=anchor.suffix,
        extraction=document.extraction,
    )
    if selection.created is not None:
        Fragment.objects.filter(pk=fragment.pk).update(created_at=selection.created)
    return fragment


def memo_kind_and_text(text: str) -> tuple[str, str]:
    """A note's text as a memo: our export's "[Kind] " prefix becomes the memo's kind again."""
    found = _KIND_PREFIX.match(text)
    if found and found.group(1) in MEMO_KIND_BY_LABEL:
        return MEMO_KIND_BY_LABEL[found.group(1)], text[found.end() :]
    return Memo.Kind.ANALYTIC, text


_UUID_TEXT = re.compile(r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b")


def set_memo_text(
    item: refi.Set,
    code_names: list[str],
    source_names: list[str],
    passages: dict[str, str] | None = None,
) -> str:
    """The memo a set becomes. `passages` names the fragments (by GUID key) that a description
    cites, as our CMOC sets do ("supports: fragment <GUID>"), since their UUIDs may have changed."""
    passages = passages or {}
    description = _UUID_TEXT.sub(
        lambda m: passages.get(key(m.group()), m.group()), item.description.strip()
    )
    parts = [description] if description else []
    for heading, names in (("Codes", code_names), ("Sources", source_names)):
        if names:
            parts.append(f"{heading} in this set:\n" + "\n".join(f"- {n}" for n in names))
    parts.append(f"(Restored from the REFI-QDA set {item.guid}.)")
    return "\n\n".join(parts)


_ARROWS = {"Associative": "—", "OneWay": "→", "Bidirectional": "↔"}


def links_memo_text(links: Iterable[refi.Link], labels: dict[str, str]) -> str:
    lines = []
    for link in links:
        origin = labels.get(key(link.origin_guid), link.origin_guid)
        target = labels.get(key(link.target_guid), link.target_guid)
        name = f" “{link.name}”" if link.name else ""
        lines.append(
            f"- {origin} {_ARROWS.get(link.direction, '—')} {target}{name} "
            f"({link.direction}, {link.guid})"
        )
    return "Links between objects of the imported project:\n" + "\n".join(lines)


def file_labels(model: refi.Project) -> dict[str, str]:
    """A readable name for every GUID a link can point at."""
    labels = {key(c.guid): f"code “{c.name}”" for c in walk_codes(model.codebook)}
    for source in model.sources:
        labels[key(source.guid)] = f"source “{source.name}”"
        for s in source.selections:
            labels[key(s.guid)] = f"selection “{s.name}” in “{source.name}”"
    labels |= {key(n.guid): f"note “{n.name}”" for n in model.notes}
    labels |= {key(c.guid): f"case “{c.name}”" for c in model.cases}
    labels |= {key(s.guid): f"set “{s.name}”" for s in model.sets}
    return labels


@dataclass(frozen=True)
class AppraisalCase:
    """An appraisal read from one of our cases, or why it cannot be one."""

    values: dict[str, str]  # Appraisal field -> value
    source_guid: str | None
    problem: str | None
    other_variables: list[str]


def appraisal_case(case: refi.Case, variable_names: dict[str, str]) -> AppraisalCase | None:
    """The appraisal a case holds when it uses our appraisal variables; None when it does not."""
    by_label = {variable_names.get(key(v.variable_guid), ""): v.value for v in case.variable_values}
    if not set(LEVEL_LABELS) & by_label.keys():
        return None
    values = {APPRAISAL_FIELDS[label]: by_label.get(label, "") for label in APPRAISAL_FIELDS}
    problem = None
    for label in LEVEL_LABELS:
        level = values[APPRAISAL_FIELDS[label]].strip().lower()
        values[APPRAISAL_FIELDS[label]] = level
        if level not in Level.values:
            problem = f"its {label} {by_label.get(label, '')!r} is not high, medium or low"
    if len(case.source_refs) != 1:
        problem = f"it refers to {len(case.source_refs)} sources, not one"
    others = sorted(label for label in by_label if label not in APPRAISAL_FIELDS)
    source = case.source_refs[0] if len(case.source_refs) == 1 else None
    return AppraisalCase(values, source, problem, others)
