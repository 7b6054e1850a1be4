"""Coding pages: the codebook, a code's fragments, the matrix, co-occurrence and memos."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from retroduce.coding import codebook
from retroduce.coding.models import Code, Memo
from retroduce.coding.retrieval import (
    code_document_matrix,
    cooccurrence,
    fragment_counts,
    fragments_for_code,
    visible_documents,
)
from retroduce.core.concurrency import EditConflict, kept_text, seen_revision
from retroduce.core.permissions import Action, can, project_for
from retroduce.core.services import DomainError
from retroduce.core.tables import table_response

FORMATS = ("csv", "xlsx")


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404("Export as csv or xlsx.")
    return fmt


def codebook_page(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_ALL)
    codebook.ensure_codebook(project)
    counts = fragment_counts(project, membership)
    tree = codebook.code_tree(project)
    from retroduce.theory.models import Component, Provenance

    unsupported = set(
        Component.objects.filter(version__project=project, version__frozen=False)
        .exclude(provenance=Provenance.EMPIRICAL)
        .values_list("lineage", flat=True)
    )
    return render(
        request,
        "coding/codebook.html",
        {
            "project": project,
            "section": "coding",
            "unsupported": unsupported,
            "tree": [(code, depth, counts.get(code.pk, 0)) for code, depth in tree],
            "parents": tree,
            "can_edit": can(membership.role, Action.REVIEW),
        },
    )


def _code(project, code_id: int) -> Code:  # noqa: ANN001
    return get_object_or_404(codebook.live_codes(project), pk=code_id)


def _parent(project, value: str | None) -> Code | None:  # noqa: ANN001
    return _code(project, int(value)) if value else None


@require_POST
def code_create(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    try:
        code = codebook.create_code(
            project,
            request.user,
            request.POST.get("name", ""),
            parent=_parent(project, request.POST.get("parent")),
            description=request.POST.get("description", ""),
            colour=request.POST.get("colour", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Code “{code}” created.")
    return redirect("codebook", slug=project.slug)


@require_POST
def code_edit(request: HttpRequest, slug: str, code_id: int) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    code = _code(project, code_id)
    action = request.POST.get("action", "update")
    try:
        if action == "move":
            codebook.move_code(code, request.user, _parent(project, request.POST.get("parent")))
            messages.success(request, f"Moved “{code}”.")
        elif action == "merge":
            target = _code(project, int(request.POST.get("into") or 0))
            codebook.merge_codes(code, target, request.user)
            messages.success(
                request,
                f"Merged “{code}” into “{target}”; its fragments moved. Undo it from the History page.",
            )
            return redirect("code", slug=project.slug, code_id=target.pk)
        else:
            codebook.update_code(
                code,
                request.user,
                name=request.POST.get("name"),
                description=request.POST.get("description"),
                colour=request.POST.get("colour"),
                seen=seen_revision(request),
            )
            messages.success(request, f"Saved “{code}”.")
    except DomainError as exc:
        messages.error(request, str(exc))
        if isinstance(exc, EditConflict):
            said = {k: request.POST.get(k, "") for k in ("name", "description")}
            messages.info(request, kept_text(said))
    return redirect("code", slug=project.slug, code_id=code.pk)


def code_detail(request: HttpRequest, slug: str, code_id: int) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_ALL)
    code = _code(project, code_id)
    document = None
    if request.GET.get("document"):
        document = get_object_or_404(
            visible_documents(project, membership), pk=request.GET["document"]
        )
    with_children = request.GET.get("children", "1") != "0"
    fragments = fragments_for_code(code, membership, document=document, with_children=with_children)
    page = Paginator(fragments, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "coding/code.html",
        {
            "project": project,
            "section": "coding",
            "code": code,
            "document": document,
            "with_children": with_children,
            "page": page,
            "parents": codebook.code_tree(project),
            "memos": code.memos.select_related("author"),
            "memo_kinds": Memo.Kind.choices,
            "can_edit": can(membership.role, Action.REVIEW),
        },
    )


def code_export(request: HttpRequest, slug: str, code_id: int, fmt: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_ALL)
    code = _code(project, code_id)
    rows = (
        (
            f.document.title,
            f.page,
            f.start,
            f.end,
            f.quote,
            "; ".join(c.name for c in f.codes.all()),
            f.coder.get_username() if f.coder else "",
            f.created_at.isoformat(),
        )
        for f in fragments_for_code(code, membership)
    )
    header = ["document", "page", "start", "end", "quote", "codes", "coder", "coded_at"]
    return table_response(_format(fmt), f"code-{code.pk}-fragments", header, rows)


def matrix(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_ALL)
    codebook.ensure_codebook(project)
    with_children = request.GET.get("children", "1") != "0"
    table = code_document_matrix(project, membership, with_children)
    return render(
        request,
        "coding/matrix.html",
        {
            "project": project,
            "section": "coding",
            "matrix": table,
            "rows": [(code, depth, table.cells(code)) for code, depth in table.codes],
            "with_children": with_children,
        },
    )


def matrix_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_ALL)
    table = code_document_matrix(project, membership, request.GET.get("children", "1") != "0")
    header = ["code", *[d.title for d in table.documents], "total"]
    rows = [
        ["  " * depth + code.name, *table.row(code), sum(table.row(code))]
        for code, depth in table.codes
    ]
    return table_response(_format(fmt), "code-document-matrix", header, rows)


def cooccurrence_page(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_ALL)
    rows = cooccurrence(project, membership)
    return render(
        request,
        "coding/cooccurrence.html",
        {
            "project": project,
            "section": "coding",
            "page": Paginator(rows, 100).get_page(request.GET.get("page")),
        },
    )


def cooccurrence_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_ALL)
    rows = [(a.name, b.name, n) for a, b, n in cooccurrence(project, membership)]
    return table_response(_format(fmt), "code-cooccurrence", ["code_a", "code_b", "overlaps"], rows)


def memos(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_ALL)
    rows = Memo.objects.filter(project=project).select_related(
        "author", "code", "document", "fragment__document"
    )
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if query:
        rows = rows.filter(Q(title__icontains=query) | Q(text__icontains=query))
    if kind in Memo.Kind.values:
        rows = rows.filter(kind=kind)
    return render(
        request,
        "coding/memos.html",
        {
            "project": project,
            "section": "coding",
            "page": Paginator(rows, 50).get_page(request.GET.get("page")),
            "q": query,
            "kind": kind,
            "query": _query(request),
            "memo_kinds": Memo.Kind.choices,
            "can_edit": can(membership.role, Action.REVIEW),
        },
    )
