"""Second-coder comparison and coding suggestions, the two places the computer helps a coder."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from retroduce.coding import services
from retroduce.coding.codebook import descendants_and_self, live_codes
from retroduce.coding.models import Code, Fragment, SuggestionVerdict
from retroduce.coding.retrieval import visible_documents, visible_fragments
from retroduce.coding.suggestion_index import index_for
from retroduce.coding.suggestions.embeddings import shared_embedder
from retroduce.core.permissions import Action, can, project_for
from retroduce.core.services import DomainError
from retroduce.documents.models import Document

MAX_DISAGREEMENTS_SHOWN = 200


def _spans_by_code(fragments) -> dict[int, list[tuple[int, int]]]:  # noqa: ANN001
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for fragment in fragments:
        for code in fragment.codes.all():
            spans[code.pk].append((fragment.start, fragment.end))
    return spans


def agreement(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    from retroduce.coding.agreement import code_agreement, disagreements

    project, membership = project_for(request, slug, Action.REVIEW)
    document = get_object_or_404(Document, project=project, pk=document_id)
    fragments = Fragment.objects.filter(document=document).prefetch_related("codes")
    coder_ids = sorted({f.coder_id for f in fragments if f.coder_id})
    coders = {u.pk: u for u in get_user_model().objects.filter(pk__in=coder_ids)}
    try:
        a = int(request.GET.get("a") or (coder_ids[0] if coder_ids else 0))
        b = int(request.GET.get("b") or (coder_ids[1] if len(coder_ids) > 1 else 0))
    except ValueError:
        a = b = 0
    context = {
        "project": project,
        "section": "documents",
        "document": document,
        "coders": [coders[i] for i in coder_ids],
        "a": coders.get(a),
        "b": coders.get(b),
    }
    if a in coders and b in coders and a != b:
        spans_a = _spans_by_code(f for f in fragments if f.coder_id == a)
        spans_b = _spans_by_code(f for f in fragments if f.coder_id == b)
        names = {c.pk: c for c in Code.objects.filter(pk__in=set(spans_a) | set(spans_b))}
        rows = code_agreement(len(document.text), spans_a, spans_b)
        differences = disagreements(spans_a, spans_b)
        context["rows"] = [(names[row.code], row) for row in rows]
        context["differences"] = [
            (
                names[d.code],
                d,
                document.text[d.start : d.end],
                document.page_of(d.start),
            )
            for d in differences[:MAX_DISAGREEMENTS_SHOWN]
        ]
        context["more_differences"] = max(0, len(differences) - MAX_DISAGREEMENTS_SHOWN)
    return render(request, "coding/agreement.html", context)


@dataclass(frozen=True)
class Shown:
    document: Document
    start: int
    end: int
    text: str
    score: float
    page: int
    closest: Fragment | None
    closest_similarity: float


def suggestions(request: HttpRequest, slug: str, code_id: int) -> HttpResponse:
    project, membership = project_for(request, slug, Action.REVIEW)
    code = get_object_or_404(live_codes(project), pk=code_id)
    documents = list(
        visible_documents(project, membership)
        .filter(status=Document.Status.READY)
        .only("id", "extraction", "title", "pages")
    )
    positives = list(
        visible_fragments(project, membership)
        .filter(codings__code_id__in=descendants_and_self(code))
        .distinct()
        .order_by("pk")
    )
    verdicts = SuggestionVerdict.objects.filter(code=code)
    rejected = [v for v in verdicts if not v.accepted]
    shown: list[Shown] = []
    engine, progress = index_for(project, request.user) if positives else (None, None)
    if engine is not None:
        embed = shared_embedder()
        exclude: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for fragment in positives:
            exclude[fragment.document_id].append((fragment.start, fragment.end))
        for verdict in verdicts:
            exclude[verdict.document_id].append((verdict.start, verdict.end))
        by_id = {d.pk: d for d in documents}
        for s in engine.suggest(
            [f.quote for f in positives],
            [v.text for v in rejected],
            exclude=exclude,
            k=10,
            embed=embed,
        ):
            document = by_id.get(s.doc)
            if document is None:  # extracted after the page was asked for
                continue
            shown.append(
                Shown(
                    document,
                    s.start,
                    s.end,
                    s.text,
                    s.score,
                    document.page_of(s.start),
                    positives[s.closest] if 0 <= s.closest < len(positives) else None,
                    s.closest_similarity,
                )
            )
    return render(
        request,
        "coding/suggestions.html",
        {
            "project": project,
            "section": "coding",
            "code": code,
            "suggestions": shown,
            "positives": len(positives),
            "progress": progress,
            "semantic": engine is not None and shared_embedder() is not None,
            "accepted": sum(1 for v in verdicts if v.accepted),
            "rejected": len(rejected),
            "can_edit": can(membership.role, Action.REVIEW),
        },
    )


@require_POST
def decide_suggestion(request: HttpRequest, slug: str, code_id: int) -> HttpResponse:
    project, membership = project_for(request, slug, Action.REVIEW)
    code = get_object_or_404(live_codes(project), pk=code_id)
    document = get_object_or_404(
        visible_documents(project, membership), pk=request.POST.get("document")
    )
    try:
        start, end = int(request.POST["start"]), int(request.POST["end"])
    except (KeyError, ValueError):
        messages.error(request, "That suggestion could not be read; reload the page.")
        return redirect("suggestions", slug=project.slug, code_id=code.pk)
    accepted = request.POST.get("verdict") == "accept"
    try:
        services.decide_suggestion(document, code, request.user, start, end, accepted)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Coded the passage as “{code}”." if accepted else "Noted; similar passages move down.",
        )
    return redirect("suggestions", slug=project.slug, code_id=code.pk)
