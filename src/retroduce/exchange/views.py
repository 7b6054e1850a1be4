"""Export & import page: downloads for other tools, a REFI-QDA merge, and restoring a project."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from retroduce.core.permissions import Action, can, project_for
from retroduce.core.safezip import UnsafeArchive, member_names

# format -> (who may download it, content type, what it is)
DOWNLOADS: dict[str, tuple[Action, str, str]] = {
    "ris": (Action.VIEW_ALL, "application/x-research-info-systems", "RIS"),
    "csv": (Action.VIEW_ALL, "text/csv; charset=utf-8", "CSV"),
    "xlsx": (
        Action.VIEW_ALL,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel",
    ),
    "qdpx": (Action.VIEW_ALL, "application/zip", "REFI-QDA project"),
    "qdc": (Action.VIEW_ALL, "application/xml", "REFI-QDA codebook"),
    # The archive holds every vote, blind or not, and the team's e-mail addresses: owners only.
    "zip": (Action.MANAGE, "application/zip", "project archive"),
}


def exchange(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_ALL)
    return render(
        request,
        "exchange/exchange.html",
        {
            "project": project,
            "section": "exchange",
            "can_import": can(membership.role, Action.REVIEW),
            "can_archive": can(membership.role, Action.MANAGE),
        },
    )


def _export(project, fmt: str) -> bytes:  # noqa: ANN001
    from retroduce.coding.codebook import ensure_codebook
    from retroduce.exchange import references, refi
    from retroduce.exchange.archive import archive_project
    from retroduce.exchange.refi_export import project_to_refi

    if fmt in ("ris", "csv", "xlsx"):
        return references.records_file(project, fmt)
    if fmt == "zip":
        return archive_project(project)
    ensure_codebook(project)  # the realist kinds, so even a review not yet coded has a codebook
    model = project_to_refi(project)
    return refi.write_qdpx(model) if fmt == "qdpx" else refi.codebook_qdc(model)


def exchange_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    if fmt not in DOWNLOADS:
        raise Http404("No such export.")
    action, content_type, _label = DOWNLOADS[fmt]
    project, _ = project_for(request, slug, action)
    name = f"{project.slug}-references.{fmt}" if fmt in ("ris", "csv", "xlsx") else ""
    name = name or (f"{project.slug}-archive.zip" if fmt == "zip" else f"{project.slug}.{fmt}")
    response = HttpResponse(_export(project, fmt), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _upload(request: HttpRequest) -> tuple[str, bytes] | None:
    upload = request.FILES.get("file")
    if upload is None:
        return None
    return upload.name or "upload", upload.read()


@require_POST
def exchange_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Merge a .qdpx (coded in NVivo, ATLAS.ti or MAXQDA) into this project."""
    from retroduce.exchange.refi_merge import merge_refi

    project, _ = project_for(request, slug, Action.REVIEW)
    upload = _upload(request)
    if upload is None:
        messages.error(request, "Choose a .qdpx file to import.")
        return redirect("exchange", slug=project.slug)
    name, data = upload
    try:
        result = merge_refi(project, data, name, request.user)
    except UnsafeArchive as exc:
        messages.error(request, f"Refused, nothing imported: {exc}")
        return redirect("exchange", slug=project.slug)
    added = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in result.counts.items() if n)
    messages.success(request, f"Imported {name}: {added or 'nothing new'}.")
    for line in [*result.warnings, *(f"not imported: {u}" for u in result.unsupported)][:20]:
        messages.warning(request, line)
    return redirect("exchange", slug=project.slug)


@login_required
@require_POST
def project_restore(request: HttpRequest) -> HttpResponse:
    """Restore a project archive or a .qdpx as a new review owned by the uploader."""
    from retroduce.exchange.archive import JSON_MEMBER, restore_archive
    from retroduce.exchange.refi_import import restore_refi

    upload = _upload(request)
    if upload is None:
        messages.error(request, "Choose a project archive (.zip) or a REFI-QDA project (.qdpx).")
        return redirect("dashboard")
    name, data = upload
    try:
        if JSON_MEMBER in member_names(data):
            result = restore_archive(data, name, request.user)
        else:
            result = restore_refi(data, name, request.user)
    except UnsafeArchive as exc:
        messages.error(request, f"Refused, nothing restored: {exc}")
        return redirect("dashboard")
    messages.success(request, f"Restored {name} as “{result.project.title}”.")
    for line in result.warnings[:20]:
        messages.warning(request, line)
    return redirect("project", slug=result.project.slug)
