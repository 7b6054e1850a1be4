"""Pieces shared by restoring a REFI-QDA project (refi_import) and merging one (refi_merge).

The hard part is identity. A REFI GUID becomes the object's UUID, and UUIDs are unique across a
whole table, not per project, so a GUID can already be:
- an object of the project we import into: the same object (merged, never duplicated);
- an object of another project in this database (a project restored from its own export, or
  merged into a sibling project): the import gets a UUID derived from the project's UUID and the
  GUID, and says so in a warning. Derived, not random, so merging the same file again finds the
  object it made the first time instead of adding it twice.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils import timezone

from retroduce.coding.anchoring import make_anchor
from retroduce.coding.models import (
    BUILTIN_KINDS,
    Appraisal,
    Code,
    Fragment,
    Level,
    Memo,
)
from retroduce.core.events import account
from retroduce.core.files import PendingFiles
from retroduce.core.models import Project
from retroduce.documents.extraction import Extracted, ExtractionError, extract
from retroduce.documents.models import Document
from retroduce.documents.pdfareas import Area, text_in_area
from retroduce.exchange import refi
from retroduce.exchange.refi.model import walk_codes
from retroduce.exchange.refi_export import (
    APPRAISAL_VARIABLES,
    AREA_NAME,
    area_guid,
    media_box_shifts,
)

KIND_BY_NAME = {name: (kind, colour) for kind, name, colour in BUILTIN_KINDS}
# The variables our export writes for an appraisal: label in the file -> Appraisal field.
APPRAISAL_FIELDS = {label: key for key, label in APPRAISAL_VARIABLES}
LEVEL_LABELS = tuple(label for key, label in APPRAISAL_VARIABLES if key != "rationale")
MEMO_KIND_BY_LABEL = {label: value for value, label in Memo.Kind.choices}
# Our export writes a memo's kind before its text: "[Analytic] …".
_KIND_PREFIX = re.compile(r"\[([^\]\n]{1,40})\] ?")
_CHUNK = 500  # UUIDs per IN (...) query, well under SQLite's variable limit

# Which table each kind of GUID lands in, and the path from a row to its project.
TABLES: dict[str, tuple[type[models.Model], str]] = {
    "code": (Code, "project_id"),
    "document": (Document, "project_id"),
    "fragment": (Fragment, "document__project_id"),
    "memo": (Memo, "project_id"),
    "appraisal": (Appraisal, "project_id"),
}


@dataclass
class RestoreResult:
    project: Project
    warnings: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def key(guid: str) -> str:
    """A GUID as one spelling (producers differ in case and braces), for matching references."""
    try:
        return str(uuid.UUID(guid.strip()))
    except ValueError:
        return guid.strip()


def parsed_uuid(guid: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(guid.strip())
    except ValueError:
        return None


def links_memo_guid(links: Iterable[refi.Link]) -> str:
    """The GUID of the one memo that holds a file's links: the same links, the same memo."""
    return str(
        uuid.uuid5(
            uuid.NAMESPACE_OID,
            "refi-links\x1f" + "\x1f".join(sorted(key(link.guid) for link in links)),
        )
    )


def file_guids(model: refi.Project) -> dict[str, set[str]]:
    """Every GUID of the file, by the table it would land in."""
    selections = [s for source in model.sources for s in source.selections]
    memos = {n.guid for n in model.notes} | {s.guid for s in model.sets}
    if model.links:
        memos.add(links_memo_guid(model.links))
    return {
        "code": {c.guid for c in walk_codes(model.codebook)},
        "document": {s.guid for s in model.sources},
        "fragment": {s.guid for s in selections},
        "memo": memos,
        "appraisal": {c.guid for c in model.cases},
    }


