"""Coding work: fragments and their codes, memos and appraisals. Each writes the event log."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from retroduce.coding.anchoring import make_anchor
from retroduce.coding.codebook import create_code, live_codes
from retroduce.coding.models import (
    Appraisal,
    Code,
    Fragment,
    FragmentCode,
    Level,
    Memo,
    SuggestionVerdict,
)
from retroduce.core.concurrency import claim_revision
from retroduce.core.events import account
from retroduce.core.events import record as log
from retroduce.core.models import Project
from retroduce.core.services import DomainError
from retroduce.documents.models import Document

MAX_FRAGMENT_CHARS = 50_000


def _codes(project: Project, code_ids: Iterable[int]) -> list[Code]:
    ids = {int(i) for i in code_ids}
    codes = list(live_codes(project).filter(pk__in=ids))
    if len(codes) != len(ids):
        raise DomainError("One of those codes is not in this project (it may have been merged).")
    return codes


def code_passage(
    document: Document,
    actor: AbstractBaseUser | None,
    start: int,
    end: int,
    code_ids: Iterable[int] = (),
    new_code: str = "",
    new_code_parent: Code | None = None,
) -> Fragment:
    """Code a passage with existing codes and/or a new one.

    The same coder selecting exactly the same passage again adds codes to the fragment they
    already have, so one passage is one fragment per coder; others' fragments may overlap it.
    """
    project = document.project
    if document.status != Document.Status.READY:
        raise DomainError("This document's text is not ready to code yet.")
    if not (0 <= start < end <= len(document.text)):
        raise DomainError("The selection is outside the document's text.")
    if end - start > MAX_FRAGMENT_CHARS:
        raise DomainError(f"A fragment can be at most {MAX_FRAGMENT_CHARS:,} characters.")
    if not document.text[start:end].strip():
        raise DomainError("The selection holds only white space.")
    with transaction.atomic():
        codes = _codes(project, code_ids)
        if new_code.strip():
            codes.append(create_code(project, actor, new_code, parent=new_code_parent))
        if not codes:
            raise DomainError("Pick at least one code for the passage.")
        fragment = Fragment.objects.filter(
            document=document, start=start, end=end, coder=account(actor)
        ).first()
        created = fragment is None
        if created:
            anchor = make_anchor(document.text, start, end)
            fragment = Fragment.objects.create(
                document=document,
                start=start,
                end=end,
                page=document.page_of(start),
                quote=anchor.quote,
                prefix=anchor.prefix,
                suffix=anchor.suffix,
                extraction=document.extraction,
                coder=account(actor),
            )
        else:
            claim_revision(fragment, None, "coded passage")  # other tabs' forms are now stale
        added = []
        for code in codes:
            _coding, new = FragmentCode.objects.get_or_create(
                fragment=fragment, code=code, defaults={"coder": account(actor)}
            )
            if new:
                added.append(code.name)
        log(
            project,
            actor,
            "coded" if created else "added codes",
            fragment,
            label=f"{document.title}: “{fragment.quote[:120]}”",
            after={
                "document": str(document.uuid),
                "start": start,
                "end": end,
                "codes": added,
            },
        )
    return fragment


def uncode(
    fragment: Fragment, code: Code, actor: AbstractBaseUser | None, seen: int | None = None
) -> Fragment | None:
    """Remove one code; a fragment left with no code is removed too (and the log keeps it)."""
    with transaction.atomic():
        claim_revision(fragment, seen, "coded passage")
        deleted, _ = FragmentCode.objects.filter(fragment=fragment, code=code).delete()
        if not deleted:
            raise DomainError("That passage does not carry that code.")
        project = fragment.document.project
        if not fragment.codings.exists():
            _refuse_if_evidence(fragment)
            snapshot = deleted_snapshot(fragment, [code])
            log(project, actor, "deleted", fragment, before=snapshot)
            fragment.delete()
            return None
        log(project, actor, "removed code", fragment, before={"codes": [code.name]})
    return fragment


def _refuse_if_evidence(fragment: Fragment) -> None:
    cmocs = sorted({str(link.cmoc) for link in fragment.evidence_links.select_related("cmoc")})
    if cmocs:
        raise DomainError(
            f"This passage is evidence for {', '.join(cmocs)}; unlink it there first."
        )


def deleted_snapshot(fragment: Fragment, codes: list[Code]) -> dict:
    """Everything a deleted passage takes with it, so Undo (coding.undo) can bring it all back:
    its codes, and the memos and appraisals that cascade with it."""
    return {
        "document": str(fragment.document.uuid),
        "start": fragment.start,
        "end": fragment.end,
        "quote": fragment.quote,
        "coder": fragment.coder.get_username() if fragment.coder else None,
        "codes": [c.name for c in codes],
        "code_uuids": [str(c.uuid) for c in codes],
        "memos": [
            {
                "uuid": str(m.uuid),
                "kind": m.kind,
                "title": m.title,
                "text": m.text,
                "author": m.author.get_username() if m.author else None,
            }
            for m in fragment.memos.select_related("author")
        ],
        "appraisals": [
            {
                "uuid": str(a.uuid),
                "relevance": a.relevance,
                "rigour": a.rigour,
                "richness": a.richness,
                "rationale": a.rationale,
            }
            for a in fragment.appraisals.all()
        ],
    }


def delete_fragment(
    fragment: Fragment, actor: AbstractBaseUser | None, seen: int | None = None
) -> None:
    with transaction.atomic():
        claim_revision(fragment, seen, "coded passage")
        _refuse_if_evidence(fragment)
        snapshot = deleted_snapshot(fragment, list(fragment.codes.all()))
        log(fragment.document.project, actor, "deleted", fragment, before=snapshot)
        fragment.delete()


def write_memo(
    project: Project,
    actor: AbstractBaseUser | None,
    title: str,
    text: str,
    kind: str = Memo.Kind.ANALYTIC,
    *,
    fragment: Fragment | None = None,
    code: Code | None = None,
    document: Document | None = None,
) -> Memo:
    if kind not in Memo.Kind.values:
        raise DomainError(f"Unknown memo kind “{kind}”.")
    if not title.strip():
        raise DomainError("A memo needs a title.")
    targets = [t for t in (fragment, code, document) if t is not None]
    if len(targets) > 1:
        raise DomainError(
            "A memo is about one thing: a fragment, a code, a document or the project."
        )
    owner = (
        fragment.document.project_id
        if fragment
        else code.project_id
        if code
        else document.project_id
        if document
        else project.pk
    )
    if owner != project.pk:
        raise DomainError("That memo's subject is in another project.")
    with transaction.atomic():
        memo = Memo.objects.create(
            project=project,
            kind=kind,
            title=title.strip()[:300],
            text=text.strip(),
            fragment=fragment,
            code=code,
            document=document,
            author=account(actor),
        )
        log(project, actor, "wrote memo", memo, after={"kind": kind, "about": memo.target_label})
    return memo


def update_memo(
    memo: Memo,
    actor: AbstractBaseUser | None,
    title: str,
    text: str,
    kind: str,
    seen: int | None = None,
) -> Memo:
    if kind not in Memo.Kind.values:
        raise DomainError(f"Unknown memo kind “{kind}”.")
    if not title.strip():
        raise DomainError("A memo needs a title.")
    before = {"title": memo.title, "text": memo.text, "kind": memo.kind}
    with transaction.atomic():
        claim_revision(memo, seen, "memo")
        memo.title, memo.text, memo.kind = title.strip()[:300], text.strip(), kind
        memo.save()
        log(
            memo.project,
            actor,
            "updated",
            memo,
            before=before,
            after={"title": memo.title, "text": memo.text, "kind": memo.kind},
        )
    return memo


def appraise(
    project: Project,
    actor: AbstractBaseUser | None,
    *,
    relevance: str,
    rigour: str,
    richness: str,
    rationale: str = "",
    document: Document | None = None,
    fragment: Fragment | None = None,
) -> Appraisal:
    """Record (or revise) the appraisal of a document or a fragment; the log keeps each version."""
    if (document is None) == (fragment is None):
        raise DomainError("Appraise either a document or a fragment.")
    for label, value in (("relevance", relevance), ("rigour", rigour), ("richness", richness)):
        if value not in Level.values:
            raise DomainError(f"Rate {label} as high, medium or low.")
    subject_project = (document or fragment.document).project_id  # type: ignore[union-attr]
    if subject_project != project.pk:
        raise DomainError("That document is in another project.")
    with transaction.atomic():
        lookup = {"fragment": fragment} if fragment else {"document": document, "fragment": None}
        appraisal = Appraisal.objects.filter(**lookup).first()
        before = (
            None
            if appraisal is None
            else {
                "relevance": appraisal.relevance,
                "rigour": appraisal.rigour,
                "richness": appraisal.richness,
                "rationale": appraisal.rationale,
            }
        )
        if appraisal is None:
            appraisal = Appraisal(project=project, document=document, fragment=fragment)
        appraisal.relevance, appraisal.rigour, appraisal.richness = relevance, rigour, richness
        appraisal.rationale = rationale.strip()
        appraisal.appraiser = account(actor)
        appraisal.save()
        subject = fragment or document
        log(
            project,
            actor,
            "appraised",
            subject,  # type: ignore[arg-type]
            before=before,
            after={
                "relevance": relevance,
                "rigour": rigour,
                "richness": richness,
                "rationale": appraisal.rationale,
            },
        )
    return appraisal


def decide_suggestion(
    document: Document,
    code: Code,
    actor: AbstractBaseUser | None,
    start: int,
    end: int,
    accepted: bool,
) -> SuggestionVerdict:
    """Accepting codes the passage; rejecting keeps it as a counter-example for the ranking."""
    if code.project_id != document.project_id:
        raise DomainError("That code is in another project.")
    if not (0 <= start < end <= len(document.text)):
        raise DomainError("That passage is no longer in the document's text.")
    with transaction.atomic():
        verdict, _ = SuggestionVerdict.objects.update_or_create(
            code=code,
            document=document,
            start=start,
            end=end,
            defaults={
                "text": document.text[start:end],
                "accepted": accepted,
                "decided_by": account(actor),
            },
        )
        if accepted:
            code_passage(document, actor, start, end, [code.pk])
        else:
            log(
                document.project,
                actor,
                "rejected suggestion",
                code,
                after={"document": str(document.uuid), "start": start, "end": end},
            )
    return verdict
