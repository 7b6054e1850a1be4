"""Files written for a transaction that never committed are removed at the next start.

An import or restore writes its files before its transaction commits. Killed in between (the
subprocess tests in tests/site/test_killed_midway.py do that with SIGKILL), it leaves files no row
refers to; the journal it kept lets the next start find and remove them, and only them.
"""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from retroduce.core.files import PENDING_DIR, PendingFiles, stored_path, sweep_pending

pytestmark = pytest.mark.django_db


def _dead_journal(*relative: str) -> Path:
    """A journal as a process that no longer exists left it (pid 2**22 + 1 is above Linux's
    largest)."""
    folder = Path(settings.MEDIA_ROOT) / PENDING_DIR
    folder.mkdir(parents=True, exist_ok=True)
    host = socket.gethostname()[:24].replace(":", "-")
    journal = folder / f"files~{host}~4194305~12345~abcdef.txt"
    journal.write_text("".join(f"{name}\n" for name in relative))
    return journal


def test_the_next_start_removes_only_unreferenced_files_of_a_dead_writer(team, ready_document):
    kept = ready_document("kept.txt")  # its file is the document's: referenced
    orphan = stored_path("documents", team.project.slug, uuid.uuid4(), "orphan.pdf")
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"%PDF- half a restore")
    media = Path(settings.MEDIA_ROOT)
    journal = _dead_journal(kept.stored_file, str(orphan.relative_to(media)), "../outside.txt")
    outside = media.parent / "outside.txt"
    outside.write_text("not ours")

    assert sweep_pending() == [str(orphan.relative_to(media))]
    assert not orphan.exists() and not journal.exists()
    assert (media / kept.stored_file).exists() and outside.exists()


def test_a_live_writer_keeps_its_files_and_a_failed_one_removes_them(team):
    media = Path(settings.MEDIA_ROOT)
    there = uuid.uuid4()
    existing = stored_path("documents", team.project.slug, there, "there.txt")
    existing.parent.mkdir(parents=True, exist_ok=True)
    existing.write_bytes(b"written before")
    journals = set((media / PENDING_DIR).glob("*.txt"))  # other tests' rolled-back imports
    pending = PendingFiles()
    fresh = media / pending.store("documents", team.project.slug, uuid.uuid4(), "new.txt", b"1")
    pending.store("documents", team.project.slug, there, "there.txt", b"written again")
    assert sweep_pending() == []  # this process is alive: its transaction may still commit
    assert fresh.exists() and len(set((media / PENDING_DIR).glob("*.txt")) - journals) == 1
    pending.discard()  # the transaction failed
    assert not fresh.exists()
    assert existing.read_bytes() == b"written again"  # not ours to remove: it was there before
    assert set((media / PENDING_DIR).glob("*.txt")) == journals