class Guids:
    """Which of the file's GUIDs are objects of this project, and the UUID of each new object."""

    def __init__(self, project: Project, model: refi.Project, warnings: list[str]) -> None:
        self.project = project
        self.warnings = warnings
        self.mine: dict[str, dict[uuid.UUID, models.Model]] = {}
        self.elsewhere: dict[str, set[uuid.UUID]] = {}
        for kind, guids in file_guids(model).items():
            candidates = set()
            for guid in guids:
                parsed = parsed_uuid(guid)
                candidates |= {self.derived(kind, guid)} | ({parsed} if parsed else set())
            self._load(kind, candidates)

    def _load(self, kind: str, candidates: set[uuid.UUID]) -> None:
        table, path = TABLES[kind]
        ordered = sorted(candidates)
        mine: set[uuid.UUID] = set()
        elsewhere: set[uuid.UUID] = set()
        for at in range(0, len(ordered), _CHUNK):
            rows = table.objects.filter(uuid__in=ordered[at : at + _CHUNK])
            for found, owner in rows.values_list("uuid", path):
                (mine if owner == self.project.pk else elsewhere).add(found)
        objects: dict[uuid.UUID, models.Model] = {}
        listed = sorted(mine)
        for at in range(0, len(listed), _CHUNK):
            objects |= {o.uuid: o for o in table.objects.filter(uuid__in=listed[at : at + _CHUNK])}
        self.mine[kind] = objects
        self.elsewhere[kind] = elsewhere

    def derived(self, kind: str, guid: str) -> uuid.UUID:
        return uuid.uuid5(self.project.uuid, f"refi:{kind}:{key(guid).lower()}")

    def existing(self, kind: str, guid: str) -> models.Model | None:
        """This project's object for a GUID: the GUID itself, or the UUID derived from it."""
        parsed = parsed_uuid(guid)
        mine = self.mine[kind]
        found = mine.get(parsed) if parsed else None
        return found if found is not None else mine.get(self.derived(kind, guid))

    def new_uuid(self, kind: str, guid: str, label: str) -> uuid.UUID:
        """The UUID for a new object: its GUID unless another project uses it or it is no UUID."""
        parsed = parsed_uuid(guid)
        if parsed is not None and parsed not in self.elsewhere[kind]:
            return parsed
        fresh = self.derived(kind, guid)
        if fresh in self.elsewhere[kind]:  # only if the UUID itself came from such a file
            fresh = uuid.uuid4()
        why = "is not a UUID" if parsed is None else "belongs to another project here"
        self.warnings.append(f"{kind} {label}: GUID {guid} {why}; given the new UUID {fresh}")
        return fresh

    def add(self, kind: str, obj: models.Model) -> None:
        self.mine[kind][obj.uuid] = obj  # type: ignore[attr-defined]


class NotRestorable(Exception):
    """A source that cannot become a document here; str() says why."""


@dataclass(frozen=True)
class _Layout:
    """A restored document's text and pages. `notes` are for the user (the import report and the
    document's warnings); `extraction_notes` only for the document, as extraction gives them."""

    text: str
    pages: list[list[int]]
    needs_ocr: bool = False
    pages_without_text: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()
    extraction_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceFile:
    """What a new document keeps of a source: its file (the PDF, or the plain text as a .txt)
    and its text and pages."""

    data: bytes
    file_name: str
    file_format: str
    layout: _Layout


def _extracted(result: Extracted, notes: tuple[str, ...] = ()) -> _Layout:
    return _Layout(
        text=result.text,
        pages=[[p.start, p.end] for p in result.pages],
        needs_ocr=result.needs_ocr,
        pages_without_text=result.pages_without_text,
        notes=notes,
        extraction_notes=result.warnings,
    )


def _pdf_layout(source: refi.Source, pdf: bytes, file_name: str) -> _Layout:
    """A PDF source's text is its text representation (the file's text selections count in it).
    Its pages are those of our own extraction of the PDF when that gives the same text, so our
    own exports come back page for page; otherwise one page holds the whole text. A PDF without
    a representation gets the text we extract. NotRestorable when there is no text either way."""
    extracted: Extracted | None = None
    problem = ""
    try:
        extracted = extract(pdf, file_name)
    except ExtractionError as exc:
        problem = exc.reason
    else:
        if extracted.kind != "pdf":
            extracted, problem = None, "the file is not a PDF"
    if source.plain_text:
        if extracted is not None and extracted.text == source.plain_text:
            return _extracted(extracted)
        why = (
            f"its PDF cannot be read here ({problem})"
            if extracted is None
            else "Retroduce extracts a different text from the PDF"
        )
        note = (
            f"the text is the file's text representation of the PDF, but {why}, so its "
            "pages are not known: the whole text is one page here"
        )
        return _Layout(source.plain_text, [[0, len(source.plain_text)]], notes=(note,))
    if extracted is not None and extracted.text:
        note = "the file has no text representation of the PDF; its text is extracted here"
        return _extracted(extracted, (note,))
    raise NotRestorable(
        "the file has no text representation of the PDF, and "
        + (f"the PDF cannot be read here ({problem})" if extracted is None else "it has no text")
    )


