"""The passage index behind coding suggestions: built in the background, kept on disk.

Building it reads and segments every document (14 s for 1,000 papers on two cores), which
no web request should wait for. Small projects build it inline; larger ones queue a task with
progress, and every web process then loads the same index from disk. The index is keyed by
the documents and their extraction numbers, so a new or re-extracted document makes a new one.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from pathlib import Path

from django.conf import settings

from retroduce.coding.suggestions import SuggestionEngine
from retroduce.coding.suggestions.embeddings import shared_embedder
from retroduce.core.models import Project, TaskProgress
from retroduce.core.progress import Reporter, enqueue_with_progress, silent
from retroduce.documents.models import Document

# Below this many characters the index builds in well under a second: do it in the request.
INLINE_CHARS = 2_000_000
LABEL = "Indexing passages for coding suggestions"

_memory: dict[int, tuple[str, SuggestionEngine]] = {}
_lock = threading.Lock()


def indexed_documents(project: Project) -> list[Document]:
    return list(
        Document.objects.filter(project=project, status=Document.Status.READY)
        .order_by("pk")
        .only("id", "uuid", "extraction", "title", "pages")
    )


def signature(documents: list[Document]) -> str:
    # UUIDs, not ids: a restored or recreated database reuses ids for other documents.
    text = ";".join(f"{d.uuid}:{d.extraction}" for d in documents)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _path(project: Project, key: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "suggestions" / f"{project.slug}-{key}.pickle"


def cached_index(project: Project, documents: list[Document]) -> SuggestionEngine | None:
    key = signature(documents)
    with _lock:
        held = _memory.get(project.pk)
        if held is not None and held[0] == key:
            return held[1]
    path = _path(project, key)
    if not path.exists():
        return None
    # The file is one this application wrote under MEDIA_ROOT, never an upload.
    with path.open("rb") as handle:
        engine = pickle.load(handle)  # noqa: S301
    with _lock:
        _memory[project.pk] = (key, engine)
    return engine


def build_index(project: Project, report: Reporter = silent) -> tuple[int, int]:
    """Build and store the index of every ready document; returns (documents, passages)."""
    documents = indexed_documents(project)
    key = signature(documents)
    report(0, 3, "reading the documents")
    texts = dict(
        Document.objects.filter(pk__in=[d.pk for d in documents]).values_list("pk", "text")
    )
    report(1, 3, "segmenting and indexing passages")
    engine = SuggestionEngine(texts)
    embed = shared_embedder()
    if embed is not None:
        report(2, 3, "embedding passages with all-MiniLM-L6-v2")
        engine.embed_passages(embed)
    path = _path(project, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as handle:
        pickle.dump(engine, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)  # readers never see half a file
    for old in path.parent.glob(f"{project.slug}-*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)
    with _lock:
        _memory[project.pk] = (key, engine)
    report(3, 3, "done")
    return len(documents), len(engine)


def index_for(project: Project, actor) -> tuple[SuggestionEngine | None, TaskProgress | None]:  # noqa: ANN001
    """The index if it is ready; otherwise build it now (small projects) or queue it."""
    documents = indexed_documents(project)
    engine = cached_index(project, documents)
    if engine is not None or not documents:
        return engine, None
    size = sum(
        len(text)
        for text in Document.objects.filter(pk__in=[d.pk for d in documents]).values_list(
            "text", flat=True
        )
    )
    if size <= INLINE_CHARS:
        build_index(project)
        return cached_index(project, documents), None
    running = TaskProgress.objects.filter(
        project=project,
        label=LABEL,
        status__in=[TaskProgress.Status.QUEUED, TaskProgress.Status.RUNNING],
    ).first()
    if running is not None:
        return None, running
    from retroduce.coding.tasks import build_suggestion_index_task

    return None, enqueue_with_progress(
        build_suggestion_index_task, LABEL, project=project, user=actor, project_id=project.pk
    )
