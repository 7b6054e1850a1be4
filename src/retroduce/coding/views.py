"""Coding from the document viewer: a small JSON API for the highlighter, plus memo and appraisal forms."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from retroduce.coding import services
from retroduce.coding.codebook import live_codes
from retroduce.coding.models import Code, Fragment, Memo
from retroduce.coding.retrieval import visible_fragments
from retroduce.core.concurrency import EditConflict, kept_text, seen_revision
from retroduce.core.permissions import Action, project_for
from retroduce.core.services import DomainError
from retroduce.documents.models import Document


def _fragment_json(fragment: Fragment) -> dict:
    return {
        "id": fragment.pk,
        "start": fragment.start,
        "end": fragment.end,
        "page": fragment.page,
        "quote": fragment.quote,
        "revision": fragment.revision,
        "codes": [{"id": c.pk, "name": c.name} for c in fragment.codes.all()],
    }


@require_POST
def fragment_create(request: HttpRequest, slug: str, document_id: int) -> JsonResponse:
    """Body: {"start": int, "end": int, "codes": [id…], "new_code": str, "new_code_parent": id}."""
    project, _ = project_for(request, slug, Action.REVIEW)
    document = get_object_or_404(Document, project=project, pk=document_id)
    try:
        body = json.loads(request.body or b"{}")
        start, end = int(body["start"]), int(body["end"])
        code_ids = [int(c) for c in body.get("codes", [])]
        parent_id = body.get("new_code_parent")
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "Send start, end and codes as JSON."}, status=400)
    parent = live_codes(project).filter(pk=parent_id).first() if parent_id else None
    try:
        fragment = services.code_passage(
            document,
            request.user,
            start,
            end,
            code_ids,
            new_code=str(body.get("new_code") or ""),
            new_code_parent=parent,
        )
    except DomainError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(_fragment_json(fragment), status=201)


def _my_fragment(request: HttpRequest, slug: str, fragment_id: int) -> Fragment:
    project, membership = project_for(request, slug, Action.REVIEW)
    return get_object_or_404(
        visible_fragments(project, membership).select_related("document__project"),
        pk=fragment_id,
    )


@require_POST
def fragment_uncode(request: HttpRequest, slug: str, fragment_id: int) -> HttpResponse:
    fragment = _my_fragment(request, slug, fragment_id)
    code = get_object_or_404(Code, project=fragment.document.project, pk=request.POST.get("code"))
    try:
        services.uncode(fragment, code, request.user, seen_revision(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Removed “{code}” from the passage.")
    return redirect(_back(request, fragment))


@require_POST
def fragment_delete(request: HttpRequest, slug: str, fragment_id: int) -> HttpResponse:
    fragment = _my_fragment(request, slug, fragment_id)
    back = _back(request, fragment)
    try:
        services.delete_fragment(fragment, request.user, seen_revision(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, "Fragment removed; the History page keeps its quote and can bring it back."
        )
    return redirect(back)


def _next(request: HttpRequest) -> str | None:
    """Where a form asked to return to, if it is a page of ours (never another site)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


def _back(request: HttpRequest, fragment: Fragment) -> str:
    return _next(request) or (
        reverse("document", args=[fragment.document.project.slug, fragment.document_id])
        + f"?page={fragment.page}#fragment-{fragment.pk}"
    )


@require_POST
def memo_create(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.REVIEW)
    target: dict = {}
    if request.POST.get("fragment"):
        target["fragment"] = get_object_or_404(
            visible_fragments(project, membership), pk=request.POST["fragment"]
        )
    elif request.POST.get("code"):
        target["code"] = get_object_or_404(live_codes(project), pk=request.POST["code"])
    elif request.POST.get("document"):
        target["document"] = get_object_or_404(
            Document, project=project, pk=request.POST["document"]
        )
    try:
        memo = services.write_memo(
            project,
            request.user,
            request.POST.get("title", ""),
            request.POST.get("text", ""),
            request.POST.get("kind", Memo.Kind.ANALYTIC),
            **target,
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Memo “{memo}” saved.")
    return redirect(_next(request) or reverse("memos", args=[project.slug]))


@require_POST
def memo_update(request: HttpRequest, slug: str, memo_id: int) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    memo = get_object_or_404(Memo, project=project, pk=memo_id)
    try:
        services.update_memo(
            memo,
            request.user,
            request.POST.get("title", ""),
            request.POST.get("text", ""),
            request.POST.get("kind", memo.kind),
            seen_revision(request),
        )
    except EditConflict as exc:
        messages.error(request, str(exc))
        messages.info(
            request,
            kept_text(
                {"title": request.POST.get("title", ""), "text": request.POST.get("text", "")}
            ),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Memo saved.")
    return redirect("memos", slug=project.slug)


@require_POST
def appraise(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    project, membership = project_for(request, slug, Action.REVIEW)
    document = get_object_or_404(Document, project=project, pk=document_id)
    fragment = None
    if request.POST.get("fragment"):
        fragment = get_object_or_404(
            visible_fragments(project, membership).filter(document=document),
            pk=request.POST["fragment"],
        )
    try:
        services.appraise(
            project,
            request.user,
            relevance=request.POST.get("relevance", ""),
            rigour=request.POST.get("rigour", ""),
            richness=request.POST.get("richness", ""),
            rationale=request.POST.get("rationale", ""),
            document=None if fragment else document,
            fragment=fragment,
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Appraisal saved.")
    return redirect("document", slug=project.slug, document_id=document.pk)
