"""Reading the theory: version comparison, the diagram, the query, saturation, re-reading,
substantive theories and the answers to stakeholder feedback."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from retroduce.core.events import record
from retroduce.core.permissions import Action, can, project_for
from retroduce.core.services import DomainError
from retroduce.theory import reread, saturation
from retroduce.theory.diff import compare_versions
from retroduce.theory.drawing import diagram_model
from retroduce.theory.models import (
    CMOC,
    Feedback,
    RereadMark,
    SubstantiveLink,
    SubstantiveTheory,
    TheoryChange,
    TheoryVersion,
)
from retroduce.theory.query import Criteria, answer
from retroduce.theory.sharing import visible_versions


def _version(project, number: str | int | None, membership) -> TheoryVersion:  # noqa: ANN001
    versions = visible_versions(project, membership)
    if number in (None, ""):
        found = versions.order_by("-number").first()
    else:
        try:
            found = versions.filter(number=int(number)).first()
        except ValueError:
            found = None
    if found is None:
        raise Http404("No such theory version")
    return found


def compare(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_THEORY)
    versions = list(visible_versions(project, membership).order_by("number"))
    if len(versions) < 2:
        return render(
            request,
            "theory/compare.html",
            {"project": project, "section": "theory", "versions": versions, "rows": None},
        )
    old = _version(project, request.GET.get("a") or versions[-2].number, membership)
    new = _version(project, request.GET.get("b") or versions[-1].number, membership)
    differences = compare_versions(old, new)
    rows = [d for d in differences if d.kind != "unchanged"]
    return render(
        request,
        "theory/compare.html",
        {
            "project": project,
            "section": "theory",
            "versions": versions,
            "old": old,
            "new": new,
            "rows": rows,
            "unchanged": len(differences) - len(rows),
        },
    )


def diagram(request: HttpRequest, slug: str) -> HttpResponse:
    from retroduce.theory.diagram.svg import to_svg

    project, membership = project_for(request, slug, Action.VIEW_THEORY)
    versions = list(visible_versions(project, membership).order_by("number"))
    if not versions:
        return render(request, "theory/diagram.html", {"project": project, "section": "theory"})
    version = _version(project, request.GET.get("v"), membership)
    return render(
        request,
        "theory/diagram.html",
        {
            "project": project,
            "section": "theory",
            "version": version,
            "versions": versions,
            "svg": to_svg(diagram_model(version), interactive=True),
        },
    )


def diagram_file(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    from retroduce.theory.diagram.png import to_png
    from retroduce.theory.diagram.svg import to_svg

    project, membership = project_for(request, slug, Action.VIEW_THEORY)
    version = _version(project, request.GET.get("v"), membership)
    model = diagram_model(version, links=False)
    name = f"{project.slug}-theory-v{version.number}.{fmt}"
    if fmt == "svg":
        response = HttpResponse(to_svg(model, interactive=False), content_type="image/svg+xml")
    elif fmt == "png":
        response = HttpResponse(to_png(model), content_type="image/png")
    else:
        raise Http404("Export the diagram as svg or png.")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def query(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_THEORY)
    fields = ("context", "mechanism", "outcome", "actor", "component", "code")
    criteria = Criteria(**{f: request.GET.get(f, "")[:200] for f in fields})
    try:
        criteria.min_strength = max(0, min(4, int(request.GET.get("min_strength") or 0)))
    except ValueError:
        criteria.min_strength = 0
    asked = any(request.GET.get(f) for f in (*fields, "min_strength"))
    latest = visible_versions(project, membership).order_by("-number").first()
    if latest is None:
        version, answers = None, []
    else:
        criteria.version = latest.number
        version, answers = answer(project, criteria)
    if not can(membership.role, Action.VIEW_ALL):
        # Stakeholders read configurations; quotes only from documents shared with them.
        for item in answers:
            item.evidence = [
                e for e in item.evidence if e.fragment.document.shared_with_stakeholders
            ]
    if request.GET.get("format") == "json":
        return HttpResponse(
            json.dumps([a.as_dict() for a in answers], ensure_ascii=False, indent=2),
            content_type="application/json",
        )
    return render(
        request,
        "theory/query.html",
        {
            "project": project,
            "section": "theory",
            "version": version,
            "criteria": criteria,
            "answers": answers,
            "asked": asked,
            "levels": range(0, 5),
        },
    )


def saturation_page(request: HttpRequest, slug: str) -> HttpResponse:
    from retroduce.theory.diagram.saturation import saturation_svg

    project, membership = project_for(request, slug, Action.VIEW_THEORY)
    rows = saturation.iterations(project, visible_versions(project, membership))
    return render(
        request,
        "theory/saturation.html",
        {
            "project": project,
            "section": "theory",
            "rows": rows,
            "series": list(rows[0][1]) if rows else [],
            "svg": saturation_svg(rows) if rows else "",
        },
    )


def reread_queue(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_ALL)
    version, entries = reread.queue(project)
    return render(
        request,
        "theory/reread.html",
        {
            "project": project,
            "section": "theory",
            "version": version,
            "entries": entries,
            "can_edit": can(membership.role, Action.REVIEW),
        },
    )


@require_POST
def reread_mark(request: HttpRequest, slug: str, change_id: int) -> HttpResponse:
    from retroduce.documents.models import Document

    project, _ = project_for(request, slug, Action.REVIEW)
    change = get_object_or_404(TheoryChange, version__project=project, pk=change_id)
    document = get_object_or_404(Document, project=project, pk=request.POST.get("document"))
    mark, created = RereadMark.objects.get_or_create(
        change=change,
        document=document,
        defaults={"by": request.user, "note": request.POST.get("note", "").strip()},
    )
    if created:
        record(project, request.user, "re-read", document, after={"for change": str(change)})
    messages.success(request, f"Marked “{document}” as re-read for {change}.")
    return redirect("reread", slug=project.slug)


def substantive(request: HttpRequest, slug: str) -> HttpResponse:
    action = Action.REVIEW if request.method == "POST" else Action.VIEW_ALL
    project, membership = project_for(request, slug, action)
    can_edit = can(membership.role, Action.REVIEW)
    if request.method == "POST":
        name = request.POST.get("name", "").strip()
        if not name:
            messages.error(request, "A substantive theory needs a name.")
        else:
            item = SubstantiveTheory.objects.create(
                project=project,
                name=name[:300],
                reference=request.POST.get("reference", "").strip(),
                summary=request.POST.get("summary", "").strip(),
            )
            record(project, request.user, "created", item, after={"name": item.name})
            messages.success(request, f"Added “{item}”.")
        return redirect("substantive", slug=project.slug)
    current = project.theory_versions.order_by("-number").first()
    cmocs = (
        list(CMOC.objects.filter(component__version=current).select_related("component"))
        if current
        else []
    )
    by_lineage = {c.lineage: c for c in cmocs}
    theories = [
        (t, [(link, by_lineage.get(link.cmoc_lineage)) for link in t.links.all()])
        for t in project.substantive_theories.prefetch_related("links")
    ]
    return render(
        request,
        "theory/substantive.html",
        {
            "project": project,
            "section": "theory",
            "theories": theories,
            "cmocs": cmocs,
            "relations": SubstantiveLink.Relation.choices,
            "can_edit": can_edit,
        },
    )


@require_POST
def substantive_link(request: HttpRequest, slug: str, theory_id: int) -> HttpResponse:
    from retroduce.theory.provenance import refresh_provenance

    project, _ = project_for(request, slug, Action.REVIEW)
    item = get_object_or_404(SubstantiveTheory, project=project, pk=theory_id)
    cmoc = get_object_or_404(CMOC, component__version__project=project, pk=request.POST.get("cmoc"))
    relation = request.POST.get("relation", "")
    if relation not in SubstantiveLink.Relation.values:
        messages.error(request, "Say whether the theory explains or challenges the CMOC.")
        return redirect("substantive", slug=project.slug)
    SubstantiveLink.objects.update_or_create(
        theory=item,
        cmoc_lineage=cmoc.lineage,
        defaults={"relation": relation, "note": request.POST.get("note", "").strip()},
    )
    record(
        project,
        request.user,
        "linked theory",
        item,
        after={"cmoc": str(cmoc.lineage), "relation": relation},
    )
    refresh_provenance(project)
    messages.success(request, f"“{item}” {relation} {cmoc}.")
    return redirect("substantive", slug=project.slug)


@require_POST
def feedback_answer(request: HttpRequest, slug: str, feedback_id: int) -> HttpResponse:
    """Link a feedback item to the change it caused, or record why it caused none."""
    project, _ = project_for(request, slug, Action.REVIEW)
    item = get_object_or_404(Feedback, theory_version__project=project, pk=feedback_id)
    change_id = request.POST.get("change")
    reason = request.POST.get("no_change_reason", "").strip()
    try:
        if change_id:
            item.caused = get_object_or_404(TheoryChange, version__project=project, pk=change_id)
            item.no_change_reason = ""
        elif reason:
            item.caused = None
            item.no_change_reason = reason
        else:
            raise DomainError("Choose the change it caused, or say why it caused none.")
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        item.answered_by = request.user
        item.save(update_fields=["caused", "no_change_reason", "answered_by"])
        record(
            project,
            request.user,
            "answered feedback",
            item,
            after={"caused": str(item.caused) if item.caused else None, "no_change_reason": reason},
        )
        messages.success(request, "Feedback answered.")
    return redirect(
        reverse("theory_version", args=[project.slug, item.theory_version.number]) + "#feedback"
    )
