"""The Reports page: the RAMESES checklist as it stands, the flow diagram, and the downloads."""

from __future__ import annotations

import io
import zipfile

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from retroduce.core.permissions import Action, project_for
from retroduce.core.tables import table_response
from retroduce.reports.build import build_report
from retroduce.reports.tables import TABLES, table

TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "application/zip",
}


def reports(request: HttpRequest, slug: str) -> HttpResponse:
    from retroduce.reports.flow.svg import flow_svg

    project, _ = project_for(request, slug, Action.VIEW_ALL)
    _report, items, facts = build_report(project)
    return render(
        request,
        "reports/reports.html",
        {
            "project": project,
            "section": "reports",
            "items": items,
            "met": sum(1 for i in items if i.status == "met"),
            "flow_svg": flow_svg(facts["flow"]),
            "flow_problems": facts["flow"].problems(),
            "tables": TABLES,
            "formats": [("docx", "Word"), ("html", "HTML"), ("md", "Markdown")],
            "files": project.report_files.select_related("created_by")[:10],
        },
    )


def report_prepare(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """Queue a report to be written in the background; the page shows its progress."""
    from django.shortcuts import redirect

    from retroduce.core.progress import enqueue_with_progress
    from retroduce.reports.models import ReportFile
    from retroduce.reports.tasks import write_report_task

    if request.method != "POST":
        return HttpResponse(status=405)
    project, _ = project_for(request, slug, Action.VIEW_ALL)
    if fmt not in TYPES:
        raise Http404("Write the report as docx, html or md.")
    item = ReportFile.objects.create(project=project, fmt=fmt, created_by=request.user)
    progress = enqueue_with_progress(
        write_report_task,
        f"Writing the {fmt.upper()} report",
        project=project,
        user=request.user,
        report_id=item.pk,
    )
    ReportFile.objects.filter(pk=item.pk).update(task_id=progress.task_id)
    return redirect("reports", slug=project.slug)


def report_file(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    from pathlib import Path

    from django.conf import settings
    from django.http import FileResponse
    from django.shortcuts import get_object_or_404

    from retroduce.reports.models import ReportFile

    project, _ = project_for(request, slug, Action.VIEW_ALL)
    item = get_object_or_404(
        ReportFile, project=project, pk=report_id, status=ReportFile.Status.DONE
    )
    path = Path(settings.MEDIA_ROOT) / item.stored_file
    if not path.exists():
        raise Http404("The report file is gone; write it again.")
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=path.name.split("-", 5)[-1]
    )
    response["Content-Type"] = TYPES[item.fmt]
    return response


def render_report(project, fmt: str) -> bytes:  # noqa: ANN001
    """The whole report as bytes: Word, one HTML file, or Markdown zipped with its figures."""
    from retroduce.reports.writers import markdown_figures, to_docx, to_html, to_markdown

    report, _items, _facts = build_report(project)
    if fmt == "docx":
        return to_docx(report)
    if fmt == "html":
        return to_html(report).encode()
    if fmt == "md":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("report.md", to_markdown(report))
            for name, data in markdown_figures(report).items():
                archive.writestr(name, data)
        return out.getvalue()
    raise ValueError(fmt)


def report_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.VIEW_ALL)
    if fmt not in TYPES:
        raise Http404("Download the report as docx, html or md.")
    response = HttpResponse(render_report(project, fmt), content_type=TYPES[fmt])
    name = f"{project.slug}-report.{'zip' if fmt == 'md' else fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def report_table(request: HttpRequest, slug: str, name: str, fmt: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.VIEW_ALL)
    if name not in TABLES or fmt not in ("csv", "xlsx"):
        raise Http404("No such table.")
    header, rows = table(project, name)
    return table_response(fmt, f"{project.slug}-{name}", header, rows)


def flow_file(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    from retroduce.reports.counting import flow_counts
    from retroduce.reports.flow.png import flow_png
    from retroduce.reports.flow.prisma import prisma_csv
    from retroduce.reports.flow.svg import flow_svg

    project, _ = project_for(request, slug, Action.VIEW_ALL)
    counts = flow_counts(project)
    if fmt == "svg":
        response = HttpResponse(flow_svg(counts), content_type="image/svg+xml")
    elif fmt == "png":
        response = HttpResponse(flow_png(counts), content_type="image/png")
    elif fmt == "prisma.csv":
        response = HttpResponse(prisma_csv(counts), content_type="text/csv; charset=utf-8")
    else:
        raise Http404("Download the flow as svg, png or prisma.csv.")
    response["Content-Disposition"] = f'attachment; filename="{project.slug}-flow.{fmt}"'
    return response


def quality(request: HttpRequest, slug: str) -> HttpResponse:
    from django.contrib import messages
    from django.shortcuts import redirect

    from retroduce.core.permissions import can
    from retroduce.core.services import DomainError
    from retroduce.reports.models import QualityRating
    from retroduce.reports.quality import domains, rate

    action = Action.REVIEW if request.method == "POST" else Action.VIEW_ALL
    project, membership = project_for(request, slug, action)
    if request.method == "POST":
        try:
            rate(
                project,
                request.user,
                int(request.POST.get("domain") or 0),
                request.POST.get("level", ""),
                request.POST.get("note", ""),
            )
        except (DomainError, ValueError) as exc:
            messages.error(request, str(exc) or "Choose a domain.")
        else:
            messages.success(request, "Rating saved.")
        return redirect("quality", slug=project.slug)
    _report, items, _facts = build_report(project)
    return render(
        request,
        "reports/quality.html",
        {
            "project": project,
            "section": "reports",
            "domains": domains(project, items),
            "levels": QualityRating.Level.choices,
            "can_edit": can(membership.role, Action.REVIEW),
        },
    )
