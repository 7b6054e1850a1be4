"""Importing a REFI-QDA project (.qdpx) into an existing Retroduce project.

Objects are matched by GUID, so a file exported from this project (or sent back by NVivo,
ATLAS.ti or MAXQDA after more coding) adds only what is new:
- a code whose GUID is a code here is that code: ours keeps its name and place (a warning says
  when the file differs), and its children in the file are merged under it. A new code goes
  under its merged parent. A top-level code named like a built-in kind (Context, Outcome, …) is
  that kind here;
- a source whose GUID is a document here keeps the document. Its selections that are fragments
  here add the codes the fragment lacks; new selections become fragments only when the
  document's text is the source's plain text (otherwise the offsets could point anywhere);
- a new PDF source becomes a PDF document that keeps the PDF, with the text representation as
  its text (refi_restore_parts.document_from_source says how its pages are found). Its text
  selections are fragments as above. A PDF area selection that is the area of one of the
  source's text selections (our export writes one beside each passage, ATLAS.ti writes a
  quotation both ways) is that passage, restored once (counted as pdf_areas_matched). Any other
  area (NVivo's or ATLAS.ti's region codings) becomes a fragment where the text PDFium finds in
  the area is in the document's text, on the same page when the pages are known (counted in
  fragments_added and pdf_areas_added); an area whose text is not found is reported unsupported;
- notes, appraisal cases, sets and links: what is here already is left as it is.
GUIDs of another project in this database get new UUIDs (see refi_restore_parts). The whole
import is one transaction: a failure leaves the project as it was.

`restore_refi` (a file as a new project) is this merge into an empty project.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction

from retroduce.coding.codebook import ensure_codebook, live_codes
from retroduce.coding.models import Appraisal, Code, CodeKind, Fragment, FragmentCode, Memo
from retroduce.core.events import account, record
from retroduce.core.files import PendingFiles, pending_files
from retroduce.core.limits import zip_limits
from retroduce.core.models import Project
from retroduce.documents.models import Document
from retroduce.documents.services import stored_path
from retroduce.exchange import refi
from retroduce.exchange.refi.read import DEFAULT_LIMITS as REFI_LIMITS
from retroduce.exchange.refi_export import media_box_shifts
from retroduce.exchange.refi_restore_parts import (
    APPRAISAL_FIELDS,
    KIND_BY_NAME,
    Guids,
    NotRestorable,
    RestoreResult,
    appraisal_case,
    area_of,
    area_text,
    document_from_source,
    file_labels,
    fragment_from_selection,
    key,
    links_memo_guid,
    links_memo_text,
    memo_kind_and_text,
    parsed_uuid,
    set_memo_text,
    source_file,
    text_guid_index,
)

__all__ = ["COUNTS", "RestoreResult", "merge_model", "merge_refi"]

COUNTS = (
    "codes_added",
    "codes_matched",
    "documents_added",
    "documents_matched",
    "fragments_added",
    "fragments_matched",
    "codings_added",
    "memos_added",
    "memos_matched",
    "appraisals_added",
    "appraisals_matched",
    "pdf_areas_added",
    "pdf_areas_matched",
)


class _Merge:
    def __init__(
        self,
        project: Project,
        model: refi.Project,
        actor: AbstractBaseUser | None,
        result: RestoreResult,
        verb: str,
    ) -> None:
        self.project, self.model, self.actor, self.verb = project, model, actor, verb
        self.result = result
        self.n: Counter[str] = Counter()
        self.guids = Guids(project, model, result.warnings)
        # The file's GUIDs (as key()) -> this project's objects, matched or made.
        self.codes: dict[str, Code] = {}
        self.documents: dict[str, Document] = {}
        self.fragments: dict[str, Fragment] = {}
        self.memo_targets: dict[str, dict] = {}
        self.variable_names = {key(v.guid): v.name for v in model.variables}
        self.written = PendingFiles()

    def log(
        self, obj: models.Model, after: dict, label: str | None = None, verb: str | None = None
    ) -> None:
        record(self.project, self.actor, verb or self.verb, obj, after=after, label=label)

    def run(self) -> None:
        with pending_files() as self.written:
            for code in self.model.codebook:
                self.code(code, None)
            for source in self.model.sources:
                self.source(source)
            self.notes()
            self.appraisals()
            self.sets()
            self.links()
            ensure_codebook(self.project)  # the realist kinds a foreign project lacks
        if self.n["fragments_added"]:
            self.result.warnings.append("coders are not restored: fragments carry no coder")
        self.result.counts = {name: self.n[name] for name in COUNTS}

    # --- codes --------------------------------------------------------------------------------

    def matching_code(self, code: refi.Code, parent: Code | None) -> Code | None:
        found = self.guids.existing("code", code.guid)
        while isinstance(found, Code) and found.merged_into_id:
            found = found.merged_into  # merged here since: the code it went into
        if found is None and parent is None and code.name in KIND_BY_NAME:
            found = (
                live_codes(self.project).filter(parent=None, builtin=True, name=code.name).first()
            )
            if found is not None:
                self.result.warnings.append(
                    f"code “{code.name}” ({code.guid}) merged with this project's built-in kind "
                    f"“{found.name}”"
                )
        return found  # type: ignore[return-value]

    def code(self, code: refi.Code, parent: Code | None) -> None:
        ours = self.matching_code(code, parent)
        if ours is not None:
            self.n["codes_matched"] += 1
            if ours.name != code.name[:200] or ours.parent_id != (parent.pk if parent else None):
                where = f"under “{parent.name}”" if parent else "at the top level"
                self.result.warnings.append(
                    f"code “{code.name}” ({code.guid}) {where} in the file is “{ours.name}” "
                    f"{f'under “{ours.parent.name}”' if ours.parent else 'at the top level'} "
                    "here; kept ours"
                )
        else:
            ours = self.new_code(code, parent)
        self.codes[key(code.guid)] = ours
        for child in code.children:
            self.code(child, ours)

    def new_code(self, code: refi.Code, parent: Code | None) -> Code:
        builtin = KIND_BY_NAME.get(code.name) if parent is None else None
        name = code.name[:200]
        taken = set(live_codes(self.project).filter(parent=parent).values_list("name", flat=True))
        if name in taken:  # REFI allows twins under one parent; our codebook does not
            n = 2
            while f"{name} ({n})" in taken:
                n += 1
            self.result.warnings.append(
                f"code “{name}” occurs twice under one parent; renamed “{name} ({n})”"
            )
            name = f"{name} ({n})"
        created = Code.objects.create(
            uuid=self.guids.new_uuid("code", code.guid, f"“{name}”"),
            project=self.project,
            parent=parent,
            name=name,
            description=code.description,
            colour=(code.color or (builtin[1] if builtin else "#5b6b7a")).lower(),
            kind=builtin[0] if builtin else (parent.kind if parent else CodeKind.USER),
            builtin=builtin is not None,
        )
        self.guids.add("code", created)
        self.n["codes_added"] += 1
        self.log(created, {"name": created.name, "parent": parent.name if parent else None})
        return created

    # --- sources, selections, codings -----------------------------------------------------------

    def source(self, source: refi.Source) -> None:
        document = self.guids.existing("document", source.guid)
        if document is not None:
            self.n["documents_matched"] += 1
        else:
            try:
                file = source_file(source)
            except NotRestorable as exc:
                self.result.unsupported.append(
                    f"{source.kind} source “{source.name}” ({source.guid}): {exc}"
                )
                return
            uuid_ = self.guids.new_uuid("document", source.guid, f"“{source.name}”")
            document = document_from_source(
                self.project, source, file, uuid_, self.actor, self.written, self.result.warnings
            )
            self.guids.add("document", document)
            self.n["documents_added"] += 1
            self.log(document, {"title": document.title})
        assert isinstance(document, Document)
        self.documents[key(source.guid)] = document
        for guid in source.note_guids:
            self.memo_targets.setdefault(key(guid), {"document": document})
        for value in source.variables:
            self.result.unsupported.append(
                f"value of variable “{self.variable_names.get(key(value.variable_guid))}” "
                f"on source “{source.name}” ({source.guid})"
            )
        same_text = document.text == source.plain_text
        text_guids = text_guid_index(source)
        own_areas: list[refi.PDFSelection] = []
        for selection in source.selections:
            if isinstance(selection, refi.TextSelection):
                self.place(selection, self.selection(source, selection, document, same_text))
            elif area_of(selection, text_guids) is not None:
                self.n["pdf_areas_matched"] += 1  # the same passage as its text selection
            else:
                own_areas.append(selection)
        if own_areas:
            pdf = self.pdf_of(source, document)
            shifts = media_box_shifts(pdf, {a.page + 1 for a in own_areas}) if pdf else {}
            for selection in own_areas:
                self.place(selection, self.area(source, selection, document, pdf, shifts))

    def place(self, selection: refi.Selection, fragment: Fragment | None) -> None:
        """Remember the fragment a selection is, for the notes and sets that refer to it."""
        if fragment is None:
            return
        self.fragments[key(selection.guid)] = fragment
        for guid in selection.note_guids:
            self.memo_targets[key(guid)] = {"fragment": fragment}

    def pdf_of(self, source: refi.Source, document: Document) -> bytes:
        """The PDF a source's areas are measured on: the file's, else the document's here."""
        if source.original_bytes:
            return source.original_bytes
        if document.file_format == "pdf" and document.stored_file:
            try:
                return stored_path(document).read_bytes()
            except OSError:
                pass
        return b""

    def matched(
        self, source: refi.Source, selection: refi.Selection, fragment: Fragment, document: Document
    ) -> Fragment | None:
        """A selection that is a fragment here already: it adds the codes the fragment lacks."""
        if fragment.document_id != document.pk:
            self.result.warnings.append(
                f"selection {selection.guid} of “{source.name}” is a fragment of another "
                "document here; left as it is"
            )
            return None
        self.n["fragments_matched"] += 1
        self.codings(fragment, selection, created=False)
        return fragment

    def selection(
        self,
        source: refi.Source,
        selection: refi.TextSelection,
        document: Document,
        same_text: bool,
    ) -> Fragment | None:
        fragment = self.guids.existing("fragment", selection.guid)
        if isinstance(fragment, Fragment):
            return self.matched(source, selection, fragment, document)
        if not same_text:
            self.result.warnings.append(
                f"selection {selection.guid} of “{source.name}” skipped: the document "
                f"“{document.title}” here has a different text, so its offsets would not hold"
            )
            return None
        if not (0 <= selection.start < selection.end <= len(document.text)):
            self.result.warnings.append(
                f"selection {selection.guid} lies outside “{source.name}”; skipped"
            )
            return None
        return self.new_fragment(source, selection, document)

    def new_fragment(
        self, source: refi.Source, selection: refi.TextSelection, document: Document
    ) -> Fragment:
        uuid_ = self.guids.new_uuid("fragment", selection.guid, f"in “{source.name}”")
        fragment = fragment_from_selection(document, selection, uuid_)
        self.guids.add("fragment", fragment)
        self.n["fragments_added"] += 1
        self.codings(fragment, selection, created=True)
        return fragment

    def area(
        self,
        source: refi.Source,
        selection: refi.PDFSelection,
        document: Document,
        pdf: bytes,
        shifts: dict[int, tuple[float, float]],
    ) -> Fragment | None:
        """A PDF area of its own (not one of a text selection's): the passage its text is."""
        fragment = self.guids.existing("fragment", selection.guid)
        if isinstance(fragment, Fragment):
            return self.matched(source, selection, fragment, document)
        what = f"PDF area selection {selection.guid} in “{source.name}”"
        if not pdf:
            self.result.unsupported.append(f"{what}: the PDF is not in the file")
            return None
        found = area_text(document, pdf, selection, shifts)
        if found.problem is not None:
            self.result.unsupported.append(f"{what}: {found.problem}")
            return None
        if found.note is not None:
            self.result.warnings.append(f"{what}: {found.note}")
        passage = refi.TextSelection(
            guid=selection.guid,
            name=selection.name,
            start=found.start,
            end=found.end,
            coder_guid=selection.coder_guid,
            created=selection.created,
            code_guids=selection.code_guids,
            note_guids=selection.note_guids,
        )
        self.n["pdf_areas_added"] += 1
        return self.new_fragment(source, passage, document)

    def codings(self, fragment: Fragment, selection: refi.Selection, created: bool) -> None:
        has = set() if created else set(fragment.codings.values_list("code_id", flat=True))
        added = []
        for guid in selection.code_guids:
            code = self.codes.get(key(guid))
            if code is None:
                self.result.warnings.append(
                    f"selection {selection.guid} refers to unknown code {guid}"
                )
            elif code.pk not in has:
                FragmentCode.objects.create(fragment=fragment, code=code)
                has.add(code.pk)
                added.append(code.name)
        self.n["codings_added"] += len(added)
        if created or added:
            self.log(
                fragment,
                {
                    "document": str(fragment.document.uuid),
                    "start": fragment.start,
                    "end": fragment.end,
                    "codes": added,
                },
                label=f"{fragment.document.title}: “{fragment.quote[:120]}”",
                verb=None if created else "added codes",
            )

    # --- memos: notes, sets, links --------------------------------------------------------------

    def memo(self, guid: str, title: str, text: str, kind: str, **target) -> Memo | None:
        """A new memo for a GUID, or None when the project has it already."""
        if self.guids.existing("memo", guid) is not None:
            self.n["memos_matched"] += 1
            return None
        memo = Memo.objects.create(
            uuid=self.guids.new_uuid("memo", guid, f"“{title}”"),
            project=self.project,
            kind=kind,
            title=title[:300] or "Note",
            text=text,
            author=account(self.actor),
            **target,
        )
        self.guids.add("memo", memo)
        self.n["memos_added"] += 1
        self.log(memo, {"title": memo.title, "about": memo.target_label})
        return memo

    def notes(self) -> None:
        for note in self.model.notes:
            kind, text = memo_kind_and_text(note.text)
            self.memo(note.guid, note.name, text, kind, **self.memo_targets.get(key(note.guid), {}))

    def sets(self) -> None:
        from retroduce.theory.models import CMOC

        if not self.model.sets:
            return

        cmocs = set(
            CMOC.objects.filter(
                component__version__project=self.project,
                uuid__in=[u for u in map(parsed_uuid, (s.guid for s in self.model.sets)) if u],
            ).values_list("uuid", flat=True)
        )
        names = {k: f"code “{c.name}”" for k, c in self.codes.items()}
        names |= {k: f"document “{d.title}”" for k, d in self.documents.items()}
        passages = {
            k: f"“{f.quote[:80]}” in “{f.document.title}”" for k, f in self.fragments.items()
        }
        for item in self.model.sets:
            if parsed_uuid(item.guid) in cmocs:
                continue  # our own export's CMOC, still here: nothing to restore
            title = f"Set: {item.name}"
            text = set_memo_text(
                item,
                [names.get(key(g), f"code {g} (not imported)") for g in item.member_code_guids],
                [names.get(key(g), f"source {g} (not imported)") for g in item.member_source_guids],
                passages,
            )
            if self.memo(item.guid, title, text, Memo.Kind.ANALYTIC):
                self.result.warnings.append(
                    f"set “{item.name}” ({item.guid}) restored as memo “{title[:300]}”"
                )

    def links(self) -> None:
        if not self.model.links:
            return
        title = f"Links from {self.model.name or 'the imported project'}"
        text = links_memo_text(self.model.links, file_labels(self.model))
        guid = links_memo_guid(self.model.links)
        if self.memo(guid, title, text, Memo.Kind.ANALYTIC):
            self.result.warnings.append(
                f"{len(self.model.links)} link(s) restored as memo “{title[:300]}”"
            )

    # --- cases and variables --------------------------------------------------------------------

    def appraisals(self) -> None:
        for variable in self.model.variables:
            if variable.name not in APPRAISAL_FIELDS:
                self.result.unsupported.append(f"variable “{variable.name}” ({variable.guid})")
        for case in self.model.cases:
            found = appraisal_case(case, self.variable_names)
            if found is None:
                self.result.unsupported.append(f"case “{case.name}” ({case.guid})")
                continue
            self.result.unsupported += [
                f"variable “{name}” of case “{case.name}” ({case.guid})"
                for name in found.other_variables
            ]
            document = self.documents.get(key(found.source_guid or ""))
            problem = found.problem or (
                None if document else f"its source {found.source_guid} was not imported"
            )
            if problem:
                self.result.warnings.append(
                    f"case “{case.name}” ({case.guid}) is an appraisal, but {problem}; not restored"
                )
                continue
            assert document is not None
            self.appraisal(case, found.values, document)

    def appraisal(self, case: refi.Case, values: dict[str, str], document: Document) -> None:
        ours = (
            self.guids.existing("appraisal", case.guid)
            or Appraisal.objects.filter(document=document, fragment=None).first()
        )
        if isinstance(ours, Appraisal):
            self.n["appraisals_matched"] += 1
            if any(getattr(ours, field) != value.strip() for field, value in values.items()):
                self.result.warnings.append(
                    f"case “{case.name}” ({case.guid}): “{document.title}” is appraised "
                    "differently here; kept ours"
                )
            return
        appraisal = Appraisal.objects.create(
            uuid=self.guids.new_uuid("appraisal", case.guid, f"“{case.name}”"),
            project=self.project,
            document=document,
            relevance=values["relevance"],
            rigour=values["rigour"],
            richness=values["richness"],
            rationale=values["rationale"].strip(),
        )
        self.guids.add("appraisal", appraisal)
        self.n["appraisals_added"] += 1
        self.log(
            appraisal, {**values, "document": str(document.uuid)}, label=f"Appraisal of {document}"
        )


