"""CMO configurations: built from fragments across documents, chained, and weighed.

Every function writes the event log and, in a refined version, a TheoryChange with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max

from retroduce.core.concurrency import claim_revision
from retroduce.core.events import account, record
from retroduce.core.services import DomainError
from retroduce.theory.changes import NO_REASON, Why, note_change
from retroduce.theory.models import CMOC, Component, EvidenceLink, TheoryChange
from retroduce.theory.provenance import STAKEHOLDER_DOCUMENT_KINDS, refresh_provenance
from retroduce.theory.services import _editable

MAX_FIELD = 5_000


def _clean(fields: dict[str, str]) -> dict[str, str]:
    unknown = set(fields) - set(CMOC.TEXT_FIELDS)
    if unknown:
        raise DomainError(f"Unknown CMOC parts: {', '.join(sorted(unknown))}")
    cleaned = {k: (v or "").strip() for k, v in fields.items()}
    for name, value in cleaned.items():
        if len(value) > MAX_FIELD:
            raise DomainError(
                f"The {name.replace('_', ' ')} is limited to {MAX_FIELD:,} characters."
            )
    return cleaned


def _label(cmoc: CMOC) -> str:
    return f"{cmoc.component.name}: {cmoc.context[:60]} → {cmoc.outcome[:60]}"


@transaction.atomic
def create_cmoc(
    component: Component,
    by: AbstractBaseUser | None,
    why: Why = NO_REASON,
    **fields: str,
) -> CMOC:
    _editable(component.version)
    cleaned = _clean(fields)
    if not cleaned.get("context") or not cleaned.get("outcome"):
        raise DomainError("A CMOC needs at least a context and an outcome.")
    if not (cleaned.get("mechanism_resource") or cleaned.get("mechanism_response")):
        raise DomainError("A CMOC needs a mechanism: the resource offered, the response, or both.")
    position = (component.cmocs.aggregate(top=Max("position"))["top"] or 0) + 1
    cmoc = CMOC.objects.create(
        component=component,
        position=position,
        created_by=account(by),
        **cleaned,
    )
    record(component.version.project, by, "created", cmoc, label=_label(cmoc), after=cleaned)
    note_change(
        component.version,
        by,
        TheoryChange.Kind.ADDED,
        TheoryChange.Target.CMOC,
        cmoc.lineage,
        _label(cmoc),
        why,
    )
    return cmoc


@transaction.atomic
def update_cmoc(
    cmoc: CMOC,
    by: AbstractBaseUser | None,
    why: Why = NO_REASON,
    seen: int | None = None,
    **fields: str,
) -> CMOC:
    """Reword a CMOC; `seen` is the revision the editor's form showed (None: no form)."""
    _editable(cmoc.component.version)
    cleaned = _clean(fields)
    before = {k: getattr(cmoc, k) for k in cleaned}
    for key, value in cleaned.items():
        setattr(cmoc, key, value)
    if not cmoc.context or not cmoc.outcome:
        raise DomainError("A CMOC needs at least a context and an outcome.")
    if before == {k: getattr(cmoc, k) for k in cleaned}:
        return cmoc
    claim_revision(cmoc, seen, "CMOC")
    cmoc.save()
    record(cmoc.component.version.project, by, "changed", cmoc, before=before, after=cleaned)
    note_change(
        cmoc.component.version,
        by,
        TheoryChange.Kind.REWORDED,
        TheoryChange.Target.CMOC,
        cmoc.lineage,
        _label(cmoc),
        why,
    )
    return cmoc


def removed_snapshot(cmoc: CMOC) -> dict:
    def name(user) -> str | None:  # noqa: ANN001
        return user.get_username() if user else None

    return {
        "label": _label(cmoc),
        "component": str(cmoc.component.uuid),
        "lineage": str(cmoc.lineage),
        "position": cmoc.position,
        **{field: getattr(cmoc, field) for field in CMOC.TEXT_FIELDS},
        "created_by": name(cmoc.created_by),
        "leads_to": [str(u) for u in cmoc.leads_to.values_list("uuid", flat=True)],
        "follows": [str(u) for u in cmoc.follows.values_list("uuid", flat=True)],
        "feedback": [str(u) for u in cmoc.feedback.values_list("uuid", flat=True)],
        "evidence": [
            {
                "uuid": str(link.uuid),
                "fragment": str(link.fragment.uuid),
                "relation": link.relation,
                "note": link.note,
                "created_by": name(link.created_by),
            }
            for link in cmoc.evidence.select_related("fragment", "created_by")
        ],
    }


@transaction.atomic
def remove_cmoc(
    cmoc: CMOC, actor: AbstractBaseUser | None, why: Why = NO_REASON, seen: int | None = None
) -> None:
    version = cmoc.component.version
    _editable(version)
    claim_revision(cmoc, seen, "CMOC")  # never remove what someone reworded meanwhile
    note_change(
        version,
        actor,
        TheoryChange.Kind.REMOVED,
        TheoryChange.Target.CMOC,
        cmoc.lineage,
        _label(cmoc),
        why,
    )
    # Everything the removal takes away, so History can undo it (theory/undo.py).
    record(version.project, actor, "deleted", cmoc, before=removed_snapshot(cmoc))
    cmoc.evidence.all().delete()
    cmoc.delete()
    refresh_provenance(version.project)


