"""Importing an export file into a project: store it, parse it, save every record or none, dedup.

The same function runs inside the background task (web upload) and in `retroduce import`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from retroduce.core.events import account
from retroduce.core.events import record as log
from retroduce.core.files import store_file
from retroduce.core.limits import importer_limits
from retroduce.core.models import Project
from retroduce.core.progress import Reporter, silent
from retroduce.core.services import DomainError
from retroduce.sources.duplicates import dedup_project
from retroduce.sources.importers import parse_file
from retroduce.sources.models import ImportBatch, Origin, Record, SearchEpisode
from retroduce.sources.records import ImportFailure, RecordData

SAVE_CHUNK = 2000


def store_upload(
    project: Project,
    actor: AbstractBaseUser | None,
    file_name: str,
    data: bytes,
    episode: SearchEpisode | None = None,
) -> ImportBatch:
    """Keep the export file as it came (RAMESES 8 asks for the searches as run) and queue a batch."""
    if episode is not None and episode.project_id != project.pk:
        raise DomainError("That search episode belongs to another project.")
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise DomainError(
            f"{file_name}: the file is larger than {settings.MAX_UPLOAD_BYTES // 2**20} MiB "
            "(RETRODUCE_MAX_UPLOAD_MB)."
        )
    batch = ImportBatch.objects.create(
        project=project,
        episode=episode,
        file_name=Path(file_name).name[:300],
        file_size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=account(actor),
    )
    batch.stored_file = store_file("imports", project.slug, batch.uuid, file_name, data)
    batch.save(update_fields=["stored_file"])
    return batch


def stored_bytes(batch: ImportBatch) -> bytes:
    return (Path(settings.MEDIA_ROOT) / batch.stored_file).read_bytes()


def _search_text(data: RecordData) -> str:
    return " ".join([data.title, " ".join(data.authors), data.doi, data.journal, data.year]).lower()


def _to_record(project: Project, batch: ImportBatch, d: RecordData) -> Record:
    return Record(
        project=project,
        batch=batch,
        title=d.title,
        authors=d.authors,
        year=d.year[:20],
        journal=d.journal,
        volume=d.volume[:100],
        number=d.number[:100],
        pages=d.pages[:100],
        doi=d.doi[:300],
        abstract=d.abstract,
        keywords=d.keywords,
        item_type=d.item_type,
        issn=d.issn[:100],
        isbn=d.isbn[:100],
        publisher=d.publisher,
        language=d.language[:100],
        url=d.url,
        pmid=d.pmid[:40],
        database=d.database[:200],
        accession=d.accession[:200],
        extra=d.extra,
        raw=d.raw,
        source_line=d.line,
        search_text=_search_text(d),
    )


class _Phases:
    """Maps the three phases (parse, save, deduplicate) onto one 0..100 progress bar."""

    SPANS = {"parse": (0, 60), "save": (60, 75), "dedup": (75, 100)}

    def __init__(self, report: Reporter) -> None:
        self.report = report

    def phase(self, name: str, label: str) -> Reporter:
        start, end = self.SPANS[name]

        def report(done: int, total: int, message: str = "") -> None:
            fraction = done / total if total else 1.0
            self.report(start + int((end - start) * min(fraction, 1.0)), 100, message or label)

        return report


@dataclass
class ImportOutcome:
    batch: ImportBatch
    summary: str


def run_import(
    batch: ImportBatch,
    actor: AbstractBaseUser | None,
    report: Reporter = silent,
    *,
    actor_name: str | None = None,
) -> ImportOutcome:
    """Parse and save one stored file. On any problem nothing is saved and the batch says why."""
    project = batch.project
    phases = _Phases(report)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING)
    try:
        parsed = parse_file(
            batch.file_name,
            stored_bytes(batch),
            limits=importer_limits(),
            report=phases.phase("parse", "Reading"),
        )
    except ImportFailure as exc:
        return _refuse(batch, actor, str(exc), actor_name)
    except OSError as exc:
        return _refuse(
            batch, actor, f"{batch.file_name}: the stored file cannot be read ({exc})", actor_name
        )
    save = phases.phase("save", "Saving records")
    total = len(parsed.records)
    # Records, origins, the batch's outcome and the automatic deduplication land together: an
    # import killed at any point (kill -9, a crash) leaves the project's records as they were.
    with transaction.atomic():
        # Built and inserted a chunk at a time, so 100k records never sit in memory twice over.
        for start in range(0, total, SAVE_CHUNK):
            chunk = parsed.records[start : start + SAVE_CHUNK]
            created = Record.objects.bulk_create([_to_record(project, batch, d) for d in chunk])
            Origin.objects.bulk_create(
                [Origin(record=r, batch=batch, episode_id=batch.episode_id) for r in created]
            )
            done = start + len(chunk)
            save(done, total, f"Saved {done:,} of {total:,} records")
        batch.status = ImportBatch.Status.DONE
        batch.format, batch.encoding = parsed.format, parsed.encoding
        batch.record_count, batch.warnings, batch.error = total, parsed.warnings, ""
        batch.save()
        log(
            project,
            actor,
            "imported",
            batch,
            actor_name=actor_name,
            after={
                "file": batch.file_name,
                "format": parsed.format,
                "encoding": parsed.encoding,
                "records": len(created),
                "sha256": batch.sha256,
                "episode": str(batch.episode) if batch.episode else None,
            },
        )
        outcome = dedup_project(
            project, actor, phases.phase("dedup", "Finding duplicates"), actor_name=actor_name
        )
        ImportBatch.objects.filter(pk=batch.pk).update(
            duplicates_merged=outcome.merged, pairs_for_review=outcome.new_pairs
        )
    batch.refresh_from_db()
    summary = (
        f"{batch.file_name}: imported {batch.record_count:,} records ({parsed.format}, "
        f"{parsed.encoding}); merged {outcome.merged:,} duplicates automatically; "
        f"{outcome.new_pairs:,} possible duplicates to review."
    )
    report(100, 100, summary)
    return ImportOutcome(batch, summary)


def _refuse(
    batch: ImportBatch, actor: AbstractBaseUser | None, reason: str, actor_name: str | None
) -> ImportOutcome:
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED, error=reason
        )
        batch.refresh_from_db()
        log(
            batch.project,
            actor,
            "refused",
            batch,
            after={"file": batch.file_name, "reason": reason},
            actor_name=actor_name,
        )
    return ImportOutcome(batch, reason)
