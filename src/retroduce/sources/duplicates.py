"""Deduplication inside a project: automatic merges, the review queue, manual merges and undo."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from retroduce.core.events import record as log
from retroduce.core.models import Project
from retroduce.core.progress import Reporter, silent
from retroduce.core.services import DomainError
from retroduce.sources.clusters import canonical
from retroduce.sources.dedup import find_duplicates
from retroduce.sources.models import DuplicatePair, Record
from retroduce.sources.records import DedupRecord


@dataclass
class DedupOutcome:
    merged: int = 0
    new_pairs: int = 0


def _as_dedup_record(row: dict) -> DedupRecord:
    return DedupRecord(
        id=str(row["id"]),
        title=row["title"],
        author=" and ".join(row["authors"] or []),
        year=row["year"],
        journal=row["journal"],
        volume=row["volume"],
        number=row["number"],
        pages=row["pages"],
        doi=row["doi"],
        abstract=row["abstract"],
        isbn=row["isbn"],
        entry_type=row["item_type"],
    )


def _ordered(x: int, y: int) -> tuple[int, int]:
    return (x, y) if x < y else (y, x)


def dedup_project(
    project: Project,
    actor: AbstractBaseUser | None,
    report: Reporter = silent,
    *,
    actor_name: str | None = None,
) -> DedupOutcome:
    """Find duplicates among the project's canonical records.

    Overwhelming matches are merged at once (the older record is kept); uncertain ones join the
    review queue. Pairs a person already decided are never proposed again.
    """
    fields = (
        "id",
        "title",
        "authors",
        "year",
        "journal",
        "volume",
        "number",
        "pages",
        "doi",
        "abstract",
        "isbn",
        "item_type",
    )
    rows = list(Record.objects.filter(project=project, duplicate_of__isnull=True).values(*fields))
    result = find_duplicates([_as_dedup_record(r) for r in rows], report=report)
    decided = {
        _ordered(a, b)
        for a, b in DuplicatePair.objects.filter(project=project).values_list("a_id", "b_id")
    }
    kept_apart = {
        _ordered(a, b)
        for a, b in DuplicatePair.objects.filter(
            project=project, status=DuplicatePair.Status.KEPT
        ).values_list("a_id", "b_id")
    }
    outcome = DedupOutcome()
    with transaction.atomic():
        now = timezone.now()
        merges: list[tuple[int, int, float, list[str]]] = []
        for cluster in result.clusters:
            ids = sorted(int(i) for i in cluster)
            keeper = ids[0]
            for other in ids[1:]:
                if _ordered(keeper, other) in kept_apart:
                    continue  # a person said these differ; the machine does not overrule them
                merges.append((keeper, other, 1.0, ["merged automatically: overwhelming match"]))
        by_id = {r.pk: r for r in Record.objects.filter(pk__in={m[1] for m in merges})}
        for keeper, other, score, reasons in merges:
            record = by_id[other]
            record.duplicate_of_id = keeper
            pair, _ = DuplicatePair.objects.update_or_create(
                a_id=keeper,
                b_id=other,
                defaults={
                    "project": project,
                    "score": score,
                    "reasons": reasons,
                    "status": DuplicatePair.Status.MERGED,
                    "decided_how": DuplicatePair.DecidedBy.AUTO,
                    "decided_at": now,
                },
            )
        Record.objects.bulk_update(by_id.values(), ["duplicate_of"], batch_size=2000)
        outcome.merged = len(merges)
        if merges:
            log(
                project,
                actor,
                "merged",
                project,
                label=f"{len(merges)} duplicate records",
                after={
                    "automatic_merges": len(merges),
                    "pairs": [[k, o] for k, o, _, _ in merges[:200]],
                },
                actor_name=actor_name,
            )
        new_pairs = []
        for candidate in result.candidates:
            a, b = _ordered(int(candidate.a), int(candidate.b))
            if (a, b) in decided:
                continue
            decided.add((a, b))
            new_pairs.append(
                DuplicatePair(
                    project=project,
                    a_id=a,
                    b_id=b,
                    score=candidate.score,
                    reasons=candidate.reasons,
                )
            )
        DuplicatePair.objects.bulk_create(new_pairs, batch_size=2000)
        outcome.new_pairs = len(new_pairs)
    return outcome


def pending_pairs(project: Project):  # noqa: ANN201 (a queryset)
    """Pairs still to decide, where neither record has been merged away meanwhile."""
    return (
        DuplicatePair.objects.filter(project=project, status=DuplicatePair.Status.PENDING)
        .filter(a__duplicate_of__isnull=True, b__duplicate_of__isnull=True)
        .select_related("a", "b")
    )


def _decide(pair: DuplicatePair, actor: AbstractBaseUser, status: str) -> None:
    pair.status = status
    pair.decided_how = DuplicatePair.DecidedBy.PERSON
    pair.decided_by = actor
    pair.decided_at = timezone.now()
    pair.save(update_fields=["status", "decided_how", "decided_by", "decided_at"])


@transaction.atomic
def merge_pair(pair: DuplicatePair, actor: AbstractBaseUser, keep: str = "a") -> Record:
    """Merge the pair: the record not kept becomes a duplicate of the one kept. Returns the kept one."""
    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != DuplicatePair.Status.PENDING:
        raise DomainError("This pair was already decided; undo that decision first.")
    keeper, other = (pair.a, pair.b) if keep == "a" else (pair.b, pair.a)
    keeper, other = canonical(keeper), canonical(other)
    if keeper.pk == other.pk:
        raise DomainError("These records are already merged.")
    other.duplicate_of = keeper
    other.save(update_fields=["duplicate_of"])
    if keep != "a":  # keep the convention: a is the record kept
        pair.a, pair.b = pair.b, pair.a
        pair.save(update_fields=["a", "b"])
    _decide(pair, actor, DuplicatePair.Status.MERGED)
    log(
        pair.project,
        actor,
        "merged",
        other,
        before={"duplicate_of": None},
        after={"duplicate_of": str(keeper.uuid), "kept": str(keeper)},
    )
    return keeper


@transaction.atomic
def keep_apart(pair: DuplicatePair, actor: AbstractBaseUser) -> None:
    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != DuplicatePair.Status.PENDING:
        raise DomainError("This pair was already decided; undo that decision first.")
    _decide(pair, actor, DuplicatePair.Status.KEPT)
    log(
        pair.project,
        actor,
        "kept apart",
        pair,
        label=f"{pair.a} / {pair.b}",
        after={"a": str(pair.a.uuid), "b": str(pair.b.uuid)},
    )


@transaction.atomic
def undo_decision(pair: DuplicatePair, actor: AbstractBaseUser) -> None:
    """Undo a merge (automatic or by a person) or a keep-apart; the pair returns to the queue."""
    pair = DuplicatePair.objects.select_for_update().select_related("a", "b").get(pk=pair.pk)
    if pair.status == DuplicatePair.Status.PENDING:
        raise DomainError("This pair has not been decided yet.")
    before = {"status": pair.status, "decided_how": pair.decided_how}
    if pair.status == DuplicatePair.Status.MERGED:
        merged_away = Record.objects.select_for_update().get(pk=pair.b_id)
        if merged_away.duplicate_of_id != pair.a_id:
            raise DomainError("This merge was changed since; undo the later merge first.")
        merged_away.duplicate_of = None
        merged_away.save(update_fields=["duplicate_of"])
    pair.status = DuplicatePair.Status.PENDING
    pair.decided_how, pair.decided_by, pair.decided_at = "", None, None
    pair.save(update_fields=["status", "decided_how", "decided_by", "decided_at"])
    log(
        pair.project,
        actor,
        "undid",
        pair,
        label=f"{pair.a} / {pair.b}",
        before=before,
        after={"status": "pending"},
    )


def decided_pairs(project: Project):  # noqa: ANN201 (a queryset)
    return (
        DuplicatePair.objects.filter(project=project)
        .filter(Q(status=DuplicatePair.Status.MERGED) | Q(status=DuplicatePair.Status.KEPT))
        .select_related("a", "b", "decided_by")
        .order_by("-decided_at")
    )