def source_file(source: refi.Source) -> SourceFile:
    """A text source: its plain text, kept as a .txt file. A PDF source: its PDF, with its text
    and pages as `_pdf_layout` finds them; one whose PDF is not in the file is restored from its
    text representation alone. NotRestorable when the file gives no text."""
    if source.kind == "pdf" and source.original_bytes:
        name = f"{source.guid}.pdf"
        return SourceFile(
            source.original_bytes, name, "pdf", _pdf_layout(source, source.original_bytes, name)
        )
    if not source.plain_text:
        raise NotRestorable(
            "the file holds neither the PDF nor a text representation of it"
            if source.kind == "pdf"
            else "the source has no text"
        )
    notes = ("the PDF is not in the file; restored from its text alone",)
    layout = _Layout(
        source.plain_text,
        [[0, len(source.plain_text)]],
        notes=notes if source.kind == "pdf" else (),
    )
    return SourceFile(source.plain_text.encode(), f"{source.guid}.txt", "txt", layout)


def document_from_source(
    project: Project,
    source: refi.Source,
    file: SourceFile,
    uuid_: uuid.UUID,
    actor: AbstractBaseUser | None,
    written: PendingFiles,
    warnings: list[str],
) -> Document:
    """A source as a ready document, its file stored; what the user should know goes to
    `warnings` (and to the document's own warnings)."""
    layout = file.layout
    warnings.extend(f"source “{source.name}” ({source.guid}): {n}" for n in layout.notes)
    document = Document.objects.create(
        uuid=uuid_,
        project=project,
        kind=Document.Kind.OTHER,
        title=source.name[:500] or "Untitled source",
        file_name=file.file_name[:300],
        file_format=file.file_format,
        size=len(file.data),
        sha256=hashlib.sha256(file.data).hexdigest(),
        status=Document.Status.READY,
        text=layout.text,
        pages=layout.pages,
        needs_ocr=layout.needs_ocr,
        pages_without_text=list(layout.pages_without_text),
        warnings=[*layout.notes, *layout.extraction_notes],
        extraction=1,
        extracted_at=timezone.now(),
        created_by=account(actor),
    )
    document.stored_file = written.store(
        "documents", project.slug, document.uuid, document.file_name, file.data
    )
    document.save(update_fields=["stored_file"])
    return document


# --- PDF area selections ------------------------------------------------------------------------


def area_of(selection: refi.PDFSelection, text_guids: dict[str, str]) -> str | None:
    """The text selection (GUID as in the file) of the same source that a PDF area is the area
    of, or None for an area of its own. `text_guids` maps key() of each text selection's GUID,
    and key() of the GUID our export gives its area, to that GUID.

    An area is a text selection's when its GUID is that selection's area GUID (our export), or the
    selection's own GUID (ATLAS.ti writes a quotation of a PDF both ways under one GUID, as in the
    standard's example 2, Annex A.2), or its name ends "(area of passage <GUID>)".
    """
    found = text_guids.get(key(selection.guid))
    if found is None and (named := AREA_NAME.search(selection.name)):
        found = text_guids.get(key(named.group(1)))
    return found


def text_guid_index(source: refi.Source) -> dict[str, str]:
    """For area_of: each text selection of a source under its own GUID and its area's GUID."""
    index: dict[str, str] = {}
    for selection in source.selections:
        if isinstance(selection, refi.TextSelection):
            index[key(selection.guid)] = selection.guid
            if parsed_uuid(selection.guid) is not None:
                index[key(area_guid(selection.guid))] = selection.guid
    return index


