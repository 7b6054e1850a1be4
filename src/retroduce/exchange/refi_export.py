"""A project as a REFI-QDA 1.5 project, for NVivo, ATLAS.ti and MAXQDA.

Mapping (the exchange issue asks us to choose and document it):
- users: the project's members, with GUIDs derived from the account (stable within a database);
- codebook: the code tree with our UUIDs as GUIDs. The built-in top-level kinds are folder codes
  (isCodable false) unless passages were coded with the kind itself;
- sources: every extracted document as a source whose plain text is exactly our extracted text, so
  every fragment is a text selection (PlainTextSelection) with the same code-point offsets, counted
  from 0 (section 10.2). A PDF whose file we still have is a PDF source (section 10.3): the PDF
  itself is the original, and our text is its text representation, which holds the text
  selections. Each fragment whose quote can be found on its page of the PDF is also a PDF area
  selection (PDFSelection) with the same codes, coder and date, for software that codes PDFs as
  pictures (NVivo, ATLAS.ti): see `_pdf_areas` for its GUID, name and coordinates. Other documents
  (HTML, DOCX, plain text, a PDF whose file is gone) are text sources;
- notes: memos; a memo on a fragment is also referenced from its selection, one on a document from
  its source;
- appraisals: case variables (Relevance, Rigour, Richness, Appraisal rationale), one case per
  appraised document;
- CMOCs: sets, one per CMOC of the latest theory version, holding the component's code and the
  documents of its evidence, with the configuration and its evidence links in the description.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence

import pypdfium2 as pdfium

from retroduce.coding.codebook import code_tree
from retroduce.coding.models import Appraisal, Code, Fragment, FragmentCode, Memo
from retroduce.core.models import Project
from retroduce.documents.extraction.pdf import _PDFIUM
from retroduce.documents.models import Document
from retroduce.documents.pdfareas import Area, areas_for
from retroduce.documents.services import stored_path
from retroduce.exchange import refi
from retroduce.exchange.refi.model import derived_guid

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


def area_guid(selection_guid: str) -> str:
    """The GUID of the PDF area of a text selection: derived (UUID 5) from the selection's GUID,
    so the same export gives the same GUIDs and a reader can tell the area belongs to it."""
    return derived_guid("pdf-area", str(uuid.UUID(selection_guid.strip())))


# The name of such an area also says which passage it is (a reader that renumbers GUIDs may
# keep names): "<quote…> (area of passage <fragment UUID>)".
AREA_NAME = re.compile(
    r"\(area of passage ([0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12})\)", re.IGNORECASE
)


def area_name(quote: str, selection_guid: str) -> str:
    return f"{quote[:60]} (area of passage {selection_guid})"


def media_box_shifts(pdf: bytes, pages: Iterable[int]) -> dict[int, tuple[float, float]]:
    """For each page (numbered from 1), how far the corner `pdfareas` measures from (the bottom-left
    of the page's bounding box: its crop box within its media box) lies from the bottom-left of
    the media box, which REFI-QDA measures from (section 10.3). (0, 0) for nearly every PDF.

    PDFium reads a page's own MediaBox only, not one inherited from the page tree; a page without
    its own is taken to be unshifted (its crop box, if any, is then almost always inherited too).
    A PDF or page that cannot be read is left out: the caller takes (0, 0).
    """
    shifts: dict[int, tuple[float, float]] = {}
    wanted = sorted(set(pages))
    if not wanted:
        return shifts
    with _PDFIUM:
        try:
            doc = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError:
            return shifts
        try:
            for number in wanted:
                if not 1 <= number <= len(doc):
                    continue
                page = doc[number - 1]
                try:
                    left, bottom, _right, _top = page.get_bbox()
                    media = page.get_mediabox(fallback_ok=False)
                    if media is None:
                        shifts[number] = (0.0, 0.0)
                    else:
                        x0, y0, x1, y1 = media
                        shifts[number] = (left - min(x0, x1), bottom - min(y0, y1))
                finally:
                    page.close()
        except pdfium.PdfiumError:
            return shifts
        finally:
            doc.close()
    return shifts


def _pdf_areas(
    pdf: bytes,
    fragments: Sequence[Fragment],
    coder: dict[int, str],
) -> tuple[refi.PDFSelection, ...]:
    """The PDF area of each fragment whose quote `pdfareas` finds on the fragment's page.

    - GUID: `area_guid` of the fragment's UUID; name: `area_name`, which ends in "(area of passage
      <UUID>)". Our reader skips such an area as a copy of its text selection (refi_merge).
    - Codes, coder and date: the fragment's. Its memos stay on the text selection only, so a
      reader that takes both does not get each memo twice.
    - Page: counted from 0. Section 10.3 says only "the page number"; the standard's example 2
      (Annex A.2, a project written by ATLAS.ti 8.4) has areas on page="0" and page="1" of a
      PDF, the first on its first page. pdfareas counts from 1, hence `area.page - 1`.
    - Area: PDF points with the origin at the bottom-left of the page's media box (section 10.3),
      firstX/firstY the lower-left and secondX/secondY the upper-right corner, in whole points
      (the XSD's xsd:integer) rounded outward, so the rectangle still covers every glyph.
    """
    wanted = [(f.page, f.quote) for f in fragments]
    found = areas_for(pdf, wanted)
    shifts = media_box_shifts(pdf, {a.page for a in found if a is not None})
    areas = []
    for fragment, area in zip(fragments, found, strict=True):
        if area is None:
            continue
        dx, dy = shifts.get(area.page, (0.0, 0.0))
        moved = Area(area.page, area.x1 + dx, area.y1 + dy, area.x2 + dx, area.y2 + dy)
        first_x, first_y, second_x, second_y = moved.whole_points()
        areas.append(
            refi.PDFSelection(
                guid=area_guid(str(fragment.uuid)),
                name=area_name(fragment.quote, str(fragment.uuid)),
                page=area.page - 1,
                first_x=first_x,
                first_y=first_y,
                second_x=second_x,
                second_y=second_y,
                coder_guid=coder.get(fragment.coder_id),
                created=fragment.created_at,
                code_guids=tuple(str(c.uuid) for c in fragment.codes.all()),
            )
        )
    return tuple(areas)


def _original_pdf(document: Document) -> bytes | None:
    """The document's PDF as it was attached, when it is a PDF and its file is still there."""
    if document.file_format != "pdf" or not document.stored_file:
        return None
    try:
        return stored_path(document).read_bytes()
    except OSError:
        return None


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
        fragments = list(document.fragments.all())
        selections: tuple[refi.Selection, ...] = tuple(
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
            for f in fragments
        )
        pdf = _original_pdf(document)
        if pdf is not None:
            selections += _pdf_areas(pdf, fragments, guid_of)
        sources.append(
            refi.Source(
                guid=str(document.uuid),
                name=document.title,
                kind="pdf" if pdf is not None else "text",
                plain_text=document.text,
                original_bytes=pdf,
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
