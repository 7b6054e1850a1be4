"""Documents pages: the list, attaching files, the document viewer and its settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html_join
from django.views.decorators.http import require_POST

from retroduce.coding.codebook import code_paths, ensure_codebook
from retroduce.coding.highlighting import Mark, runs
from retroduce.coding.models import Appraisal, Memo
from retroduce.coding.retrieval import visible_documents, visible_fragments
from retroduce.core.permissions import Action, can, project_for
from retroduce.core.services import DomainError
from retroduce.documents import bulk, services
from retroduce.documents.forms import AttachForm, DocumentFilterForm, DocumentForm
from retroduce.documents.models import Document
from retroduce.sources.models import Record


def _readable(request: HttpRequest, slug: str):  # noqa: ANN202
    """Documents are for the review team, and for stakeholders only where the owner shared them."""
    project, membership = project_for(request, slug, Action.VIEW_THEORY)
    return project, membership


def _document(project, membership, document_id: int) -> Document:  # noqa: ANN001
    return get_object_or_404(visible_documents(project, membership), pk=document_id)


def documents(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = _readable(request, slug)
    form = DocumentFilterForm(request.GET or None)
    rows = visible_documents(project, membership).select_related("record")
    if form.is_valid():
        if form.cleaned_data["q"]:
            rows = rows.filter(title__icontains=form.cleaned_data["q"])
        if form.cleaned_data["kind"]:
            rows = rows.filter(kind=form.cleaned_data["kind"])
    rows = rows.annotate(fragment_count=Count("fragments", distinct=True)).order_by("title", "id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    appraisals = {
        a.document_id: a
        for a in Appraisal.objects.filter(
            document_id__in=[d.pk for d in page], fragment__isnull=True
        )
    }
    query = request.GET.copy()
    query.pop("page", None)
    initial = {}
    if request.GET.get("record"):
        initial["record"] = request.GET["record"]
    return render(
        request,
        "documents/documents.html",
        {
            "project": project,
            "section": "documents",
            "page": page,
            "appraisals": appraisals,
            "form": form,
            "query": query.urlencode(),
            "attach_form": AttachForm(initial=initial),
            "can_edit": can(membership.role, Action.REVIEW),
            "is_stakeholder": not can(membership.role, Action.VIEW_ALL),
        },
    )


@require_POST
def attach(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    form = AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose at least one file to attach.")
        return redirect("documents", slug=project.slug)
    uploads = request.FILES.getlist("files")
    kind = form.cleaned_data["kind"] or Document.Kind.PAPER
    record = None
    if form.cleaned_data["record"]:
        record = Record.objects.filter(project=project, pk=form.cleaned_data["record"]).first()
        if record is None:
            messages.error(request, f"There is no record {form.cleaned_data['record']}.")
            return redirect("documents", slug=project.slug)
        if len(uploads) != 1:
            messages.error(request, "Attach one file at a time to a chosen record.")
            return redirect("documents", slug=project.slug)
    files: list[tuple[str, bytes]] = []
    for upload in uploads:
        data = upload.read()
        if upload.name.lower().endswith(".zip"):
            try:
                files.extend(bulk.zip_members(data, upload.name))
            except DomainError as exc:
                messages.error(request, str(exc))
            continue
        files.append((upload.name, data))
    if record is not None:
        try:
            attached = [
                services.attach_document(project, request.user, *files[0], record=record, kind=kind)
            ]
            refused: list[str] = []
        except DomainError as exc:
            attached, refused = [], [str(exc)]
    else:
        outcome = bulk.attach_many(project, request.user, files, kind)
        attached, refused = outcome.attached, outcome.refused
    for document in attached:
        services.queue_extraction(document, request.user)
    for reason in refused:
        messages.error(request, reason)
    if attached:
        matched = sum(1 for d in attached if d.record_id)
        messages.info(
            request,
            f"Attached {len(attached)} file(s), {matched} matched to records. "
            "Text extraction runs in the background.",
        )
    return redirect("documents", slug=project.slug)


def _codes_json(project) -> list[dict]:  # noqa: ANN001
    return [
        {"id": code.pk, "name": code.name, "path": path, "colour": code.colour, "depth": depth}
        for code, depth, path in code_paths(project)
    ]


def viewer(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    project, membership = _readable(request, slug)
    document = get_object_or_404(
        visible_documents(project, membership).defer("text"), pk=document_id
    )
    can_code = can(membership.role, Action.REVIEW) and document.status == Document.Status.READY
    if can_code:
        ensure_codebook(project)
    page_count = max(1, document.page_count)
    try:
        number = min(max(1, int(request.GET.get("page", 1))), page_count)
    except ValueError:
        number = 1
    if document.pages:
        start, text = document.page_text(number)
    else:
        start, text = 0, ""
    end = start + len(text)
    fragments = visible_fragments(project, membership).filter(document=document)
    # Only this page's fragments are read with their codes; a coded document holds hundreds.
    on_page = list(
        fragments.filter(end__gt=start, start__lt=end)
        .select_related("coder")
        .prefetch_related("codes")
    )
    marks = [
        Mark(f.pk, f.start, f.end, (f.codes.all()[0].colour if f.codes.all() else "#5b6b7a"))
        for f in on_page
    ]
    appraisal = Appraisal.objects.filter(document=document, fragment__isnull=True).first()
    return render(
        request,
        "documents/viewer.html",
        {
            "project": project,
            "section": "documents",
            "document": document,
            "page_number": number,
            "page_count": page_count,
            # Built here, not by a template loop: 300 options cost the template several ms a page.
            "page_options": format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((n, " selected" if n == number else "", n) for n in range(1, page_count + 1)),
            ),
            "page_start": start,
            "runs": runs(text, start, marks),
            "fragments": on_page,
            "all_fragment_count": fragments.count(),
            "codes_json": _codes_json(project) if can_code else [],
            "can_code": can_code,
            "can_manage": can(membership.role, Action.MANAGE),
            "can_edit": can(membership.role, Action.REVIEW),
            "appraisal": appraisal,
            "memos": Memo.objects.filter(document=document).select_related("author"),
            "memo_kinds": Memo.Kind.choices,
            "levels": Appraisal._meta.get_field("rigour").choices,
            "blind": document.check_coder_id == request.user.pk,
            "reviewers": get_user_model().objects.filter(
                memberships__project=project, memberships__role__in=["owner", "reviewer"]
            ),
            "edit_form": DocumentForm(
                instance=document,
                initial={"record_number": document.record_id},
            ),
        },
    )


def original(request: HttpRequest, slug: str, document_id: int) -> FileResponse:
    project, membership = _readable(request, slug)
    document = _document(project, membership, document_id)
    path = services.stored_path(document)
    if not path.exists():
        raise Http404("The stored file is missing.")
    # Served as a download, never inline: an uploaded HTML file must not run in our origin.
    return FileResponse(path.open("rb"), as_attachment=True, filename=document.file_name)


@require_POST
def reextract(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    document = get_object_or_404(Document, project=project, pk=document_id)
    services.queue_extraction(document, request.user)
    messages.info(request, f"Extracting the text of “{document}” again; fragments will follow.")
    return redirect("document", slug=project.slug, document_id=document.pk)


@require_POST
def edit(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    document = get_object_or_404(Document, project=project, pk=document_id)
    form = DocumentForm(request.POST, instance=Document.objects.get(pk=document.pk))
    if not form.is_valid():
        messages.error(request, "Give the document a title and a kind.")
        return redirect("document", slug=project.slug, document_id=document.pk)
    number = form.cleaned_data["record_number"]
    record = None
    if number:
        record = Record.objects.filter(project=project, pk=number).first()
        if record is None:
            messages.error(request, f"There is no record {number}.")
            return redirect("document", slug=project.slug, document_id=document.pk)
    try:
        services.update_document(
            document,
            request.user,
            title=form.cleaned_data["title"],
            kind=form.cleaned_data["kind"],
            record=record,
            study_design=form.cleaned_data["study_design"],
            country=form.cleaned_data["country"],
            setting=form.cleaned_data["setting"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Saved.")
    return redirect("document", slug=project.slug, document_id=document.pk)


@require_POST
def share(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    project, _ = project_for(request, slug, Action.MANAGE)
    document = get_object_or_404(Document, project=project, pk=document_id)
    shared = request.POST.get("shared") == "1"
    services.set_sharing(document, request.user, shared)
    messages.success(
        request,
        f"Stakeholders can now read “{document}”."
        if shared
        else f"“{document}” is no longer shared with stakeholders.",
    )
    return redirect("document", slug=project.slug, document_id=document.pk)


@require_POST
def check_coder(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    project, _ = project_for(request, slug, Action.MANAGE)
    document = get_object_or_404(Document, project=project, pk=document_id)
    user_id = request.POST.get("coder") or None
    coder = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        services.set_check_coder(document, request.user, coder)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{coder.get_username()} codes this document blind as second coder."
            if coder
            else "No second coder on this document.",
        )
    return redirect("document", slug=project.slug, document_id=document.pk)
