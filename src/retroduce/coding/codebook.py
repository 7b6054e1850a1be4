"""The codebook: built-in kinds, programme-theory component codes, and user codes as a tree.

Merging, moving and renaming never lose a fragment: codings move with the code.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q, Subquery

from retroduce.coding.models import BUILTIN_KINDS, Code, CodeKind, FragmentCode, Memo
from retroduce.core.concurrency import claim_revision
from retroduce.core.events import account
from retroduce.core.events import record as log
from retroduce.core.models import Project
from retroduce.core.services import DomainError

COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"


def live_codes(project: Project):  # noqa: ANN201 (a QuerySet)
    return Code.objects.filter(project=project, merged_into__isnull=True)


def _codebook_current(project: Project) -> bool:
    """Whether ensure_codebook has nothing to do: two reads, where doing it reads five or more
    (pages such as the document viewer ask on every view)."""
    from retroduce.theory.models import Component, TheoryVersion

    builtin_kinds, component_names = set(), {}
    for kind, builtin, parent_id, lineage, name in live_codes(project).values_list(
        "kind", "builtin", "parent_id", "component_lineage", "name"
    ):
        if builtin and parent_id is None:
            builtin_kinds.add(kind)
        if lineage is not None:
            component_names[lineage] = name
    if any(kind not in builtin_kinds for kind, _name, _colour in BUILTIN_KINDS):
        return False
    latest = TheoryVersion.objects.filter(project=project).order_by("-number").values("pk")[:1]
    return all(
        component_names.get(lineage) == name[:200]
        for lineage, name in Component.objects.filter(version=Subquery(latest)).values_list(
            "lineage", "name"
        )
    )


def ensure_codebook(project: Project) -> None:
    """Create the built-in top-level codes and one code per programme-theory component."""
    if _codebook_current(project):
        return
    existing = set(
        live_codes(project).filter(builtin=True, parent__isnull=True).values_list("kind", flat=True)
    )
    for kind, name, colour in BUILTIN_KINDS:
        if kind not in existing:
            Code.objects.get_or_create(
                project=project,
                parent=None,
                name=name,
                merged_into=None,
                defaults={"kind": kind, "builtin": True, "colour": colour},
            )
    sync_component_codes(project)


def sync_component_codes(project: Project) -> int:
    """One code per component lineage, under "Programme theory", renamed with the component.

    Fragments coded with a component keep that code across theory versions, because the code
    follows the lineage, not one version's row.
    """
    from retroduce.theory.models import Component, TheoryVersion

    folder = live_codes(project).filter(builtin=True, kind=CodeKind.THEORY, parent=None).first()
    if folder is None:
        return 0
    latest = TheoryVersion.objects.filter(project=project).order_by("-number").first()
    if latest is None:
        return 0
    by_lineage = {
        c.component_lineage: c for c in live_codes(project).filter(component_lineage__isnull=False)
    }
    created = 0
    for component in Component.objects.filter(version=latest):
        code = by_lineage.get(component.lineage)
        if code is None:
            name = component.name[:200]
            if live_codes(project).filter(parent=folder, name=name).exists():
                continue  # a user code of that name is already there; leave it alone
            Code.objects.create(
                project=project,
                parent=folder,
                name=name,
                description=component.description,
                kind=CodeKind.THEORY,
                builtin=True,
                colour=folder.colour,
                component_lineage=component.lineage,
            )
            created += 1
        elif code.name != component.name[:200]:
            clash = live_codes(project).filter(parent=code.parent, name=component.name[:200])
            if not clash.exists():
                code.name = component.name[:200]
                code.save(update_fields=["name"])
    return created


def _check_name(project: Project, parent: Code | None, name: str, exclude: int | None = None):  # noqa: ANN202
    name = name.strip()
    if not name:
        raise DomainError("A code needs a name.")
    if len(name) > 200:
        raise DomainError("A code name can be at most 200 characters.")
    clash = live_codes(project).filter(parent=parent, name=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        where = f"under “{parent}”" if parent else "at the top level"
        raise DomainError(f"There is already a code “{name}” {where}.")
    return name


def _check_colour(colour: str) -> str:
    import re

    if not re.match(COLOUR_PATTERN, colour or ""):
        raise DomainError("A colour is written as #rrggbb.")
    return colour.lower()


def create_code(
    project: Project,
    actor: AbstractBaseUser | None,
    name: str,
    parent: Code | None = None,
    description: str = "",
    colour: str = "",
) -> Code:
    if parent is not None and (parent.project_id != project.pk or parent.merged_into_id):
        raise DomainError("That parent code is not in this project.")
    with transaction.atomic():
        name = _check_name(project, parent, name)
        code = Code.objects.create(
            project=project,
            parent=parent,
            name=name,
            description=description.strip(),
            colour=_check_colour(colour) if colour else (parent.colour if parent else "#5b6b7a"),
            kind=parent.kind if parent else CodeKind.USER,
            created_by=account(actor),
        )
        log(
            project,
            actor,
            "created",
            code,
            after={"name": code.name, "parent": parent.name if parent else None},
        )
    return code


def update_code(
    code: Code,
    actor: AbstractBaseUser | None,
    *,
    name: str | None = None,
    description: str | None = None,
    colour: str | None = None,
    seen: int | None = None,
) -> Code:
    before = {"name": code.name, "description": code.description, "colour": code.colour}
    with transaction.atomic():
        claim_revision(code, seen, "code")
        if name is not None and name.strip() != code.name:
            if code.builtin and code.parent_id is None:
                raise DomainError("The built-in kinds keep their names.")
            code.name = _check_name(code.project, code.parent, name, exclude=code.pk)
        if description is not None:
            code.description = description.strip()
        if colour is not None and colour:
            code.colour = _check_colour(colour)
        code.save()
        after = {"name": code.name, "description": code.description, "colour": code.colour}
        log(code.project, actor, "updated", code, before=before, after=after)
    return code


def _descendant_ids(code: Code) -> set[int]:
    found: set[int] = set()
    frontier = [code.pk]
    while frontier:
        children = list(
            Code.objects.filter(parent_id__in=frontier, merged_into__isnull=True).values_list(
                "pk", flat=True
            )
        )
        frontier = [c for c in children if c not in found]
        found.update(frontier)
    return found


def descendants_and_self(code: Code) -> set[int]:
    return {code.pk} | _descendant_ids(code)


def move_code(code: Code, actor: AbstractBaseUser | None, new_parent: Code | None) -> Code:
    if code.builtin:
        raise DomainError("Built-in codes stay where they are.")
    if new_parent is not None:
        if new_parent.project_id != code.project_id or new_parent.merged_into_id:
            raise DomainError("That parent code is not in this project.")
        if new_parent.pk in descendants_and_self(code):
            raise DomainError("A code cannot be moved under itself or one of its own children.")
    before = {"parent": code.parent.name if code.parent else None}
    with transaction.atomic():
        claim_revision(code, None, "code")  # a rename form opened before the move is now stale
        _check_name(code.project, new_parent, code.name, exclude=code.pk)
        code.parent = new_parent
        code.kind = new_parent.kind if new_parent else CodeKind.USER
        code.save(update_fields=["parent", "kind"])
        Code.objects.filter(pk__in=_descendant_ids(code)).update(kind=code.kind)
        log(
            code.project,
            actor,
            "moved",
            code,
            before=before,
            after={"parent": new_parent.name if new_parent else None},
        )
    return code


def merge_codes(source: Code, target: Code, actor: AbstractBaseUser | None) -> Code:
    """Fold `source` into `target`: its codings, children and memos move; nothing is lost."""
    if source.pk == target.pk:
        raise DomainError("Choose two different codes to merge.")
    if source.project_id != target.project_id:
        raise DomainError("Codes from different projects cannot be merged.")
    if source.builtin:
        raise DomainError("Built-in codes cannot be merged into another code.")
    if target.pk in _descendant_ids(source):
        raise DomainError("A code cannot be merged into one of its own children.")
    with transaction.atomic():
        # What moved where, logged so that Undo (coding.undo) can move it back.
        moved: list[str] = []
        doubled: list[str] = []
        children: list[str] = []
        already = set(
            FragmentCode.objects.filter(code=target).values_list("fragment_id", flat=True)
        )
        for coding in FragmentCode.objects.filter(code=source).select_related("fragment"):
            if coding.fragment_id in already:
                doubled.append(str(coding.fragment.uuid))
                coding.delete()
            else:
                coding.code = target
                coding.save(update_fields=["code"])
                moved.append(str(coding.fragment.uuid))
        for child in Code.objects.filter(parent=source, merged_into__isnull=True):
            try:
                with transaction.atomic():
                    child.parent = target
                    child.save(update_fields=["parent"])
                    children.append(str(child.uuid))
            except IntegrityError:
                # The target already has a child of that name: fold them together too.
                twin = live_codes(target.project).get(parent=target, name=child.name)
                child.parent = source  # unchanged; merged below
                merge_codes(child, twin, actor)
        Code.objects.filter(pk__in=_descendant_ids(target)).update(kind=target.kind)
        memos = [str(u) for u in Memo.objects.filter(code=source).values_list("uuid", flat=True)]
        Memo.objects.filter(code=source).update(code=target)
        claim_revision(source, None, "code")
        source.merged_into = target
        source.save(update_fields=["merged_into"])
        log(
            source.project,
            actor,
            "merged",
            source,
            before={"name": source.name},
            after={
                "into": target.name,
                "into_uuid": str(target.uuid),
                "codings_moved": len(moved),
                "moved_passages": moved,
                "passages_already_coded": doubled,
                "moved_children": children,
                "moved_memos": memos,
            },
        )
    return target


def code_tree(project: Project) -> list[tuple[Code, int]]:
    """Every live code with its depth, parents before children, for the codebook and the picker."""
    codes = list(live_codes(project).select_related("parent"))
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    order = {kind: i for i, (kind, _n, _c) in enumerate(BUILTIN_KINDS)}

    def key(c: Code) -> tuple:
        return (
            0 if c.builtin and c.parent_id is None else 1,
            order.get(c.kind, 99),
            c.name.lower(),
        )

    out: list[tuple[Code, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for code in sorted(children.get(parent, []), key=key):
            out.append((code, depth))
            walk(code.pk, depth + 1)

    walk(None, 0)
    return out


def codes_matching(project: Project, text: str):  # noqa: ANN201
    return live_codes(project).filter(Q(name__icontains=text) | Q(description__icontains=text))


def code_paths(project: Project) -> list[tuple[Code, int, str]]:
    """Every live code with its depth and its path ("Actor › Leader"), in codebook order."""
    names: dict[int, str] = {}
    out = []
    for code, depth in code_tree(project):
        path = f"{names[code.parent_id]} › {code.name}" if code.parent_id else code.name
        names[code.pk] = path
        out.append((code, depth, path))
    return out
