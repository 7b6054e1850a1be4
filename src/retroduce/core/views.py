"""Project, member, protocol, change-log and history pages. Thin: parse, permit, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from retroduce.core import services, undo
from retroduce.core.events import events_csv
from retroduce.core.forms import (
    ChangeLogForm,
    HistoryFilterForm,
    MemberForm,
    ProjectForm,
    ProtocolForm,
    RoleForm,
)
from retroduce.core.history import facets, project_events, visible_events
from retroduce.core.models import Event, Membership, Project, TaskProgress
from retroduce.core.permissions import Action, can, project_for
from retroduce.core.progress import enqueue_with_progress
from retroduce.core.services import DomainError
from retroduce.core.tasks import audit_trail_task


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("project")
        .order_by("project__title")
    )
    return render(
        request, "core/dashboard.html", {"memberships": memberships, "form": ProjectForm()}
    )


@login_required
@require_POST
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST)
    if form.is_valid():
        try:
            project = services.create_project(request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Created “{project.title}”. Next: fill in the protocol.")
            return redirect("protocol_edit", slug=project.slug)
    memberships = Membership.objects.filter(user=request.user).select_related("project")
    return render(
        request, "core/dashboard.html", {"memberships": memberships, "form": form}, status=400
    )


def project_overview(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_THEORY)
    counts = {
        "members": project.memberships.count(),
        "protocol_versions": project.protocol_versions.count(),
        "changes": project.change_log.count(),
        "theory_versions": project.theory_versions.count(),
        "stakeholder_events": project.stakeholder_events.count(),
    }
    recent = (
        visible_events(project, request.user)[:8] if can(membership.role, Action.VIEW_ALL) else []
    )
    return render(
        request,
        "core/overview.html",
        {"project": project, "counts": counts, "recent": recent, "section": "overview"},
    )


def protocol(request: HttpRequest, slug: str, number: int | None = None) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_ALL)
    versions = list(project.protocol_versions.select_related("created_by"))
    if number is None:
        shown = versions[0] if versions else None
    else:
        shown = next((v for v in versions if v.number == number), None)
        if shown is None:
            raise Http404("No such protocol version")
    return render(
        request,
        "core/protocol.html",
        {
            "project": project,
            "section": "protocol",
            "shown": shown,
            "versions": versions,
            "changes": project.change_log.select_related("recorded_by"),
            "change_form": ChangeLogForm(initial={"decided_on": timezone.localdate()}),
            "can_edit": can(membership.role, Action.REVIEW),
        },
    )


def protocol_edit(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    current = project.protocol
    if request.method == "POST":
        form = ProtocolForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            summary = data.pop("summary", "")
            try:
                version = services.save_protocol(project, request.user, data, summary)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                if version is None:
                    messages.info(request, "Nothing changed, so no new version was saved.")
                else:
                    messages.success(request, f"Saved protocol version {version.number}.")
                return redirect("protocol", slug=project.slug)
    else:
        form = ProtocolForm(instance=current)
    return render(
        request,
        "core/protocol_edit.html",
        {"project": project, "section": "protocol", "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def change_log_add(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    form = ChangeLogForm(request.POST)
    if form.is_valid():
        try:
            services.add_change_log_entry(project, request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Change recorded in the change log.")
    else:
        messages.error(
            request,
            "The change was not recorded: "
            + "; ".join(
                f"{form.fields[f].label if f in form.fields else f}: {' '.join(e)}"
                for f, e in form.errors.items()
            ),
        )
    return redirect("protocol", slug=project.slug)


def members(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_ALL)
    return render(
        request,
        "core/members.html",
        {
            "project": project,
            "section": "members",
            "memberships": project.memberships.select_related("user"),
            "form": MemberForm(),
            "can_manage": can(membership.role, Action.MANAGE),
            "role_form": RoleForm(),
        },
    )


@require_POST
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.MANAGE)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            added = services.add_member(project, request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"Added {added.user.get_username()} as {added.get_role_display().lower()}."
            )
    else:
        messages.error(request, "Give a username and a role.")
    return redirect("members", slug=project.slug)


@require_POST
def member_role(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    project, _ = project_for(request, slug, Action.MANAGE)
    target = get_object_or_404(Membership, pk=member_id, project=project)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.change_role(project, request.user, target, form.cleaned_data["role"])
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"{target.user.get_username()} is now {form.cleaned_data['role']}."
            )
    return redirect("members", slug=project.slug)


@require_POST
def member_remove(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    project, _ = project_for(request, slug, Action.MANAGE)
    target = get_object_or_404(Membership, pk=member_id, project=project)
    try:
        services.remove_member(project, request.user, target)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Removed {target.user.get_username()} from the project.")
    return redirect("members", slug=project.slug)


def _filtered_events(request: HttpRequest, project: Project) -> tuple[HistoryFilterForm, object]:
    verbs, types = facets(project)
    form = HistoryFilterForm(request.GET or None, verbs=verbs, object_types=types)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, project_events(project, filters, request.user)


def history(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.VIEW_ALL)
    form, events = _filtered_events(request, project)
    page = Paginator(events.select_related("actor"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/history.html",
        {
            "project": project,
            "section": "history",
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_audit": can(_.role, Action.REVIEW),
            "undo": undo.offers(project, page.object_list) if can(_.role, Action.REVIEW) else {},
            "last_audit": project.tasks.filter(label="Audit-trail check").first(),
        },
    )


@require_POST
def event_undo(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    event = get_object_or_404(Event, project=project, pk=event_id)
    try:
        messages.success(request, undo.undo(project, event, request.user))
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("history", slug=project.slug)


def history_csv(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.VIEW_ALL)
    _, events = _filtered_events(request, project)
    response = HttpResponse(events_csv(events.iterator()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{project.slug}-history.csv"'
    return response


# Pages whose issues have not landed yet still exist, so the sidebar never leads nowhere.
PLANNED_SECTIONS = {}


def planned_section(request: HttpRequest, slug: str, section: str) -> HttpResponse:
    if section not in PLANNED_SECTIONS:
        raise Http404("No such page")
    project, _ = project_for(request, slug, Action.VIEW_THEORY)
    title, purpose, issue = PLANNED_SECTIONS[section]
    return render(
        request,
        "core/planned.html",
        {
            "project": project,
            "section": section,
            "title": title,
            "purpose": purpose,
            "issue": issue,
        },
    )


def task_progress(request: HttpRequest, task_id: str) -> HttpResponse:
    progress = get_object_or_404(TaskProgress, task_id=task_id)
    if progress.project is not None:
        project_for(request, progress.project.slug, Action.VIEW_THEORY)
    elif not (request.user.is_authenticated and progress.started_by_id == request.user.pk):
        raise Http404("No such task")
    return render(request, "core/task_progress.html", {"progress": progress})


@require_POST
def audit_start(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    progress = enqueue_with_progress(
        audit_trail_task,
        "Audit-trail check",
        project=project,
        user=request.user,
        project_id=project.pk,
    )
    if request.headers.get("HX-Request"):
        return render(request, "core/task_progress.html", {"progress": progress})
    messages.info(request, "The audit-trail check is running; its result appears below.")
    return redirect("history", slug=project.slug)
