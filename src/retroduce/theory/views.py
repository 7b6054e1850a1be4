"""The programme theory page (one version, its components and CMOCs, feedback) and stakeholders."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from retroduce.core.permissions import Action, can, project_for
from retroduce.core.services import DomainError
from retroduce.theory.models import (
    CMOC,
    PARTICIPANT_TYPES,
    Component,
    StakeholderEvent,
    TheoryChange,
    TheoryVersion,
)
from retroduce.theory.services import FEEDBACK_LIMIT, leave_feedback, record_stakeholder_event
from retroduce.theory.sharing import share_version, visible_versions


class FeedbackForm(forms.Form):
    component = forms.ModelChoiceField(
        queryset=Component.objects.none(),
        required=False,
        label="About which component",
        empty_label="The theory as a whole",
    )
    cmoc = forms.ModelChoiceField(
        queryset=CMOC.objects.none(),
        required=False,
        label="About which configuration (CMOC)",
        empty_label="No particular CMOC",
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=FEEDBACK_LIMIT, label="Your feedback"
    )

    def __init__(self, *args, version: TheoryVersion, **kwargs) -> None:  # noqa: ANN002,ANN003
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = version.components.all()
        self.fields["cmoc"].queryset = CMOC.objects.filter(component__version=version)


def theory(request: HttpRequest, slug: str, number: int | None = None) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_THEORY)
    versions = list(visible_versions(project, membership).order_by("-number"))
    if number is None:
        shown = versions[0] if versions else None
    else:
        shown = next((v for v in versions if v.number == number), None)
        if shown is None:
            raise Http404("No such theory version")
    from retroduce.theory.cmocs import strength
    from retroduce.theory.edit_views import why_context

    components = list(shown.components.prefetch_related("cmocs")) if shown else []
    rows = [(c, [(m, strength(m)) for m in c.cmocs.all()]) for c in components]
    can_edit = can(membership.role, Action.REVIEW)
    return render(
        request,
        "theory/theory.html",
        {
            "project": project,
            "section": "theory",
            "versions": versions,
            "shown": shown,
            "rows": rows,
            "without_evidence": [c for c in components if not c.has_empirical_evidence],
            "feedback": shown.feedback.select_related("author", "component", "cmoc", "caused")
            if shown
            else [],
            "feedback_form": FeedbackForm(version=shown) if shown else None,
            "can_feedback": can(membership.role, Action.FEEDBACK),
            "can_edit": can_edit,
            "can_manage": can(membership.role, Action.MANAGE),
            "is_current": shown is not None and not shown.frozen,
            "stages": TheoryVersion.Stage.choices,
            "changes": shown.changes.all() if shown else [],
            "all_changes": TheoryChange.objects.filter(version__project=project).select_related(
                "version"
            ),
            **(why_context(project, shown) if can_edit and shown else {}),
        },
    )


@require_POST
def feedback_add(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    project, membership = project_for(request, slug, Action.FEEDBACK)
    version = get_object_or_404(visible_versions(project, membership), number=number)
    form = FeedbackForm(request.POST, version=version)
    if form.is_valid():
        try:
            leave_feedback(
                version,
                request.user,
                form.cleaned_data["text"],
                form.cleaned_data["component"],
                form.cleaned_data["cmoc"],
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, "Thank you: your feedback is recorded with this theory version."
            )
    else:
        problems = " ".join(e for errors in form.errors.values() for e in errors)
        messages.error(request, "Your feedback was not recorded: " + problems)
    return redirect("theory_version", slug=project.slug, number=version.number)


def stakeholders(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_THEORY)
    events = project.stakeholder_events.select_related("theory_version")
    rows = [
        (event, [(PARTICIPANT_TYPES.get(k, k), n) for k, n in event.participants.items()])
        for event in events
    ]
    return render(
        request,
        "theory/stakeholders.html",
        {
            "project": project,
            "section": "stakeholders",
            "rows": rows,
            "can_edit": can(membership.role, Action.REVIEW),
            "kinds": StakeholderEvent.Kind.choices,
            "participant_types": list(PARTICIPANT_TYPES.items()),
            "versions": project.theory_versions.order_by("-number"),
        },
    )


@require_POST
def stakeholder_event_add(request: HttpRequest, slug: str) -> HttpResponse:
    import datetime as dt

    project, _ = project_for(request, slug, Action.REVIEW)
    try:
        held_on = dt.date.fromisoformat(request.POST.get("held_on", ""))
        participants = {
            key: int(request.POST.get(f"participants_{key}") or 0) for key in PARTICIPANT_TYPES
        }
        if any(n < 0 for n in participants.values()):
            raise ValueError
    except ValueError:
        messages.error(request, "Give the date as a date and participant numbers as 0 or more.")
        return redirect("stakeholders", slug=project.slug)
    number = request.POST.get("version")
    version = (
        TheoryVersion.objects.filter(project=project, number=number).first() if number else None
    )
    try:
        event = record_stakeholder_event(
            project,
            request.user,
            held_on=held_on,
            kind=request.POST.get("kind", ""),
            title=request.POST.get("title", ""),
            participants=participants,
            theory_version=version,
            summary=request.POST.get("summary", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Recorded {event}.")
    return redirect("stakeholders", slug=project.slug)


@require_POST
def version_share(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    project, _ = project_for(request, slug, Action.MANAGE)
    version = get_object_or_404(TheoryVersion, project=project, number=number)
    shared = request.POST.get("shared") == "1"
    share_version(version, request.user, shared)
    messages.success(
        request,
        f"Stakeholders can now see {version} and comment on it."
        if shared
        else f"{version} is no longer shared with stakeholders.",
    )
    return redirect("theory_version", slug=project.slug, number=version.number)
