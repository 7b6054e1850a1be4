"""Screening pages. Thin: parse, check permission, call one domain function, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from retroduce.core.permissions import Action, can, project_for
from retroduce.core.services import DomainError
from retroduce.screening import exports, services
from retroduce.screening.discovery_chart import discovery_svg
from retroduce.screening.forms import KeywordForm, ReasonForm, ResolveForm, SettingsForm
from retroduce.screening.models import Decision, ExclusionReason, Keyword, Ranking, Stage
from retroduce.screening.outcomes import Outcome, settings_for, votes_by_record
from retroduce.screening.queue import STAGES, summary
from retroduce.screening.screen_views import screen, stage_or_404  # noqa: F401 (routed here)
from retroduce.sources.models import Record


def overview(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_ALL)
    services.reasons(project)
    stages = []
    for stage, label in STAGES:
        stage_settings = settings_for(project, stage)
        stage_summary = summary(project, request.user, stage, blind_for_user=stage_settings.blind)
        stopping = stage_summary.stopping
        stages.append(
            {
                "code": stage,
                "label": label,
                "settings": stage_settings,
                "summary": stage_summary,
                "chart": discovery_svg(stage_summary.sequence, stopping) if stopping else "",
                "ranking": Ranking.objects.filter(project=project, stage=stage).first(),
                "settings_form": SettingsForm(
                    project=project,
                    initial={
                        "votes_required": stage_settings.votes_required,
                        "blind": stage_settings.blind,
                        "adjudicator": stage_settings.adjudicator,
                    },
                ),
            }
        )
    return render(
        request,
        "screening/overview.html",
        {
            "project": project,
            "section": "screening",
            "stages": stages,
            "reasons": project.exclusion_reasons.filter(active=True),
            "keywords": project.screening_keywords.all(),
            "reason_form": ReasonForm(),
            "keyword_form": KeywordForm(),
            "can_review": can(membership.role, Action.REVIEW),
            "can_manage": can(membership.role, Action.MANAGE),
        },
    )


@require_POST
def undo(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    stage = stage_or_404(stage)
    try:
        withdrawn = services.undo_last_vote(project, request.user, stage)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("screen", slug=project.slug, stage=stage)
    if withdrawn is None:
        messages.info(request, "Nothing to undo.")
        return redirect("screen", slug=project.slug, stage=stage)
    messages.success(request, f"Undone: your vote on “{withdrawn.record}”. Vote again.")
    return redirect(f"{reverse('screen', args=[project.slug, stage])}?record={withdrawn.record_id}")


def my_decisions(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.VIEW_ALL)
    stage = stage_or_404(stage)
    decisions = (
        Decision.objects.filter(
            project=project, stage=stage, reviewer=request.user, withdrawn=False
        )
        .select_related("record", "reason")
        .order_by("-updated_at")
    )
    page = Paginator(decisions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "screening/mine.html",
        {
            "project": project,
            "section": "screening",
            "stage": stage,
            "stage_label": Stage(stage).label,
            "page": page,
        },
    )


def conflicts(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.VIEW_ALL)
    stage = stage_or_404(stage)
    required = settings_for(project, stage).votes_required
    open_conflicts = [
        entry
        for entry in votes_by_record(project, stage).values()
        if entry.outcome(required) == Outcome.CONFLICT
    ]
    records = Record.objects.in_bulk([e.record_id for e in open_conflicts])
    resolved = (
        project.resolutions.filter(stage=stage)
        .select_related("record", "resolved_by", "reason")
        .order_by("-resolved_at")[:50]
    )
    return render(
        request,
        "screening/conflicts.html",
        {
            "project": project,
            "section": "screening",
            "stage": stage,
            "stage_label": Stage(stage).label,
            "rows": [(records[e.record_id], e) for e in open_conflicts],
            "resolved": resolved,
            "form": ResolveForm(project=project),
            "can_resolve": services.can_resolve(project, request.user, stage),
        },
    )


@require_POST
def resolve(request: HttpRequest, slug: str, stage: str, record_id: int) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    stage = stage_or_404(stage)
    if not services.can_resolve(project, request.user, stage):
        raise PermissionDenied("Only an owner or the stage's adjudicator resolves conflicts.")
    record = get_object_or_404(Record, pk=record_id, project=project)
    form = ResolveForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.resolve_conflict(project, request.user, record, stage, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Resolved: {record}")
    else:
        messages.error(request, "Choose include or exclude.")
    return redirect("conflicts", slug=project.slug, stage=stage)


@require_POST
def stage_settings(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.MANAGE)
    stage = stage_or_404(stage)
    form = SettingsForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.update_settings(project, request.user, stage, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Saved the {Stage(stage).label.lower()} settings.")
    return redirect("screening", slug=project.slug)


@require_POST
def reason_add(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.add_reason(project, request.user, form.cleaned_data["label"])
        except DomainError as exc:
            messages.error(request, str(exc))
    return redirect("screening", slug=project.slug)


@require_POST
def reason_retire(request: HttpRequest, slug: str, reason_id: int) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    reason = get_object_or_404(ExclusionReason, pk=reason_id, project=project)
    services.retire_reason(project, request.user, reason)
    return redirect("screening", slug=project.slug)


@require_POST
def keyword_add(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    form = KeywordForm(request.POST)
    if form.is_valid():
        try:
            services.add_keyword(project, request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
    return redirect("screening", slug=project.slug)


@require_POST
def keyword_remove(request: HttpRequest, slug: str, keyword_id: int) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    keyword = get_object_or_404(Keyword, pk=keyword_id, project=project)
    services.remove_keyword(project, request.user, keyword)
    return redirect("screening", slug=project.slug)


def export(request: HttpRequest, slug: str, stage: str, kind: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.VIEW_ALL)
    stage = stage_or_404(stage)
    if kind == "csv":
        body, content_type = exports.decisions_csv(project, stage), "text/csv; charset=utf-8"
    elif kind == "ris":
        body, content_type = (
            exports.decisions_ris(project, stage),
            "application/x-research-info-systems",
        )
    else:
        raise Http404("No such export")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{project.slug}-{stage}-decisions.{kind}"'
    )
    return response
