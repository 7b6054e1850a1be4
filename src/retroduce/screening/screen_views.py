"""The screening page: one record at a time, and the vote that brings the next one.

With JavaScript the vote form posts through htmx and the answer is the next record's part of the
page, one round trip instead of a redirect and a second page load (about half the server's work
per vote). Without it the form posts, redirects and the page loads again.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from retroduce.core.models import Membership, Project
from retroduce.core.permissions import Action, can, project_for, require
from retroduce.core.services import DomainError
from retroduce.screening import services
from retroduce.screening.forms import VoteForm
from retroduce.screening.highlight import highlight
from retroduce.screening.models import Decision, Keyword, Stage
from retroduce.screening.outcomes import settings_for
from retroduce.screening.progress import stage_progress
from retroduce.screening.queue import next_record
from retroduce.sources.models import Record

NO_VOTE = "The vote was not recorded: choose include, exclude or maybe."


def stage_or_404(stage: str) -> str:
    if stage not in Stage.values:
        raise Http404("No such screening stage")
    return stage


def screen(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_ALL)
    stage = stage_or_404(stage)
    if request.method == "POST":
        return _vote(request, project, membership, stage)
    context = _context(request, project, membership, stage, request.GET.get("record"))
    return render(request, "screening/screen.html", context)


def _context(
    request: HttpRequest,
    project: Project,
    membership: Membership,
    stage: str,
    chosen: str | int | None,
) -> dict:
    if chosen:
        record = get_object_or_404(Record, pk=chosen, project=project)
        ranked = False
    else:
        record, ranked = next_record(
            project, request.user, stage, hold=can(membership.role, Action.REVIEW)
        )
    # A record the queue offers is one this reviewer has not voted on; only a chosen one may be.
    mine = (
        Decision.objects.filter(
            record=record, stage=stage, reviewer=request.user, withdrawn=False
        ).first()
        if record and chosen
        else None
    )
    terms = {Keyword.Kind.INCLUDE: [], Keyword.Kind.EXCLUDE: []}
    for kind, term in project.screening_keywords.values_list("kind", "term"):
        terms[kind].append(term)
    include, exclude = terms[Keyword.Kind.INCLUDE], terms[Keyword.Kind.EXCLUDE]
    form = VoteForm(
        project=project,
        initial={
            "record": record.pk if record else None,
            "reason": mine.reason_id if mine else None,
            "note": mine.note if mine else "",
            "components": list(mine.components.values_list("pk", flat=True)) if mine else [],
        },
    )
    return {
        "project": project,
        "section": "screening",
        "stage": stage,
        "stage_label": Stage(stage).label,
        "record": record,
        "mine": mine,
        "ranked": ranked,
        "title": highlight(record.title, include, exclude) if record else "",
        "abstract": highlight(record.abstract, include, exclude) if record else "",
        "form": form,
        "settings": settings_for(project, stage),
        # Counts only, by the database: this page loads after every vote.
        "summary": stage_progress(project, request.user, stage),
        "can_review": can(membership.role, Action.REVIEW),
    }


def _part(
    request: HttpRequest,
    project: Project,
    membership: Membership,
    stage: str,
    chosen: str | int | None = None,
    *,
    notice: str = "",
    error: str = "",
) -> HttpResponse:
    context = _context(request, project, membership, stage, chosen)
    context.update(notice=notice, error=error)
    return render(request, "screening/_screen_body.html", context)


def _vote(
    request: HttpRequest, project: Project, membership: Membership, stage: str
) -> HttpResponse:
    require(membership, Action.REVIEW)
    htmx = request.headers.get("HX-Request") == "true"
    form = VoteForm(request.POST, project=project)
    if not form.is_valid():
        if htmx:
            return _part(request, project, membership, stage, error=NO_VOTE)
        messages.error(request, NO_VOTE)
        return redirect("screen", slug=project.slug, stage=stage)
    data = form.cleaned_data
    record = get_object_or_404(Record, pk=data["record"], project=project)
    try:
        services.cast_vote(
            project,
            request.user,
            record,
            stage,
            data["vote"],
            reason=data["reason"],
            note=data["note"],
            components=data["components"],
        )
    except DomainError as exc:
        if htmx:
            return _part(request, project, membership, stage, record.pk, error=str(exc))
        messages.error(request, str(exc))
        return redirect(f"{reverse('screen', args=[project.slug, stage])}?record={record.pk}")
    said = f"{data['vote'].capitalize()}: {record}"
    if htmx:
        return _part(request, project, membership, stage, notice=said)
    messages.success(request, said)
    return redirect("screen", slug=project.slug, stage=stage)
