"""Keeping uploaded files as they came, under MEDIA_ROOT, with names that cannot escape it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

from django.conf import settings
from django.db import transaction


def safe_file_name(name: str, fallback: str = "upload") -> str:
    # Browsers on Windows may send the whole path; keep only the last part and plain characters.
    base = Path(name.replace("\\", "/")).name
    return re.sub(r"[^A-Za-z0-9._-]+", "_", base)[:120] or fallback


def stored_path(area: str, project_slug: str, uuid: UUID, name: str) -> Path:
    """Where store_file keeps this file: MEDIA_ROOT/area/project/uuid-name."""
    return Path(settings.MEDIA_ROOT) / area / project_slug / f"{uuid}-{safe_file_name(name)}"


def store_file(area: str, project_slug: str, uuid: UUID, name: str, data: bytes) -> str:
    """Write `data` to MEDIA_ROOT/area/project/uuid-name and return that path relative to MEDIA_ROOT."""
    path = stored_path(area, project_slug, uuid, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path.relative_to(settings.MEDIA_ROOT))


PENDING_DIR = ".pending"


class PendingFiles:
    """Files written for a database transaction that has not committed yet.

    Each file is listed in a journal on disk before it is written. When the transaction commits the
    journal goes (the rows now refer to the files); when it fails the files and the journal go. A
    process killed in between (kill -9, a crash) leaves the journal, and `sweep_pending` at the next
    start deletes the files it lists that no row refers to. Files that were already there before
    (the same name written again) are never listed, so they are never removed.
    """

    def __init__(self) -> None:
        self.paths: list[Path] = []
        self._journal: Path | None = None

    def store(self, area: str, project_slug: str, uuid: UUID, name: str, data: bytes) -> str:
        path = stored_path(area, project_slug, uuid, name)
        if not path.exists():
            self._note(path)
        return store_file(area, project_slug, uuid, name, data)

    def _note(self, path: Path) -> None:
        if self._journal is None:
            from retroduce.core.interrupted import new_worker_id

            folder = Path(settings.MEDIA_ROOT) / PENDING_DIR
            folder.mkdir(parents=True, exist_ok=True)
            self._journal = folder / f"{new_worker_id('files').replace(':', '~')}.txt"
        with self._journal.open("a", encoding="utf-8") as journal:
            journal.write(f"{path.relative_to(settings.MEDIA_ROOT)}\n")
        self.paths.append(path)

    def committed(self) -> None:
        if self._journal is not None:
            self._journal.unlink(missing_ok=True)
            self._journal = None
        self.paths = []

    def discard(self) -> None:
        for path in self.paths:
            path.unlink(missing_ok=True)
        self.committed()


@contextmanager
def pending_files() -> Iterator[PendingFiles]:
    """Files written for the transaction this block opens or runs in: deleted again if the block
    fails, kept once it commits (at once when it runs outside a transaction)."""
    written = PendingFiles()
    try:
        yield written
    except BaseException:
        written.discard()
        raise
    transaction.on_commit(written.committed)


def _referenced(relative: str) -> bool:
    """Whether any row keeps this file (every model's `stored_file` field)."""
    from django.apps import apps

    return any(
        model.objects.filter(stored_file=relative).exists()
        for model in apps.get_models()
        if any(field.name == "stored_file" for field in model._meta.concrete_fields)
    )


def sweep_pending() -> list[str]:
    """Delete the files of transactions whose process died before they committed; returns them."""
    from retroduce.core.interrupted import worker_alive

    media = Path(settings.MEDIA_ROOT).resolve()
    folder = media / PENDING_DIR
    if not folder.is_dir():
        return []
    removed = []
    for journal in sorted(folder.glob("*.txt")):
        if worker_alive(journal.stem.replace("~", ":")):
            continue  # still writing (or another host's process: cannot tell, so leave it)
        for line in journal.read_text(encoding="utf-8").splitlines():
            path = (media / line).resolve()
            if line and path.is_relative_to(media) and not _referenced(line):
                path.unlink(missing_ok=True)
                removed.append(line)
        journal.unlink(missing_ok=True)
    return removed
