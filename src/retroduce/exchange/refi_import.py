"""Restoring a REFI-QDA project (.qdpx) as a new Retroduce project.

Every GUID is kept as the object's UUID. Text sources become documents (their plain text is the
extracted text, so selections keep their offsets), codes keep their tree, text selections become
fragments, notes become memos. What has no place here yet (PDF area selections, sets, cases,
variables, links, the original coders) is listed in the import report, never dropped silently.
The whole restore is one transaction: a failure leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from retroduce.coding.anchoring import make_anchor
from retroduce.coding.codebook import ensure_codebook
from retroduce.coding.models import BUILTIN_KINDS, Code, CodeKind, Fragment, FragmentCode, Memo
from retroduce.core.events import record
from retroduce.core.files import store_file
from retroduce.core.models import Project
from retroduce.core.services import create_project
from retroduce.documents.models import Document
from retroduce.exchange import refi

KIND_BY_NAME = {name: (kind, colour) for kind, name, colour in BUILTIN_KINDS}


@dataclass
class RestoreResult:
    project: Project
    warnings: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _uuid(guid: str) -> uuid.UUID:
    return uuid.UUID(guid)


def _codes(
    project: Project, actor, codes: tuple[refi.Code, ...], result: RestoreResult
) -> dict[str, Code]:  # noqa: ANN001
    made: dict[str, Code] = {}

    def add(code: refi.Code, parent: Code | None) -> None:
        builtin = KIND_BY_NAME.get(code.name) if parent is None else None
        name = code.name[:200]
        taken = {c.name for c in Code.objects.filter(project=project, parent=parent)}
        if name in taken:  # REFI allows twins under one parent; our codebook does not
            n = 2
            while f"{name} ({n})" in taken:
                n += 1
            result.warnings.append(
                f"code “{name}” occurs twice under one parent; renamed “{name} ({n})”"
            )
            name = f"{name} ({n})"
        created = Code.objects.create(
            uuid=_uuid(code.guid),
            project=project,
            parent=parent,
            name=name,
            description=code.description,
            colour=(code.color or (builtin[1] if builtin else "#5b6b7a")).lower(),
            kind=builtin[0] if builtin else (parent.kind if parent else CodeKind.USER),
            builtin=builtin is not None,
        )
        record(project, actor, "restored", created, after={"name": created.name})
        made[code.guid] = created
        for child in code.children:
            add(child, created)

    for code in codes:
        add(code, None)
    return made


@transaction.atomic
def restore_refi(data: bytes, file_name: str, owner: AbstractBaseUser) -> RestoreResult:
    model, report = refi.read_qdpx(data, file_name)
    project = create_project(owner, model.name or file_name)
    result = RestoreResult(project, list(report.warnings), list(report.unsupported))
    codes = _codes(project, owner, model.codebook, result)
    notes = {n.guid: n for n in model.notes}
    memo_targets: dict[str, dict] = {}
    fragments = 0
    for source in model.sources:
        if source.kind != "text" or not source.plain_text:
            result.unsupported.append(
                f"source “{source.name}” ({source.guid}): {source.kind} sources without text are not restored yet"
            )
            continue
        raw = source.plain_text.encode()
        document = Document.objects.create(
            uuid=_uuid(source.guid),
            project=project,
            kind=Document.Kind.OTHER,
            title=source.name[:500] or "Untitled source",
            file_name=f"{source.guid}.txt",
            file_format="txt",
            size=len(raw),
            sha256=hashlib.sha256(raw).hexdigest(),
            status=Document.Status.READY,
            text=source.plain_text,
            pages=[[0, len(source.plain_text)]],
            extraction=1,
            extracted_at=timezone.now(),
            created_by=owner,
        )
        document.stored_file = store_file(
            "documents", project.slug, document.uuid, document.file_name, raw
        )
        document.save(update_fields=["stored_file"])
        record(project, owner, "restored", document, after={"title": document.title})
        for guid in source.note_guids:
            memo_targets.setdefault(guid, {"document": document})
        for selection in source.selections:
            if not isinstance(selection, refi.TextSelection):
                result.unsupported.append(f"PDF area selection {selection.guid} in “{source.name}”")
                continue
            if not (0 <= selection.start < selection.end <= len(source.plain_text)):
                result.warnings.append(
                    f"selection {selection.guid} lies outside “{source.name}”; skipped"
                )
                continue
            anchor = make_anchor(source.plain_text, selection.start, selection.end)
            fragment = Fragment.objects.create(
                uuid=_uuid(selection.guid),
                document=document,
                start=selection.start,
                end=selection.end,
                page=1,
                quote=anchor.quote,
                prefix=anchor.prefix,
                suffix=anchor.suffix,
                extraction=1,
            )
            if selection.created is not None:
                Fragment.objects.filter(pk=fragment.pk).update(created_at=selection.created)
            for guid in selection.code_guids:
                if guid in codes:
                    FragmentCode.objects.create(fragment=fragment, code=codes[guid])
                else:
                    result.warnings.append(
                        f"selection {selection.guid} refers to unknown code {guid}"
                    )
            for guid in selection.note_guids:
                memo_targets[guid] = {"fragment": fragment}
            fragments += 1
    for note in model.notes:
        memo = Memo.objects.create(
            uuid=_uuid(note.guid),
            project=project,
            title=note.name[:300] or "Note",
            text=note.text,
            author=owner,
            **memo_targets.get(note.guid, {}),
        )
        record(project, owner, "restored", memo, after={"title": memo.title})
    ensure_codebook(project)  # the realist kinds a foreign project lacks
    if any(s.selections for s in model.sources):
        result.warnings.append("coders are not restored: fragments carry no coder")
    for label, items in (
        ("set", model.sets),
        ("case", model.cases),
        ("variable", model.variables),
        ("link", model.links),
    ):
        result.unsupported += [f"{label} “{item.name}” ({item.guid})" for item in items]
    result.counts = {
        "codes": len(codes),
        "documents": Document.objects.filter(project=project).count(),
        "fragments": fragments,
        "memos": len(notes),
    }
    record(project, owner, "restored", project, after={"file": file_name, **result.counts})
    return result
