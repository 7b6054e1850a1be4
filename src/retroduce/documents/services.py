"""Attaching full texts, extracting their text, and keeping fragments anchored when text changes."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from retroduce.core.events import account
from retroduce.core.events import record as log
from retroduce.core.files import store_file
from retroduce.core.limits import extraction_limits
from retroduce.core.models import Project
from retroduce.core.progress import Reporter, silent
from retroduce.core.services import DomainError
from retroduce.documents.extraction import ExtractionError, detect_kind, extract
from retroduce.documents.models import Document
from retroduce.sources.models import Record

MAX_DOCUMENT_BYTES = 200 * 1024 * 1024


def _title_from(file_name: str) -> str:
    stem = Path(file_name.replace("\\", "/")).stem
    return re.sub(r"[_\s]+", " ", stem).strip()[:500] or "Untitled document"


def stored_path(document: Document) -> Path:
    return Path(settings.MEDIA_ROOT) / document.stored_file


def attach_document(
    project: Project,
    actor: AbstractBaseUser | None,
    file_name: str,
    data: bytes,
    *,
    record: Record | None = None,
    kind: str = Document.Kind.PAPER,
    title: str = "",
    actor_name: str | None = None,
) -> Document:
    """Keep the file as it came and queue its text extraction.

    The format is decided from the content now, so a file we cannot read is refused at once
    with the reason, instead of failing later in the background.
    """
    name = Path(file_name.replace("\\", "/")).name[:300] or "document"
    if record is not None and record.project_id != project.pk:
        raise DomainError("That record belongs to another project.")
    if kind not in Document.Kind.values:
        raise DomainError(f"Unknown document kind “{kind}”.")
    if not data:
        raise DomainError(f"{name}: the file is empty.")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DomainError(f"{name}: the file is larger than {MAX_DOCUMENT_BYTES // 2**20} MiB.")
    try:
        file_format = detect_kind(data, name)
    except ExtractionError as exc:
        raise DomainError(str(exc)) from exc
    digest = hashlib.sha256(data).hexdigest()
    same = Document.objects.filter(project=project, sha256=digest).first()
    if same is not None:
        raise DomainError(f"{name}: the same file is already attached as “{same.title}”.")
    with transaction.atomic():
        document = Document.objects.create(
            project=project,
            record=record,
            kind=kind,
            title=(title or (record.title if record else "") or _title_from(name))[:500],
            file_name=name,
            file_format=file_format,
            size=len(data),
            sha256=digest,
            created_by=account(actor),
        )
        document.stored_file = store_file("documents", project.slug, document.uuid, name, data)
        document.save(update_fields=["stored_file"])
        log(
            project,
            actor,
            "attached",
            document,
            after={"file": name, "kind": kind, "record": record.pk if record else None},
            actor_name=actor_name,
        )
    return document


@dataclass(frozen=True)
class ExtractionOutcome:
    document: Document
    ok: bool
    summary: str
    reanchored: int = 0
    lost: int = 0


def run_extraction(
    document: Document,
    actor: AbstractBaseUser | None = None,
    report: Reporter = silent,
    actor_name: str | None = None,
) -> ExtractionOutcome:
    """Extract the text; on a re-extraction, move every fragment to where its quote now is."""
    from retroduce.coding.anchoring import Anchor, reanchor  # coding builds on documents
    from retroduce.coding.models import Fragment

    Document.objects.filter(pk=document.pk).update(status=Document.Status.EXTRACTING)
    try:
        data = stored_path(document).read_bytes()
        extracted = extract(
            data,
            document.file_name,
            limits=extraction_limits(),
            progress=lambda done, total: report(done, total, "pages"),
        )
    except (ExtractionError, OSError) as exc:
        message = str(exc)
        Document.objects.filter(pk=document.pk).update(status=Document.Status.FAILED, error=message)
        document.refresh_from_db()
        return ExtractionOutcome(document, False, message)

    moved = lost = 0
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        previous = document.extraction
        document.text = extracted.text
        document.pages = [[p.start, p.end] for p in extracted.pages]
        document.needs_ocr = extracted.needs_ocr
        document.pages_without_text = list(extracted.pages_without_text)
        document.encoding = extracted.encoding or ""
        document.warnings = list(extracted.warnings)
        document.file_format = extracted.kind
        document.status = Document.Status.READY
        document.error = ""
        document.extraction = previous + 1
        document.extracted_at = timezone.now()
        document.save()
        for fragment in Fragment.objects.filter(document=document):
            found = reanchor(
                document.text,
                Anchor(
                    start=fragment.start,
                    end=fragment.end,
                    quote=fragment.quote,
                    prefix=fragment.prefix,
                    suffix=fragment.suffix,
                ),
            )
            if found is None:
                fragment.anchor = Fragment.Anchor.LOST
                lost += 1
            else:
                if (found.start, found.end) != (fragment.start, fragment.end):
                    moved += 1
                fragment.start, fragment.end = found.start, found.end
                fragment.page = document.page_of(found.start)
                fragment.anchor = Fragment.Anchor.EXACT if found.exact else Fragment.Anchor.MOVED
            fragment.extraction = document.extraction
            fragment.save(update_fields=["start", "end", "page", "anchor", "extraction"])
        log(
            document.project,
            actor,
            "extracted" if previous == 0 else "re-extracted",
            document,
            after={
                "pages": len(document.pages),
                "characters": len(document.text),
                "needs_ocr": document.needs_ocr,
                "fragments_moved": moved,
                "fragments_lost": lost,
            },
            actor_name=actor_name,
        )
    pages = len(document.pages)
    summary = f"{document.file_name}: {pages} page{'s' if pages != 1 else ''} of text"
    if document.needs_ocr:
        summary += f"; no text layer on page(s) {_page_list(document.pages_without_text)}"
    if moved or lost:
        summary += f"; {moved} fragment(s) re-anchored, {lost} not found"
    return ExtractionOutcome(document, True, summary, moved, lost)


def _page_list(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


def update_document(
    document: Document,
    actor: AbstractBaseUser | None,
    *,
    title: str | None = None,
    kind: str | None = None,
    record: Record | None | bool = False,
    study_design: str | None = None,
    country: str | None = None,
    setting: str | None = None,
) -> Document:
    """Rename, re-classify, describe or (un)link a document; `record=False` keeps the link."""
    described = {"study_design": study_design, "country": country, "setting": setting}
    before = {
        "title": document.title,
        "kind": document.kind,
        "record": document.record_id,
        **{k: getattr(document, k) for k, v in described.items() if v is not None},
    }
    if kind is not None and kind not in Document.Kind.values:
        raise DomainError(f"Unknown document kind “{kind}”.")
    if record not in (False, None) and record.project_id != document.project_id:
        raise DomainError("That record belongs to another project.")
    with transaction.atomic():
        if title is not None:
            if not title.strip():
                raise DomainError("A document needs a title.")
            document.title = title.strip()[:500]
        if kind is not None:
            document.kind = kind
        if record is not False:
            document.record = record
        for key, value in described.items():
            if value is not None:
                setattr(document, key, value.strip()[:300])
        document.save()
        after = {
            "title": document.title,
            "kind": document.kind,
            "record": document.record_id,
            **{k: getattr(document, k) for k, v in described.items() if v is not None},
        }
        log(document.project, actor, "updated", document, before=before, after=after)
    return document


def set_sharing(document: Document, actor: AbstractBaseUser | None, shared: bool) -> Document:
    with transaction.atomic():
        before = document.shared_with_stakeholders
        document.shared_with_stakeholders = shared
        document.save(update_fields=["shared_with_stakeholders"])
        log(
            document.project,
            actor,
            "shared" if shared else "unshared",
            document,
            before={"shared_with_stakeholders": before},
            after={"shared_with_stakeholders": shared},
        )
    return document


def set_check_coder(
    document: Document, actor: AbstractBaseUser | None, coder: AbstractBaseUser | None
) -> Document:
    """Name the second coder, who codes without seeing the others' fragments on this document."""
    from retroduce.core.models import Membership

    if (
        coder is not None
        and not Membership.objects.filter(
            project=document.project, user=coder, role__in=["owner", "reviewer"]
        ).exists()
    ):
        raise DomainError("The second coder must be a reviewer or owner of this project.")
    with transaction.atomic():
        before = document.check_coder_id
        document.check_coder = coder
        document.save(update_fields=["check_coder"])
        log(
            document.project,
            actor,
            "assigned second coder",
            document,
            before={"check_coder": before},
            after={"check_coder": coder.pk if coder else None},
        )
    return document


def link_by_text(document: Document, actor: AbstractBaseUser | None) -> str | None:
    """After extraction, link an unlinked paper to its record by a DOI or title in its text."""
    from retroduce.documents.matching import match_record

    if document.record_id or document.kind != Document.Kind.PAPER:
        return None
    first_line = document.text.strip().split("\n", 1)[0] if document.text else ""
    match = match_record(document.project, "", document.text, title=first_line)
    if match is None:
        return None
    update_document(document, actor, record=match.record)
    return match.how


def queue_extraction(document: Document, actor: AbstractBaseUser | None) -> Document:
    """Queue (or re-queue) text extraction in the background, with progress."""
    from retroduce.core.progress import enqueue_with_progress
    from retroduce.documents.tasks import extract_task

    progress = enqueue_with_progress(
        extract_task,
        f"Extracting text from {document.file_name}",
        project=document.project,
        user=actor,
        document_id=document.pk,
    )
    Document.objects.filter(pk=document.pk).update(
        task_id=progress.task_id, status=Document.Status.QUEUED
    )
    document.refresh_from_db()
    return document
