"""Theory and stakeholder pages (read-only until the theory issue adds editing)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from retroduce.core.permissions import Action, project_for
from retroduce.theory.models import PARTICIPANT_TYPES


def theory(request: HttpRequest, slug: str, number: int | None = None) -> HttpResponse:
    project, _ = project_for(request, slug, Action.VIEW_THEORY)
    versions = list(project.theory_versions.all())
    if number is None:
        shown = versions[0] if versions else None
    else:
        shown = next((v for v in versions if v.number == number), None)
        if shown is None:
            raise Http404("No such theory version")
    components = list(shown.components.all()) if shown else []
    return render(
        request,
        "theory/theory.html",
        {
            "project": project,
            "section": "theory",
            "versions": versions,
            "shown": shown,
            "components": components,
            "without_evidence": [c for c in components if not c.has_empirical_evidence],
        },
    )


def stakeholders(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.VIEW_THEORY)
    events = project.stakeholder_events.select_related("theory_version")
    rows = [
        (event, [(PARTICIPANT_TYPES.get(k, k), n) for k, n in event.participants.items()])
        for event in events
    ]
    return render(
        request,
        "theory/stakeholders.html",
        {"project": project, "section": "stakeholders", "rows": rows},
    )
