"""A project as a REFI-QDA 1.5 project, for NVivo, ATLAS.ti and MAXQDA.

Mapping (the exchange issue asks us to choose and document it):
- users: the project's members, with GUIDs derived from the account (stable within a database);
- codebook: the code tree with our UUIDs as GUIDs. The built-in top-level kinds are folder codes
  (isCodable false) unless passages were coded with the kind itself;
- sources: every extracted document as a text source whose plain text is exactly our extracted
  text, so fragments are text selections with the same code-point offsets;
- notes: memos; a memo on a fragment is also referenced from its selection, one on a document from
  its source;
- appraisals: case variables (Relevance, Rigour, Richness, Appraisal rationale), one case per
  appraised document;
- CMOCs: sets, one per CMOC of the latest theory version, holding the component's code and the
  documents of its evidence, with the configuration and its evidence links in the description.
"""

from __future__ import annotations

import uuid

from retroduce.coding.codebook import code_tree
from retroduce.coding.models import Appraisal, Code, FragmentCode, Memo
from retroduce.core.models import Project
from retroduce.documents.models import Document
from retroduce.exchange import refi

APPRAISAL_VARIABLES = (
    ("relevance", "Relevance"),
    ("rigour", "Rigour"),
    ("richness", "Richness"),
    ("rationale", "Appraisal rationale"),
)


def _user_guid(user_id: int | None, username: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"retroduce:user:{user_id}:{username}"))


def _variable_guid(project: Project, key: str) -> str:
    return str(uuid.uuid5(project.uuid, f"variable:{key}"))


def _codebook(project: Project) -> tuple[refi.Code, ...]:
    tree = code_tree(project)
    directly_coded = set(
        FragmentCode.objects.filter(code__project=project).values_list("code_id", flat=True)
    )
    children: dict[int | None, list[Code]] = {}
    for code, _depth in tree:
        children.setdefault(code.parent_id, []).append(code)

    def convert(code: Code) -> refi.Code:
        folder = code.builtin and code.parent_id is None and code.pk not in directly_coded
        return refi.Code(
            guid=str(code.uuid),
            name=code.name,
            color=code.colour,
            description=code.description,
            is_codable=not folder,
            children=tuple(convert(c) for c in children.get(code.pk, [])),
        )

    return tuple(convert(c) for c in children.get(None, []))


def project_to_refi(project: Project) -> refi.Project:
    from retroduce.theory.models import CMOC, TheoryVersion

    members = list(project.memberships.select_related("user"))
    users = tuple(
        refi.User(_user_guid(m.user_id, m.user.get_username()), m.user.get_username())
        for m in members
    )
    guid_of = {m.user_id: _user_guid(m.user_id, m.user.get_username()) for m in members}
    memos = list(
        Memo.objects.filter(project=project).select_related("author", "fragment", "document")
    )
    notes = tuple(
        refi.Note(
            guid=str(m.uuid),
            name=m.title,
            text=f"[{m.get_kind_display()}] {m.text}",
            created=m.created_at,
            creator_guid=guid_of.get(m.author_id),
        )
        for m in memos
    )
    sources = []
    documents = Document.objects.filter(project=project, status=Document.Status.READY).order_by(
        "pk"
    )
    for document in documents.prefetch_related("fragments__codes"):
        selections = tuple(
            refi.TextSelection(
                guid=str(f.uuid),
                name=f.quote[:60],
                start=f.start,
                end=f.end,
                coder_guid=guid_of.get(f.coder_id),
                created=f.created_at,
                code_guids=tuple(str(c.uuid) for c in f.codes.all()),
                note_guids=tuple(str(m.uuid) for m in memos if m.fragment_id == f.pk),
            )
            for f in document.fragments.all()
        )
        sources.append(
            refi.Source(
                guid=str(document.uuid),
                name=document.title,
                kind="text",
                plain_text=document.text,
                selections=selections,
                note_guids=tuple(str(m.uuid) for m in memos if m.document_id == document.pk),
            )
        )
    variables = tuple(
        refi.Variable(_variable_guid(project, k), label, "Text") for k, label in APPRAISAL_VARIABLES
    )
    cases = tuple(
        refi.Case(
            guid=str(a.uuid),
            name=f"Appraisal of {a.document.title}",
            variable_values=tuple(
                refi.VariableValue(_variable_guid(project, k), str(getattr(a, k) or ""))
                for k, _l in APPRAISAL_VARIABLES
            ),
            source_refs=(str(a.document.uuid),),
        )
        for a in Appraisal.objects.filter(
            project=project, fragment__isnull=True, document__status=Document.Status.READY
        ).select_related("document")
    )
    latest = TheoryVersion.objects.filter(project=project).order_by("-number").first()
    sets = []
    if latest is not None:
        component_codes = {
            c.component_lineage: str(c.uuid)
            for c in Code.objects.filter(
                project=project, component_lineage__isnull=False, merged_into__isnull=True
            )
        }
        for cmoc in CMOC.objects.filter(component__version=latest).select_related("component"):
            links = list(cmoc.evidence.select_related("fragment__document"))
            evidence = "\n".join(
                f"{link.relation}: fragment {link.fragment.uuid}" for link in links
            )
            sets.append(
                refi.Set(
                    guid=str(cmoc.uuid),
                    name=f"CMOC {cmoc.position}: {cmoc.component.name}",
                    description=(
                        f"Context: {cmoc.context}\nMechanism (resource): {cmoc.mechanism_resource}\n"
                        f"Mechanism (response): {cmoc.mechanism_response}\nOutcome: {cmoc.outcome}\n"
                        f"{evidence}"
                    ).strip(),
                    member_code_guids=tuple(
                        g for g in [component_codes.get(cmoc.component.lineage)] if g
                    ),
                    member_source_guids=tuple(
                        dict.fromkeys(str(link.fragment.document.uuid) for link in links)
                    ),
                )
            )
    owner = next((m for m in members if m.role == "owner"), None)
    return refi.Project(
        name=project.title,
        creating_user_guid=guid_of.get(owner.user_id) if owner else None,
        users=users,
        codebook=_codebook(project),
        sources=tuple(sources),
        notes=notes,
        variables=variables,
        cases=cases,
        sets=tuple(sets),
    )
