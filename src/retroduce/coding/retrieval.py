"""Retrieval: fragments per code, the code-by-document matrix and code co-occurrence.

Who sees what: a second coder sees only their own fragments on the document they check, and a
stakeholder sees only documents the owner shared.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from retroduce.coding.codebook import code_tree, descendants_and_self
from retroduce.coding.models import Code, Fragment, FragmentCode
from retroduce.core.models import Membership, Project, Role
from retroduce.documents.models import Document


def visible_documents(project: Project, membership: Membership) -> QuerySet[Document]:
    documents = Document.objects.filter(project=project)
    if membership.role == Role.STAKEHOLDER:
        documents = documents.filter(shared_with_stakeholders=True)
    return documents


def visible_fragments(project: Project, membership: Membership) -> QuerySet[Fragment]:
    fragments = Fragment.objects.filter(document__in=visible_documents(project, membership))
    # Blind second coding: on a document I am checking, I see only my own fragments.
    return fragments.exclude(Q(document__check_coder=membership.user) & ~Q(coder=membership.user))


def fragments_for_code(
    code: Code,
    membership: Membership,
    *,
    document: Document | None = None,
    with_children: bool = True,
) -> QuerySet[Fragment]:
    ids = descendants_and_self(code) if with_children else {code.pk}
    fragments = visible_fragments(code.project, membership).filter(codings__code_id__in=ids)
    if document is not None:
        fragments = fragments.filter(document=document)
    return (
        fragments.distinct()
        .select_related("document", "coder")
        .prefetch_related("codes")
        .order_by("document__title", "document_id", "start", "id")
    )


@dataclass(frozen=True)
class Matrix:
    codes: list[tuple[Code, int]]  # (code, depth) in codebook order
    documents: list[Document]
    counts: dict[tuple[int, int], int]  # (code id, document id) -> fragments
    with_children: bool

    def row(self, code: Code) -> list[int]:
        return [self.counts.get((code.pk, d.pk), 0) for d in self.documents]

    def cells(self, code: Code) -> list[tuple[Document, int]]:
        return [(d, self.counts.get((code.pk, d.pk), 0)) for d in self.documents]


def code_document_matrix(
    project: Project, membership: Membership, with_children: bool = True
) -> Matrix:
    """Fragments per code and document (NVivo's framework matrix, as counts)."""
    tree = code_tree(project)
    documents = list(visible_documents(project, membership).filter(status=Document.Status.READY))
    pairs = FragmentCode.objects.filter(
        fragment__in=visible_fragments(project, membership)
    ).values_list("code_id", "fragment__document_id", "fragment_id")
    direct: dict[tuple[int, int], set[int]] = defaultdict(set)
    for code_id, document_id, fragment_id in pairs:
        direct[(code_id, document_id)].add(fragment_id)
    counts: dict[tuple[int, int], int] = {}
    for code, _depth in tree:
        ids = descendants_and_self(code) if with_children else {code.pk}
        for document in documents:
            fragments: set[int] = set()
            for code_id in ids:
                fragments |= direct.get((code_id, document.pk), set())
            if fragments:
                counts[(code.pk, document.pk)] = len(fragments)
    return Matrix(tree, documents, counts, with_children)


def cooccurrence(project: Project, membership: Membership) -> list[tuple[Code, Code, int]]:
    """Pairs of codes applied to overlapping passages, with how many overlaps, most first.

    Two codes co-occur when one passage carries both, or when passages coded with each overlap
    in the same document (a second coder's fragments count too).
    """
    spans: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    for fragment_id, document_id, start, end, code_id in FragmentCode.objects.filter(
        fragment__in=visible_fragments(project, membership), code__merged_into__isnull=True
    ).values_list(
        "fragment_id", "fragment__document_id", "fragment__start", "fragment__end", "code_id"
    ):
        spans[document_id].append((start, end, fragment_id, code_id))
    seen: set[tuple[int, int, int, int]] = set()
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for items in spans.values():
        items.sort()
        for i, (start_a, end_a, frag_a, code_a) in enumerate(items):
            for start_b, end_b, frag_b, code_b in items[i + 1 :]:
                if start_b >= end_a:
                    break
                if code_a == code_b or end_b <= start_a:
                    continue
                a, b = sorted((code_a, code_b))
                fa, fb = sorted((frag_a, frag_b))
                if (a, b, fa, fb) in seen:
                    continue
                seen.add((a, b, fa, fb))
                counts[(a, b)] += 1
    codes = {c.pk: c for c in Code.objects.filter(pk__in={k for pair in counts for k in pair})}
    rows = [(codes[a], codes[b], n) for (a, b), n in counts.items()]
    rows.sort(key=lambda row: (-row[2], row[0].name.lower(), row[1].name.lower()))
    return rows


def fragment_counts(project: Project, membership: Membership) -> dict[int, int]:
    """Fragments per code (direct codings only), for the codebook."""
    counts: dict[int, int] = defaultdict(int)
    for code_id in FragmentCode.objects.filter(
        fragment__in=visible_fragments(project, membership)
    ).values_list("code_id", flat=True):
        counts[code_id] += 1
    return counts