@dataclass(frozen=True)
class AreaText:
    """Where a foreign PDF area's text is in a document, or why it is not found."""

    start: int = 0
    end: int = 0
    problem: str | None = None
    note: str | None = None


# Left out when an area's text is looked up: whitespace and control characters (the line breaks
# differ between PDFium's text of the area and a document's text), and hyphens, whose presence
# depends on where a line broke (see documents.pdfareas, which matches quotes the same way).
_LOOSE = r"\s\x00-\x1f\x7f-\x9f\-\u00ad\u2010\u2011"
_KEPT = re.compile(f"[^{_LOOSE}]+")
_DROPPED = re.compile(f"[{_LOOSE}]")


def find_loosely(text: str, needle: str, start: int, end: int) -> list[tuple[int, int]]:
    """Each [start, end) in text[start:end] that reads as `needle` when whitespace, control
    characters and hyphens are left out of both, as offsets into `text`, first one first.
    The spans start and end on characters of the needle, never on left-out ones."""
    wanted = _DROPPED.sub("", needle)
    if not wanted:
        return []
    parts: list[str] = []
    key_starts: list[int] = []
    text_starts: list[int] = []
    at = 0
    for run in _KEPT.finditer(text, start, end):
        key_starts.append(at)
        text_starts.append(run.start())
        parts.append(run.group())
        at += run.end() - run.start()
    hay = "".join(parts)

    def offset(k: int) -> int:
        run = bisect.bisect_right(key_starts, k) - 1
        return text_starts[run] + k - key_starts[run]

    spans = []
    found = hay.find(wanted)
    while found >= 0:
        spans.append((offset(found), offset(found + len(wanted) - 1) + 1))
        found = hay.find(wanted, found + 1)
    return spans


def area_text(
    document: Document,
    pdf: bytes,
    selection: refi.PDFSelection,
    shifts: dict[int, tuple[float, float]] | None = None,
) -> AreaText:
    """Where the text PDFium finds in a foreign PDF area lies in the document's text.

    The selection counts pages from 0 and measures from the bottom-left of the media box
    (section 10.3; see refi_export._pdf_areas); `shifts` is refi_export.media_box_shifts of the
    PDF for (at least) its page, worked out here when not given. The text is looked up on that
    page of the document, or in the whole text when the document's pages are not the PDF's.
    """
    number = selection.page + 1
    if shifts is None:
        shifts = media_box_shifts(pdf, [number])
    dx, dy = shifts.get(number, (0.0, 0.0))
    area = Area(
        number,
        selection.first_x - dx,
        selection.first_y - dy,
        selection.second_x - dx,
        selection.second_y - dy,
    )
    inside = text_in_area(pdf, area) if number >= 1 else None
    if inside is None:
        return AreaText(problem=f"page {number} is not in the PDF, or the PDF cannot be read")
    if not inside:
        return AreaText(problem=f"the area on page {number} holds no text (blank, or a picture)")
    if len(document.pages) > 1 and number <= len(document.pages):
        start, end = document.pages[number - 1]
        where = f"on page {number} of the document"
    else:
        start, end, where = 0, len(document.text), "in the document"
    spans = find_loosely(document.text, inside, start, end)
    shown = inside if len(inside) <= 80 else inside[:79] + "…"
    if not spans:
        return AreaText(problem=f"its text “{shown}” is not found {where}")
    note = None
    if len(spans) > 1:
        note = f"its text “{shown}” occurs {len(spans)} times {where}; took the first"
    return AreaText(spans[0][0], spans[0][1], note=note)


def fragment_from_selection(
    document: Document, selection: refi.TextSelection, uuid_: uuid.UUID
) -> Fragment:
    anchor = make_anchor(document.text, selection.start, selection.end)
    fragment = Fragment.objects.create(
        uuid=uuid_,
        document=document,
        start=selection.start,
        end=selection.end,
        page=document.page_of(selection.start),
        quote=anchor.quote,
        prefix=anchor.prefix,
        suffix=anchor.suffix,
        extraction=document.extraction,
    )
    if selection.created is not None:
        Fragment.objects.filter(pk=fragment.pk).update(created_at=selection.created)
    return fragment