@transaction.atomic
def link_evidence(
    cmoc: CMOC,
    actor: AbstractBaseUser | None,
    fragment_ids: Iterable[int],
    relation: str = EvidenceLink.Relation.SUPPORTS,
    note: str = "",
) -> list[EvidenceLink]:
    """Link fragments (from any documents) to a CMOC as supporting, refuting or refining it."""
    from retroduce.coding.models import Fragment

    version = cmoc.component.version
    _editable(version)
    if relation not in EvidenceLink.Relation.values:
        raise DomainError("Link evidence as supports, refutes or refines.")
    ids = {int(i) for i in fragment_ids}
    fragments = list(Fragment.objects.filter(pk__in=ids, document__project=version.project))
    if not fragments or len(fragments) != len(ids):
        raise DomainError("Pick fragments of this project's documents.")
    links = []
    for fragment in fragments:
        link, created = EvidenceLink.objects.get_or_create(
            cmoc=cmoc,
            fragment=fragment,
            defaults={
                "relation": relation,
                "note": note.strip(),
                "created_by": account(actor),
            },
        )
        if not created and (link.relation, link.note) != (relation, note.strip()):
            link.relation, link.note = relation, note.strip()
            link.save(update_fields=["relation", "note"])
        record(
            version.project,
            actor,
            "linked evidence",
            cmoc,
            label=_label(cmoc),
            after={
                "fragment": str(fragment.uuid),
                "relation": relation,
                "quote": fragment.quote[:300],
            },
        )
        links.append(link)
    refresh_provenance(version.project)
    return links


@transaction.atomic
def unlink_evidence(link: EvidenceLink, actor: AbstractBaseUser | None) -> None:
    cmoc = link.cmoc
    _editable(cmoc.component.version)
    record(
        cmoc.component.version.project,
        actor,
        "unlinked evidence",
        cmoc,
        label=_label(cmoc),
        before={"fragment": str(link.fragment.uuid), "relation": link.relation},
    )
    link.delete()
    refresh_provenance(cmoc.component.version.project)


@transaction.atomic
def set_chain(cmoc: CMOC, actor: AbstractBaseUser | None, targets: Iterable[CMOC]) -> CMOC:
    """Which configurations this one leads to (its outcome is their context)."""
    version = cmoc.component.version
    _editable(version)
    chosen = list(targets)
    if any(t.component.version_id != version.pk for t in chosen):
        raise DomainError("Chain CMOCs of the same theory version.")
    if cmoc in chosen:
        raise DomainError("A CMOC cannot lead to itself.")
    before = sorted(str(c.uuid) for c in cmoc.leads_to.all())
    cmoc.leads_to.set(chosen)
    record(
        version.project,
        actor,
        "chained",
        cmoc,
        label=_label(cmoc),
        before={"leads_to": before},
        after={"leads_to": sorted(str(c.uuid) for c in chosen)},
    )
    return cmoc


@dataclass(frozen=True)
class Strength:
    """What the evidence for one CMOC amounts to, for tables, the diagram and the report."""

    documents: int
    supports: int
    refutes: int
    refines: int
    stakeholder_only: int  # links whose fragment comes from stakeholder material
    rigour: dict[str, int]  # documents by appraised rigour: high/medium/low/unappraised

    @property
    def level(self) -> int:
        """0 (nothing) to 4 (several documents, rigour high or medium, none refuting)."""
        empirical = self.documents
        if empirical == 0:
            return 0
        level = 1 if empirical == 1 else 2 if empirical <= 3 else 3
        if (self.rigour.get("high", 0) + self.rigour.get("medium", 0)) >= 2 and not self.refutes:
            level += 1
        return min(level, 4)

    @property
    def summary(self) -> str:
        parts = [f"{self.documents} document{'s' if self.documents != 1 else ''}"]
        mix = ", ".join(f"{n} {k}" for k, n in self.rigour.items() if n)
        if mix:
            parts.append(f"rigour: {mix}")
        if self.refutes:
            parts.append(f"{self.refutes} refuting")
        if self.stakeholder_only:
            parts.append(f"{self.stakeholder_only} stakeholder-only")
        return "; ".join(parts)


def strength(cmoc: CMOC) -> Strength:
    from retroduce.coding.models import Appraisal

    links = list(cmoc.evidence.select_related("fragment__document"))
    empirical_docs = {
        link.fragment.document_id
        for link in links
        if link.fragment.document.kind not in STAKEHOLDER_DOCUMENT_KINDS
    }
    rigour_of = dict(
        Appraisal.objects.filter(document_id__in=empirical_docs, fragment__isnull=True).values_list(
            "document_id", "rigour"
        )
    )
    rigour: dict[str, int] = {"high": 0, "medium": 0, "low": 0, "unappraised": 0}
    for document_id in empirical_docs:
        rigour[rigour_of.get(document_id, "unappraised")] += 1
    return Strength(
        documents=len(empirical_docs),
        supports=sum(1 for link in links if link.relation == EvidenceLink.Relation.SUPPORTS),
        refutes=sum(1 for link in links if link.relation == EvidenceLink.Relation.REFUTES),
        refines=sum(1 for link in links if link.relation == EvidenceLink.Relation.REFINES),
        stakeholder_only=sum(
            1 for link in links if link.fragment.document.kind in STAKEHOLDER_DOCUMENT_KINDS
        ),
        rigour=rigour,
    )
