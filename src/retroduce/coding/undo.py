"""Undoing a deleted passage and a code merge, from what their events logged."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from retroduce.coding.anchoring import make_anchor
from retroduce.coding.codebook import descendants_and_self
from retroduce.coding.models import Appraisal, Code, Fragment, FragmentCode, Memo
from retroduce.core.models import Event, Project
from retroduce.core.services import DomainError
from retroduce.core.undo import Undoer, register, user_named
from retroduce.documents.models import Document


def _live(code: Code | None) -> Code | None:
    """A code, or what it was merged into since."""
    seen = set()
    while code is not None and code.merged_into_id and code.pk not in seen:
        seen.add(code.pk)
        code = code.merged_into
    return code


def restore_passage(project: Project, event: Event, actor: AbstractBaseUser) -> Fragment:
    before = event.before or {}
    document = Document.objects.filter(project=project, uuid=before.get("document")).first()
    if document is None:
        raise DomainError("The document of that passage is gone, so it cannot come back.")
    if Fragment.objects.filter(uuid=event.object_id).exists():
        raise DomainError("That passage is already back.")
    start, end, quote = before.get("start", 0), before.get("end", 0), before.get("quote", "")
    if document.text[start:end] != quote:
        # Re-extracted since: find the quote where it now is.
        start = document.text.find(quote)
        if not quote or start < 0:
            raise DomainError("The passage is no longer in the document's text.")
        end = start + len(quote)
    anchor = make_anchor(document.text, start, end)
    fragment = Fragment.objects.create(
        uuid=event.object_id,
        document=document,
        start=start,
        end=end,
        page=document.page_of(start),
        quote=anchor.quote,
        prefix=anchor.prefix,
        suffix=anchor.suffix,
        extraction=document.extraction,
        coder=user_named(before.get("coder")),
    )
    codes = [
        _live(Code.objects.filter(project=project, uuid=u).first())
        for u in before.get("code_uuids", [])
    ]
    for code in {c.pk: c for c in codes if c is not None}.values():
        FragmentCode.objects.create(fragment=fragment, code=code, coder=fragment.coder)
    if not fragment.codings.exists():
        raise DomainError("None of that passage's codes is left, so it cannot come back.")
    for memo in before.get("memos", []):
        Memo.objects.create(
            uuid=memo["uuid"],
            project=project,
            fragment=fragment,
            kind=memo["kind"],
            title=memo["title"],
            text=memo["text"],
            author=user_named(memo.get("author")),
        )
    for appraisal in before.get("appraisals", []):
        Appraisal.objects.create(
            uuid=appraisal["uuid"],
            project=project,
            fragment=fragment,
            relevance=appraisal["relevance"],
            rigour=appraisal["rigour"],
            richness=appraisal["richness"],
            rationale=appraisal["rationale"],
        )
    return fragment


def unmerge_code(project: Project, event: Event, actor: AbstractBaseUser) -> Code:
    after = event.after or {}
    source = Code.objects.filter(project=project, uuid=event.object_id).first()
    target = Code.objects.filter(project=project, uuid=after.get("into_uuid")).first()
    if source is None or target is None or source.merged_into_id != target.pk:
        raise DomainError("The codes have changed since the merge, so it cannot be undone here.")
    if target.merged_into_id:
        raise DomainError(f"“{target}” was merged again since; undo that merge first.")
    for uuid in after.get("moved_passages", []):
        FragmentCode.objects.filter(fragment__uuid=uuid, code=target).update(code=source)
    for uuid in after.get("passages_already_coded", []):
        fragment = Fragment.objects.filter(uuid=uuid, document__project=project).first()
        if fragment is not None:
            FragmentCode.objects.get_or_create(fragment=fragment, code=source)
    Code.objects.filter(project=project, uuid__in=after.get("moved_children", [])).update(
        parent=source
    )
    Memo.objects.filter(project=project, uuid__in=after.get("moved_memos", [])).update(code=source)
    source.merged_into = None
    source.save(update_fields=["merged_into"])
    # The children took the target's kind when they moved; they get their parent's back.
    Code.objects.filter(pk__in=descendants_and_self(source)).update(kind=source.kind)
    return source


register("fragment", "deleted", Undoer("Bring the passage back", restore_passage))
register("code", "merged", Undoer("Undo the merge", unmerge_code))