def merge_model(
    project: Project,
    model: refi.Project,
    actor: AbstractBaseUser | None,
    result: RestoreResult,
    verb: str,
) -> None:
    """Merge a parsed REFI project into `project`; call inside a transaction."""
    _Merge(project, _without_nul(model, result.warnings), actor, result, verb).run()


def _without_nul(model: refi.Project, warnings: list[str]) -> refi.Project:
    """No text column takes a NUL (PostgreSQL refuses it), so each becomes U+FFFD, which keeps
    every offset. Only texts read from the archive's .txt files can hold one; XML cannot."""

    def clean(text: str, what: str) -> str:
        if "\x00" not in text:
            return text
        warnings.append(f"{what}: its text held NUL characters; each was replaced by U+FFFD")
        return text.replace("\x00", "\ufffd")

    return dataclasses.replace(
        model,
        sources=tuple(
            dataclasses.replace(s, plain_text=clean(s.plain_text, f"source “{s.name}” ({s.guid})"))
            for s in model.sources
        ),
        notes=tuple(
            dataclasses.replace(n, text=clean(n.text, f"note “{n.name}” ({n.guid})"))
            for n in model.notes
        ),
    )


@transaction.atomic
def merge_refi(
    project: Project, data: bytes, file_name: str, actor: AbstractBaseUser | None
) -> RestoreResult:
    """Import a .qdpx into an existing project, matching codes, sources, selections and notes by
    GUID. Raises refi.RefiError for a file it refuses; nothing is changed then."""
    model, report = refi.read_qdpx(data, file_name, zip_limits(REFI_LIMITS))
    result = RestoreResult(project, list(report.warnings), list(report.unsupported))
    merge_model(project, model, actor, result, "imported")
    record(project, actor, "imported", project, after={"file": file_name, **result.counts})
    return result
