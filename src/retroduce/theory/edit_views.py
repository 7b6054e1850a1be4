"""Editing the programme theory: versions, components, CMOCs, their evidence and chains."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from retroduce.coding.models import Memo
from retroduce.coding.retrieval import visible_fragments
from retroduce.core.concurrency import EditConflict, kept_text, seen_revision
from retroduce.core.permissions import Action, can, project_for
from retroduce.core.services import DomainError
from retroduce.theory import cmocs as cmoc_services
from retroduce.theory import services
from retroduce.theory.changes import Why, needs_rationale
from retroduce.theory.models import (
    CMOC,
    Component,
    EvidenceLink,
    Feedback,
    Provenance,
    TheoryVersion,
)
from retroduce.theory.sharing import visible_versions

FRAGMENTS_SHOWN = 50


def _why(request: HttpRequest) -> Why:
    def ids(name: str) -> list[int]:
        return [int(v) for v in request.POST.getlist(name) if v.isdigit()]

    return Why(
        rationale=request.POST.get("rationale", ""),
        fragments=ids("prompt_fragments"),
        feedback=ids("prompt_feedback"),
        memos=ids("prompt_memos"),
    )


def _current(project) -> TheoryVersion | None:  # noqa: ANN001
    return project.theory_versions.order_by("-number").first()


def why_context(project, version: TheoryVersion | None) -> dict:  # noqa: ANN001
    """What the rationale fields offer: the feedback and memos a change can cite."""
    return {
        "needs_rationale": version is not None and needs_rationale(version),
        "feedback_choices": Feedback.objects.filter(theory_version__project=project).select_related(
            "theory_version"
        )[:100],
        "memo_choices": Memo.objects.filter(project=project)[:100],
    }


@require_POST
def version_start(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    try:
        version = services.start_version(
            project, request.user, request.POST.get("stage", ""), request.POST.get("notes", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("theory", slug=project.slug)
    messages.success(request, f"Started {version}; the previous version is now a frozen snapshot.")
    return redirect("theory_version", slug=project.slug, number=version.number)


@require_POST
def component_add(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    version = _current(project)
    if version is None:
        messages.error(request, "Start the initial theory version first.")
        return redirect("theory", slug=project.slug)
    try:
        component = services.add_component(
            version,
            request.user,
            name=request.POST.get("name", ""),
            description=request.POST.get("description", ""),
            statement=request.POST.get("statement", ""),
            why=_why(request),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("theory", slug=project.slug)
    from retroduce.theory.provenance import refresh_provenance

    refresh_provenance(project)
    messages.success(request, f"Added “{component}”.")
    return redirect("component", slug=project.slug, component_id=component.pk)


def component(request: HttpRequest, slug: str, component_id: int) -> HttpResponse:
    action = Action.REVIEW if request.method == "POST" else Action.VIEW_THEORY
    project, membership = project_for(request, slug, action)
    item = get_object_or_404(
        Component, version__in=visible_versions(project, membership), pk=component_id
    )
    if request.method == "POST":
        fields = {k: request.POST.get(k, "") for k in ("name", "description", "statement")}
        if "provenance_override" in request.POST:
            fields["provenance_override"] = request.POST.get("provenance_override", "")
            fields["override_reason"] = request.POST.get("override_reason", "")
        try:
            services.update_component(item, request.user, why=_why(request), **fields)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Saved “{item}”.")
        return redirect("component", slug=project.slug, component_id=item.pk)
    rows = [(c, cmoc_services.strength(c)) for c in item.cmocs.prefetch_related("leads_to")]
    return render(
        request,
        "theory/component.html",
        {
            "project": project,
            "section": "theory",
            "component": item,
            "rows": rows,
            "provenances": Provenance.choices,
            "can_edit": can(membership.role, Action.REVIEW) and not item.version.frozen,
            **why_context(project, item.version),
        },
    )


@require_POST
def component_remove(request: HttpRequest, slug: str, component_id: int) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    item = get_object_or_404(Component, version__project=project, pk=component_id)
    try:
        services.remove_component(item, request.user, _why(request))
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("component", slug=project.slug, component_id=item.pk)
    messages.success(request, f"Removed “{item.name}” from {item.version}.")
    return redirect("theory", slug=project.slug)


def _fragment_search(request: HttpRequest, project, membership):  # noqa: ANN001,ANN202
    rows = (
        visible_fragments(project, membership).select_related("document").prefetch_related("codes")
    )
    query = request.GET.get("q", "").strip()
    code = request.GET.get("code", "").strip()
    if query:
        rows = rows.filter(Q(quote__icontains=query) | Q(document__title__icontains=query))
    if code:
        rows = rows.filter(codes__name__icontains=code)
    return rows.distinct().order_by("document__title", "start")[:FRAGMENTS_SHOWN]


CMOC_LABELS = [
    ("context", "Context", "For whom and in what circumstances"),
    ("mechanism_resource", "Mechanism: resource", "What the intervention or leader offers"),
    ("mechanism_response", "Mechanism: response", "How people reason and respond"),
    ("outcome", "Outcome", "What happens as a result"),
    ("intervention", "Intervention (optional)", ""),
    ("actor", "Actor (optional)", "Whose reasoning, e.g. team leader, social worker"),
]


def cmoc_new(request: HttpRequest, slug: str, component_id: int) -> HttpResponse:
    """Build a CMOC: write its parts and pick its evidence from fragments across documents."""
    project, membership = project_for(request, slug, Action.REVIEW)
    item = get_object_or_404(Component, version__project=project, pk=component_id)
    if request.method == "POST":
        fields = {name: request.POST.get(name, "") for name, _l, _h in CMOC_LABELS}
        picked = [int(v) for v in request.POST.getlist("fragments") if v.isdigit()]
        try:
            from django.db import transaction

            with transaction.atomic():
                why = _why(request)
                why.fragments = [*why.fragments, *picked]
                cmoc = cmoc_services.create_cmoc(item, request.user, why, **fields)
                if picked:
                    cmoc_services.link_evidence(
                        cmoc,
                        request.user,
                        picked,
                        request.POST.get("relation", EvidenceLink.Relation.SUPPORTS),
                        request.POST.get("note", ""),
                    )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"Added a CMOC to “{item}” with {len(picked)} evidence link(s)."
            )
            return redirect("cmoc", slug=project.slug, cmoc_id=cmoc.pk)
    return render(
        request,
        "theory/cmoc_new.html",
        {
            "project": project,
            "section": "theory",
            "component": item,
            "labels": CMOC_LABELS,
            "values": request.POST if request.method == "POST" else {},
            "fragments": _fragment_search(request, project, membership),
            "q": request.GET.get("q", ""),
            "code": request.GET.get("code", ""),
            "relations": EvidenceLink.Relation.choices,
            **why_context(project, item.version),
        },
        status=400 if request.method == "POST" else 200,
    )


def cmoc_detail(request: HttpRequest, slug: str, cmoc_id: int) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_THEORY)
    # Stakeholders see only the versions shared with them, as on the component and theory pages.
    cmoc = get_object_or_404(
        CMOC.objects.select_related("component__version"),
        component__version__in=visible_versions(project, membership),
        pk=cmoc_id,
    )
    can_edit = can(membership.role, Action.REVIEW) and not cmoc.component.version.frozen
    # Stakeholders see the configuration; quotes from documents only if those are shared with them.
    evidence = cmoc.evidence.select_related("fragment__document", "fragment__coder")
    if not can(membership.role, Action.VIEW_ALL):
        evidence = evidence.filter(fragment__document__shared_with_stakeholders=True)
    return render(
        request,
        "theory/cmoc.html",
        {
            "project": project,
            "section": "theory",
            "cmoc": cmoc,
            "strength": cmoc_services.strength(cmoc),
            "evidence": evidence,
            "labels": CMOC_LABELS,
            "can_edit": can_edit,
            "fragments": _fragment_search(request, project, membership) if can_edit else [],
            "q": request.GET.get("q", ""),
            "code": request.GET.get("code", ""),
            "relations": EvidenceLink.Relation.choices,
            "siblings": CMOC.objects.filter(component__version=cmoc.component.version)
            .exclude(pk=cmoc.pk)
            .select_related("component"),
            "chained": set(cmoc.leads_to.values_list("pk", flat=True)),
            **why_context(project, cmoc.component.version),
        },
    )


@require_POST
def cmoc_edit(request: HttpRequest, slug: str, cmoc_id: int) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    cmoc = get_object_or_404(CMOC, component__version__project=project, pk=cmoc_id)
    action = request.POST.get("action", "update")
    try:
        if action == "link":
            picked = [int(v) for v in request.POST.getlist("fragments") if v.isdigit()]
            cmoc_services.link_evidence(
                cmoc,
                request.user,
                picked,
                request.POST.get("relation", EvidenceLink.Relation.SUPPORTS),
                request.POST.get("note", ""),
            )
            messages.success(request, f"Linked {len(picked)} fragment(s).")
        elif action == "unlink":
            link = get_object_or_404(EvidenceLink, cmoc=cmoc, pk=request.POST.get("link"))
            cmoc_services.unlink_evidence(link, request.user)
            messages.success(request, "Evidence link removed.")
        elif action == "chain":
            targets = CMOC.objects.filter(
                component__version=cmoc.component.version,
                pk__in=[int(v) for v in request.POST.getlist("leads_to") if v.isdigit()],
            )
            cmoc_services.set_chain(cmoc, request.user, targets)
            messages.success(request, "Chain saved.")
        elif action == "remove":
            component_id = cmoc.component_id
            cmoc_services.remove_cmoc(cmoc, request.user, _why(request), seen_revision(request))
            messages.success(request, "CMOC removed.")
            return redirect("component", slug=project.slug, component_id=component_id)
        else:
            fields = {name: request.POST.get(name, "") for name, _l, _h in CMOC_LABELS}
            cmoc_services.update_cmoc(
                cmoc, request.user, _why(request), seen_revision(request), **fields
            )
            messages.success(request, "CMOC saved.")
    except EditConflict as exc:
        messages.error(request, str(exc))
        messages.info(request, kept_text(fields if action == "update" else {}))
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("cmoc", slug=project.slug, cmoc_id=cmoc.pk)
