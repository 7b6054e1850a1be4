"""The re-reading queue: after the theory changes, go back to documents coded before the change.

Realist practice asks reviewers to return to material read under the old theory, because a new
or reworded part may find evidence there that nobody was looking for. For each change of the
current version, the documents coded before it are ranked by how much their text shares the
words of the new or changed part (TF-IDF cosine), so the likeliest come first.
"""

from __future__ import annotations

from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from retroduce.core.models import Project
from retroduce.documents.models import Document
from retroduce.theory.models import CMOC, Component, RereadMark, TheoryChange, TheoryVersion

PER_CHANGE = 10


@dataclass
class Candidate:
    document: Document
    score: float
    reread: RereadMark | None


@dataclass
class QueueEntry:
    change: TheoryChange
    text: str
    candidates: list[Candidate]


def _part_text(version: TheoryVersion, change: TheoryChange) -> str:
    component = Component.objects.filter(version=version, lineage=change.lineage).first()
    if component is not None:
        return " ".join([component.name, component.description, component.statement])
    cmoc = CMOC.objects.filter(component__version=version, lineage=change.lineage).first()
    if cmoc is not None:
        return " ".join(getattr(cmoc, name) for name in CMOC.TEXT_FIELDS)
    return change.label


def queue(project: Project) -> tuple[TheoryVersion | None, list[QueueEntry]]:
    version = TheoryVersion.objects.filter(project=project).order_by("-number").first()
    if version is None:
        return None, []
    changes = list(
        version.changes.filter(kind__in=[TheoryChange.Kind.ADDED, TheoryChange.Kind.REWORDED])
    )
    entries: list[QueueEntry] = []
    for change in changes:
        documents = list(
            Document.objects.filter(
                project=project,
                status=Document.Status.READY,
                fragments__created_at__lt=change.created_at,
            )
            .distinct()
            .order_by("pk")
        )
        text = _part_text(version, change)
        if not documents:
            entries.append(QueueEntry(change, text, []))
            continue
        vectoriser = TfidfVectorizer(stop_words="english", sublinear_tf=True)
        matrix = vectoriser.fit_transform([d.text for d in documents] + [text])
        scores = linear_kernel(matrix[-1], matrix[:-1]).ravel()
        marks = {m.document_id: m for m in change.rereads.select_related("by")}
        ranked = sorted(zip(documents, scores, strict=True), key=lambda p: (-p[1], p[0].pk))
        entries.append(
            QueueEntry(
                change,
                text,
                [Candidate(d, float(s), marks.get(d.pk)) for d, s in ranked[:PER_CHANGE]],
            )
        )
    return version, entries