def memo_kind_and_text(text: str) -> tuple[str, str]:
    """A note's text as a memo: our export's "[Kind] " prefix becomes the memo's kind again."""
    found = _KIND_PREFIX.match(text)
    if found and found.group(1) in MEMO_KIND_BY_LABEL:
        return MEMO_KIND_BY_LABEL[found.group(1)], text[found.end() :]
    return Memo.Kind.ANALYTIC, text


_UUID_TEXT = re.compile(r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b")


def set_memo_text(
    item: refi.Set,
    code_names: list[str],
    source_names: list[str],
    passages: dict[str, str] | None = None,
) -> str:
    """The memo a set becomes. `passages` names the fragments (by GUID key) that a description
    cites, as our CMOC sets do ("supports: fragment <GUID>"), since their UUIDs may have changed."""
    passages = passages or {}
    description = _UUID_TEXT.sub(
        lambda m: passages.get(key(m.group()), m.group()), item.description.strip()
    )
    parts = [description] if description else []
    for heading, names in (("Codes", code_names), ("Sources", source_names)):
        if names:
            parts.append(f"{heading} in this set:\n" + "\n".join(f"- {n}" for n in names))
    parts.append(f"(Restored from the REFI-QDA set {item.guid}.)")
    return "\n\n".join(parts)


_ARROWS = {"Associative": "—", "OneWay": "→", "Bidirectional": "↔"}


def links_memo_text(links: Iterable[refi.Link], labels: dict[str, str]) -> str:
    lines = []
    for link in links:
        origin = labels.get(key(link.origin_guid), link.origin_guid)
        target = labels.get(key(link.target_guid), link.target_guid)
        name = f" “{link.name}”" if link.name else ""
        lines.append(
            f"- {origin} {_ARROWS.get(link.direction, '—')} {target}{name} "
            f"({link.direction}, {link.guid})"
        )
    return "Links between objects of the imported project:\n" + "\n".join(lines)


def file_labels(model: refi.Project) -> dict[str, str]:
    """A readable name for every GUID a link can point at."""
    labels = {key(c.guid): f"code “{c.name}”" for c in walk_codes(model.codebook)}
    for source in model.sources:
        labels[key(source.guid)] = f"source “{source.name}”"
        for s in source.selections:
            labels[key(s.guid)] = f"selection “{s.name}” in “{source.name}”"
    labels |= {key(n.guid): f"note “{n.name}”" for n in model.notes}
    labels |= {key(c.guid): f"case “{c.name}”" for c in model.cases}
    labels |= {key(s.guid): f"set “{s.name}”" for s in model.sets}
    return labels


@dataclass(frozen=True)
class AppraisalCase:
    """An appraisal read from one of our cases, or why it cannot be one."""

    values: dict[str, str]  # Appraisal field -> value
    source_guid: str | None
    problem: str | None
    other_variables: list[str]


def appraisal_case(case: refi.Case, variable_names: dict[str, str]) -> AppraisalCase | None:
    """The appraisal a case holds when it uses our appraisal variables; None when it does not."""
    by_label = {variable_names.get(key(v.variable_guid), ""): v.value for v in case.variable_values}
    if not set(LEVEL_LABELS) & by_label.keys():
        return None
    values = {APPRAISAL_FIELDS[label]: by_label.get(label, "") for label in APPRAISAL_FIELDS}
    problem = None
    for label in LEVEL_LABELS:
        level = values[APPRAISAL_FIELDS[label]].strip().lower()
        values[APPRAISAL_FIELDS[label]] = level
        if level not in Level.values:
            problem = f"its {label} {by_label.get(label, '')!r} is not high, medium or low"
    if len(case.source_refs) != 1:
        problem = f"it refers to {len(case.source_refs)} sources, not one"
    others = sorted(label for label in by_label if label not in APPRAISAL_FIELDS)
    source = case.source_refs[0] if len(case.source_refs) == 1 else None
    return AppraisalCase(values, source, problem, others)
