"""Why the theory changed: each change in a refined version carries a rationale and its prompts.

In the initial version the theory is being drafted, so edits need no reason. From v2 on, every
addition, removal and rewording records a TheoryChange with the rationale and the fragments,
stakeholder feedback and memos that prompted it; the version diff shows them beside the change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser

from retroduce.core.events import account
from retroduce.core.services import DomainError
from retroduce.theory.models import TheoryChange, TheoryVersion


@dataclass
class Why:
    """The reason for a change, and what prompted it (ids of fragments, feedback and memos)."""

    rationale: str = ""
    fragments: Iterable[int] = ()
    feedback: Iterable[int] = ()
    memos: Iterable[int] = ()
    extra: dict = field(default_factory=dict)


NO_REASON = Why()


def needs_rationale(version: TheoryVersion) -> bool:
    return version.number > 1


def note_change(
    version: TheoryVersion,
    actor: AbstractBaseUser | None,
    kind: str,
    target: str,
    lineage: object,
    label: str,
    why: Why,
) -> TheoryChange | None:
    """Record one change of a refined version; the initial version records none."""
    if not needs_rationale(version):
        return None
    if not why.rationale.strip():
        raise DomainError(
            f"Say why: changes to {version} need a rationale (RAMESES asks for the reasons "
            "behind each refinement of the theory)."
        )
    from retroduce.coding.models import Fragment, Memo
    from retroduce.theory.models import Feedback

    project = version.project
    fragments = list(Fragment.objects.filter(pk__in=list(why.fragments), document__project=project))
    feedback = list(
        Feedback.objects.filter(pk__in=list(why.feedback), theory_version__project=project)
    )
    memos = list(Memo.objects.filter(pk__in=list(why.memos), project=project))
    change = TheoryChange.objects.create(
        version=version,
        kind=kind,
        target=target,
        lineage=lineage,
        label=label[:300],
        rationale=why.rationale.strip(),
        created_by=account(actor),
    )
    change.fragments.set(fragments)
    change.feedback.set(feedback)
    change.memos.set(memos)
    # Feedback that prompted a change is answered by it.
    for item in feedback:
        if item.caused_id is None:
            item.caused = change
            item.save(update_fields=["caused"])
    return change
