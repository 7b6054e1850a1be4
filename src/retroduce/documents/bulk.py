"""Attaching many full texts at once: a zip from the browser, a folder from the CLI.

Each file is attached or refused on its own (a duplicate or an unreadable file does not stop the
others), but a hostile archive is refused whole before any file is attached.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.contrib.auth.models import AbstractBaseUser

from retroduce.core.models import Project
from retroduce.core.services import DomainError
from retroduce.documents.matching import match_record
from retroduce.documents.models import Document
from retroduce.documents.services import MAX_DOCUMENT_BYTES, attach_document

MAX_MEMBERS = 5000
MAX_TOTAL_BYTES = 2 * 1024**3
# Real PDFs compress by 1.1-3x and text by up to ~10x; a thousandfold ratio is a zip bomb.
MAX_RATIO = 200
# What zipfile raises for a damaged archive besides BadZipFile: a bad deflate stream (zlib),
# a truncated member (EOFError), a corrupt header offset (ValueError: negative seek), a future
# version or unknown compression method (NotImplementedError). Reading an encrypted member
# raises RuntimeError as well.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)


@dataclass
class BulkOutcome:
    attached: list[Document] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        matched = sum(1 for d in self.attached if d.record_id)
        text = f"{len(self.attached)} attached ({matched} matched to records)"
        if self.refused:
            text += f", {len(self.refused)} refused"
        return text


def _skipped(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return (
        name.endswith("/")
        or any(p.startswith(".") or p == "__MACOSX" for p in parts)
        or Path(name).name.lower() in {"thumbs.db", "desktop.ini"}
    )


def zip_members(data: bytes, archive_name: str) -> list[tuple[str, bytes]]:
    """The files inside a zip, after checking the archive as a whole is not a bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _DAMAGED as exc:
        raise DomainError(f"{archive_name}: not a readable zip archive ({exc}).") from exc
    with archive:
        infos = [i for i in archive.infolist() if not _skipped(i.filename)]
        if len(infos) > MAX_MEMBERS:
            raise DomainError(f"{archive_name}: more than {MAX_MEMBERS} files in one archive.")
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_BYTES:
            raise DomainError(
                f"{archive_name}: unpacks to more than {MAX_TOTAL_BYTES // 2**30} GiB; "
                "upload it in parts."
            )
        for info in infos:
            if info.file_size > MAX_DOCUMENT_BYTES:
                raise DomainError(
                    f"{archive_name}: {info.filename} is larger than "
                    f"{MAX_DOCUMENT_BYTES // 2**20} MiB."
                )
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                raise DomainError(
                    f"{archive_name}: {info.filename} is compressed {MAX_RATIO}-fold or more, "
                    "which real documents never are; the archive was refused as a zip bomb."
                )
        members = []
        for info in infos:
            # Read at most the declared size plus one byte: a lying header cannot inflate us.
            try:
                with archive.open(info) as handle:
                    content = handle.read(info.file_size + 1)
            except (*_DAMAGED, RuntimeError) as exc:
                raise DomainError(
                    f"{archive_name}: {info.filename} cannot be unpacked ({exc})."
                ) from exc
            if len(content) > info.file_size:
                raise DomainError(f"{archive_name}: {info.filename} is larger than it declares.")
            members.append((PurePosixPath(info.filename).name, content))
    return members


def attach_many(
    project: Project,
    actor: AbstractBaseUser | None,
    files: Iterable[tuple[str, bytes]],
    kind: str = Document.Kind.PAPER,
    actor_name: str | None = None,
) -> BulkOutcome:
    outcome = BulkOutcome()
    for name, content in files:
        match = match_record(project, name) if kind == Document.Kind.PAPER else None
        try:
            document = attach_document(
                project,
                actor,
                name,
                content,
                record=match.record if match else None,
                kind=kind,
                actor_name=actor_name,
            )
        except DomainError as exc:
            outcome.refused.append(str(exc))
        else:
            outcome.attached.append(document)
    return outcome


def folder_files(folder: Path) -> list[tuple[str, bytes]]:
    """Every file under a folder (not hidden), for `retroduce attach`."""
    paths = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    return [(p.name, p.read_bytes()) for p in paths]
