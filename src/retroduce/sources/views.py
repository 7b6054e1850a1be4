"""Sources pages: the search log, imports, records and the duplicate review queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from retroduce.core.keyset import keyset_page
from retroduce.core.permissions import Action, can, project_for
from retroduce.core.services import DomainError
from retroduce.sources import duplicates, episodes
from retroduce.sources.clusters import canonical, cluster_origins, members, richest
from retroduce.sources.compare import compare_pair
from retroduce.sources.counts import source_counts
from retroduce.sources.forms import EpisodeForm, RecordFilterForm, UploadForm
from retroduce.sources.models import DuplicatePair, Record, SearchEpisode
from retroduce.sources.tasks import queue_import


def sources(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_ALL)
    return render(
        request,
        "sources/sources.html",
        {
            "project": project,
            "section": "sources",
            "counts": source_counts(project),
            "imports": project.imports.select_related("episode", "created_by")[:20],
            "upload_form": UploadForm(project=project),
            "can_edit": can(membership.role, Action.REVIEW),
        },
    )


def episode_form(request: HttpRequest, slug: str, number: int | None = None) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    episode = get_object_or_404(SearchEpisode, project=project, number=number) if number else None
    form = EpisodeForm(request.POST or None, instance=episode, project=project)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        components = list(data.pop("components"))
        try:
            if episode is None:
                episode = episodes.create_episode(project, request.user, components, **data)
                messages.success(request, f"Logged search episode {episode}.")
            else:
                # The bound ModelForm has already written the new values onto `episode`;
                # the domain function needs the stored row to log what changed.
                stored = SearchEpisode.objects.get(pk=episode.pk)
                episodes.update_episode(stored, request.user, components, **data)
                messages.success(request, f"Saved search episode {episode}.")
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("sources", slug=project.slug)
    return render(
        request,
        "sources/episode_form.html",
        {"project": project, "section": "sources", "form": form, "episode": episode},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    form = UploadForm(request.POST, request.FILES, project=project)
    if not form.is_valid():
        messages.error(request, "Choose at least one file to import.")
        return redirect("sources", slug=project.slug)
    started = []
    for upload in request.FILES.getlist("files"):
        try:
            batch = queue_import(
                project, request.user, upload.name, upload.read(), form.cleaned_data["episode"]
            )
        except DomainError as exc:
            messages.error(request, str(exc))
            continue
        started.append(batch.file_name)
    if started:
        messages.info(request, f"Importing {', '.join(started)}. Progress shows below.")
    return redirect("sources", slug=project.slug)


def records(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = project_for(request, slug, Action.VIEW_ALL)
    form = RecordFilterForm(request.GET or None, project=project)
    rows = Record.objects.filter(project=project)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            rows = rows.filter(search_text__contains=data["q"].lower())
        if data["episode"]:
            rows = rows.filter(origins__episode=data["episode"])
        if data["status"] == "unique":
            rows = rows.filter(duplicate_of__isnull=True)
        elif data["status"] == "duplicate":
            rows = rows.filter(duplicate_of__isnull=False)
        elif data["status"] == "review":
            pending = DuplicatePair.objects.filter(status=DuplicatePair.Status.PENDING).filter(
                Q(a=OuterRef("pk")) | Q(b=OuterRef("pk"))
            )
            rows = rows.filter(Exists(pending), duplicate_of__isnull=True)
    page = keyset_page(
        rows.only("id", "title", "authors", "year", "journal", "doi", "duplicate_of"),
        request.GET,
    )
    return render(
        request,
        "sources/records.html",
        {
            "project": project,
            "section": "sources",
            "form": form,
            "page": page,
        },
    )


def record_detail(request: HttpRequest, slug: str, record_id: int) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_ALL)
    record = get_object_or_404(
        Record.objects.select_related("batch", "duplicate_of"), pk=record_id, project=project
    )
    root = canonical(record)
    cluster = members(root)
    pairs = DuplicatePair.objects.filter(Q(a__in=cluster) | Q(b__in=cluster)).select_related(
        "a", "b"
    )
    return render(
        request,
        "sources/record.html",
        {
            "project": project,
            "section": "sources",
            "record": record,
            "root": root,
            "cluster": cluster,
            "merged": richest(cluster),
            "origins": cluster_origins(cluster),
            "pairs": pairs,
            "can_edit": can(membership.role, Action.REVIEW),
        },
    )


def duplicate_queue(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = project_for(request, slug, Action.VIEW_ALL)
    pending = duplicates.pending_pairs(project)
    pair = pending.first()
    return render(
        request,
        "sources/duplicates.html",
        {
            "project": project,
            "section": "sources",
            "pair": pair,
            "rows": compare_pair(pair.a, pair.b) if pair else [],
            "remaining": pending.count(),
            "decided": Paginator(duplicates.decided_pairs(project), 25).get_page(
                request.GET.get("page")
            ),
            "can_edit": can(membership.role, Action.REVIEW),
        },
    )


@require_POST
def decide_pair(request: HttpRequest, slug: str, pair_id: int) -> HttpResponse:
    project, _ = project_for(request, slug, Action.REVIEW)
    pair = get_object_or_404(DuplicatePair, pk=pair_id, project=project)
    decision = request.POST.get("decision")
    try:
        if decision in ("merge", "merge_keep_b"):
            kept = duplicates.merge_pair(
                pair, request.user, keep="b" if decision == "merge_keep_b" else "a"
            )
            messages.success(request, f"Merged: kept “{kept}”.")
        elif decision == "keep":
            duplicates.keep_apart(pair, request.user)
            messages.success(request, "Kept both records.")
        elif decision == "undo":
            duplicates.undo_decision(pair, request.user)
            messages.success(request, "Undone: the pair is back in the review queue.")
        else:
            messages.error(request, "Choose merge, keep both or undo.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(_safe_next(request, project.slug))


def _safe_next(request: HttpRequest, slug: str) -> str:
    target = request.POST.get("next", "")
    # Only paths inside this project: never an absolute URL an attacker could plant.
    if target.startswith(f"/p/{slug}/") and "//" not in target:
        return target
    return f"/p/{slug}/sources/duplicates/"
