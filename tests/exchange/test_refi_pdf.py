"""PDFs in REFI-QDA exchange: PDF sources with their text representation and PDF area selections.

Our export writes a coded PDF as a PDF source (the PDF and our text) whose passages are text
selections, each also given as a PDF area where its quote is found; our import restores the
PDF and its pages, skips our own areas as copies of their passages, and turns other software's
areas into passages by the text inside them. PDFs are built with fpdf2 and attached for real.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fpdf import FPDF

from retroduce.coding import codebook
from retroduce.coding.codebook import live_codes
from retroduce.coding.models import Code, Fragment, Memo
from retroduce.coding.services import code_passage, write_memo
from retroduce.core import services
from retroduce.documents.models import Document
from retroduce.documents.pdfareas import Area, text_in_area
from retroduce.documents.services import stored_path
from retroduce.exchange import refi
from retroduce.exchange.refi_export import area_guid, project_to_refi
from retroduce.exchange.refi_import import restore_refi
from retroduce.exchange.refi_merge import merge_refi
from retroduce.exchange.refi_restore_parts import find_loosely
from tests.documents.pdfs import make_pdf

pytestmark = pytest.mark.django_db

XSD = Path(__file__).with_name("Project-mrt2019.xsd")
PT_PER_MM = 72 / 25.4
PAGE_ONE = "Context first. Leaders who listen build trust in the wards."
PAGE_TWO = "Budgets were pooled across health and social care. Nurses felt heard."
SENTENCE = "Trust in nurses triggered the mechanism."


def _guid() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def coded_pdf(team, ready_document):
    """A two-page PDF coded twice (a passage on each page, one with a memo), and a text file."""
    data = make_pdf([PAGE_ONE, PAGE_TWO], title="Integrated care")
    document = ready_document("paper.pdf", data)
    assert document.file_format == "pdf" and len(document.pages) == 2
    ready_document("notes.txt", b"Managers met weekly.\n")
    codebook.ensure_codebook(team.project)
    owner = team.users["owner"]
    context = live_codes(team.project).get(name="Context", parent=None)
    trust = codebook.create_code(team.project, owner, "Trust", parent=context)
    pooled = codebook.create_code(team.project, owner, "Pooled budgets", parent=context)
    fragments = []
    for quote, codes in (
        ("Leaders who listen build trust", [trust.pk]),
        ("Budgets were pooled", [pooled.pk, trust.pk]),
    ):
        start = document.text.index(quote)
        fragments.append(code_passage(document, owner, start, start + len(quote), codes))
    write_memo(team.project, owner, "Listening", "Listening comes first.", fragment=fragments[0])
    assert [f.page for f in fragments] == [1, 2]
    return document, data, fragments


def _pdf_source(model: refi.Project) -> refi.Source:
    (source,) = (s for s in model.sources if s.kind == "pdf")
    return source


def _passages(project) -> set[tuple]:
    return {
        (f.start, f.end, f.page, f.quote, frozenset(c.name for c in f.codes.all()))
        for f in Fragment.objects.filter(document__project=project)
    }


# --- export -----------------------------------------------------------------------------------


def test_a_coded_pdf_exports_as_a_pdf_source_with_text_and_area_selections(team, coded_pdf):
    document, data, fragments = coded_pdf
    model = project_to_refi(team.project)
    source = _pdf_source(model)
    assert source.guid == str(document.uuid)
    assert source.original_bytes == data and source.plain_text == document.text
    # The text file stays a text source.
    (other,) = (s for s in model.sources if s is not source)
    assert other.kind == "text" and other.original_bytes is None
    texts = {s.guid: s for s in source.selections if isinstance(s, refi.TextSelection)}
    areas = {s.guid: s for s in source.selections if isinstance(s, refi.PDFSelection)}
    assert len(texts) == len(areas) == 2
    for fragment in fragments:
        text = texts[str(fragment.uuid)]
        # Offsets are exactly the fragment's, in code points from 0.
        assert (text.start, text.end) == (fragment.start, fragment.end)
        assert source.plain_text[text.start : text.end] == fragment.quote
        area = areas[area_guid(str(fragment.uuid))]
        assert f"(area of passage {fragment.uuid})" in area.name
        assert area.code_guids == text.code_guids and area.coder_guid == text.coder_guid
        assert area.created == text.created and area.note_guids == ()
        # Pages count from 0 in the file; the rectangle, in whole points from the bottom-left,
        # holds the quote.
        assert area.page == fragment.page - 1
        assert all(isinstance(v, int) for v in (area.first_x, area.first_y, area.second_x))
        assert area.first_x < area.second_x and area.first_y < area.second_y
        box = Area(area.page + 1, area.first_x, area.first_y, area.second_x, area.second_y)
        inside = text_in_area(data, box)
        assert inside is not None and fragment.quote in inside
        # On an A4 page (595 x 842 pt), near the top: the origin is the bottom-left corner.
        assert 0 <= area.first_x < area.second_x <= 595 and 700 < area.first_y < 842


def test_the_export_is_valid_and_carries_the_pdf_in_its_sources_folder(team, coded_pdf):
    xmlschema = pytest.importorskip("xmlschema")
    document, data, _fragments = coded_pdf
    model = project_to_refi(team.project)
    xmlschema.XMLSchema(str(XSD)).validate(refi.project_qde(model).decode())
    packed = refi.write_qdpx(model)
    with zipfile.ZipFile(io.BytesIO(packed)) as archive:
        assert archive.read(f"sources/{document.uuid}.pdf") == data
        assert archive.read(f"sources/{document.uuid}.txt").decode() == document.text
    back, report = refi.read_qdpx(packed)
    assert not report.warnings
    restored = _pdf_source(back)
    assert restored.original_path == f"sources/{document.uuid}.pdf"
    assert replace(restored, original_path=None) == _pdf_source(model)


def test_a_pdf_whose_file_is_gone_exports_as_text(team, coded_pdf):
    document, _data, _fragments = coded_pdf
    stored_path(document).unlink()
    source = next(s for s in project_to_refi(team.project).sources if s.guid == str(document.uuid))
    assert source.kind == "text" and source.original_bytes is None
    assert all(isinstance(s, refi.TextSelection) for s in source.selections)


def test_areas_are_measured_from_the_media_box_when_the_page_is_cropped(team, ready_document):
    data = make_pdf([PAGE_ONE, PAGE_TWO])
    doc = pdfium.PdfDocument(data)
    try:
        page = doc[1]
        page.set_mediabox(0, 0, 595, 842)
        page.set_cropbox(20, 30, 580, 820)
        page.close()
        buffer = io.BytesIO()
        doc.save(buffer)
    finally:
        doc.close()
    cropped = buffer.getvalue()
    document = ready_document("cropped.pdf", cropped)
    codebook.ensure_codebook(team.project)
    context = live_codes(team.project).get(name="Context", parent=None)
    start = document.text.index("Budgets were pooled")
    code_passage(document, team.users["owner"], start, start + 19, [context.pk])
    (area,) = (
        s
        for s in _pdf_source(project_to_refi(team.project)).selections
        if isinstance(s, refi.PDFSelection)
    )
    # pdfareas measures from the crop box's corner; the file, from the media box's (10.3).
    shifted = Area(2, area.first_x - 20, area.first_y - 30, area.second_x - 20, area.second_y - 30)
    inside = text_in_area(cropped, shifted)
    assert inside is not None and "Budgets were pooled" in inside
    unshifted = text_in_area(
        cropped, Area(2, area.first_x, area.first_y, area.second_x, area.second_y)
    )
    assert unshifted is not None and "Budgets were pooled" not in unshifted


# --- restoring our own export ----------------------------------------------------------------


def test_our_export_restores_as_a_pdf_document_with_the_same_passages_and_pages(team, coded_pdf):
    document, data, _fragments = coded_pdf
    expected = _passages(team.project)
    packed = refi.write_qdpx(project_to_refi(team.project))
    result = restore_refi(packed, "icl.qdpx", team.users["owner"])
    restored = Document.objects.get(project=result.project, title=document.title)
    assert restored.file_format == "pdf" and stored_path(restored).read_bytes() == data
    assert (restored.text, restored.pages) == (document.text, document.pages)
    # The areas are copies of the passages: no fragment twice, none reported as left out.
    assert _passages(result.project) == expected
    assert result.counts["fragments"] == 2
    assert not any("PDF area" in line for line in result.unsupported + result.warnings)
    assert not any("pages are not known" in line for line in result.warnings)
    memo = Memo.objects.get(project=result.project, title="Listening")
    assert memo.fragment.quote == "Leaders who listen build trust"


def test_our_export_restored_where_it_was_forgotten_keeps_its_guids(team, coded_pdf):
    document, _data, fragments = coded_pdf
    expected = {(str(f.uuid), f.start, f.end, f.page) for f in fragments}
    packed = refi.write_qdpx(project_to_refi(team.project))
    Memo.objects.filter(project=team.project).delete()
    Fragment.objects.filter(document__project=team.project).delete()
    Document.objects.filter(project=team.project).delete()
    for code in Code.objects.filter(project=team.project).order_by("-id"):
        code.delete()
    result = restore_refi(packed, "icl.qdpx", team.users["owner"])
    assert not any("belongs to another project" in w for w in result.warnings)
    restored = Fragment.objects.filter(document__project=result.project)
    assert {(str(f.uuid), f.start, f.end, f.page) for f in restored} == expected
    assert Document.objects.get(uuid=document.uuid).pages == document.pages


def test_merging_our_export_counts_the_areas_as_matched(team, coded_pdf):
    packed = refi.write_qdpx(project_to_refi(team.project))
    other = services.create_project(team.users["owner"], "Sibling review")
    first = merge_refi(other, packed, "icl.qdpx", team.users["owner"])
    assert (first.counts["fragments_added"], first.counts["pdf_areas_matched"]) == (2, 2)
    assert first.counts["pdf_areas_added"] == 0
    again = merge_refi(other, packed, "icl.qdpx", team.users["owner"])
    assert {k: n for k, n in again.counts.items() if k.endswith("_added") and n} == {}
    assert (again.counts["fragments_matched"], again.counts["pdf_areas_matched"]) == (2, 2)
    # Into the project it came from: nothing new either.
    itself = merge_refi(team.project, packed, "icl.qdpx", team.users["owner"])
    assert {k: n for k, n in itself.counts.items() if k.endswith("_added") and n} == {}


def test_an_area_named_after_its_passage_is_recognised_when_its_guid_was_changed(team, coded_pdf):
    model = project_to_refi(team.project)
    source = _pdf_source(model)
    renamed = tuple(
        replace(s, guid=_guid()) if isinstance(s, refi.PDFSelection) else s
        for s in source.selections
    )
    model = replace(
        model,
        sources=tuple(replace(s, selections=renamed) if s is source else s for s in model.sources),
    )
    other = services.create_project(team.users["owner"], "Sibling review")
    result = merge_refi(other, refi.write_qdpx(model), "renamed.qdpx", team.users["owner"])
    assert (result.counts["fragments_added"], result.counts["pdf_areas_matched"]) == (2, 2)


# --- other software's PDF areas ------------------------------------------------------------


def placed_pdf() -> tuple[bytes, float]:
    """Page 1 a filler line; page 2 SENTENCE at 30 mm from the left and 100 mm from the top,
    between two other lines, each a 6 mm high Helvetica 11 cell. Also: SENTENCE's width in pt."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.set_xy(20, 20)
    pdf.cell(h=6, text="Page one says something else entirely.")
    pdf.add_page()
    for y, text in ((92, "The line above."), (100, SENTENCE), (108, "The line below.")):
        pdf.set_xy(30, y)
        pdf.cell(h=6, text=text)
    return bytes(pdf.output()), pdf.get_string_width(SENTENCE) * PT_PER_MM


def foreign_project(
    pdf: bytes, area: tuple[int, int, int, int, int], plain_text: str = "", **selection
) -> tuple[refi.Project, refi.Code]:
    """A project as NVivo or ATLAS.ti might write it: a PDF coded by one area selection only."""
    code = refi.Code(_guid(), "Trust in staff", "#336699")
    page, x1, y1, x2, y2 = area
    picked = refi.PDFSelection(
        guid=selection.pop("guid", _guid()),
        name=selection.pop("name", "Quotation 2:1"),
        page=page,
        first_x=x1,
        first_y=y1,
        second_x=x2,
        second_y=y2,
        code_guids=(code.guid,),
        **selection,
    )
    source = refi.Source(
        guid=_guid(),
        name="Ward study.pdf",
        kind="pdf",
        plain_text=plain_text,
        original_bytes=pdf,
        selections=(picked,),
    )
    return refi.Project(name="From NVivo", codebook=(code,), sources=(source,)), code


def _sentence_area() -> tuple[bytes, tuple[int, int, int, int, int]]:
    """The PDF and a hand-measured area around SENTENCE: page 2 (index 1), points from the
    bottom-left of the A4 page (841.89 pt high), the cell's 100-106 mm from the top."""
    data, width = placed_pdf()
    height = 841.89
    top = height - 100 * PT_PER_MM  # 558.4
    bottom = height - 106 * PT_PER_MM  # 541.4
    left = 30 * PT_PER_MM  # 85.0; the text starts 1 mm further right
    return data, (1, int(left) - 4, int(bottom) + 2, int(left + width) + 12, int(top) - 2)


def test_a_foreign_pdf_area_becomes_the_passage_it_covers(team):
    data, area = _sentence_area()
    model, code = foreign_project(data, area)
    result = restore_refi(refi.write_qdpx(model), "nvivo.qdpx", team.users["owner"])
    fragment = Fragment.objects.get(document__project=result.project)
    assert fragment.quote == SENTENCE and fragment.page == 2
    assert [(str(c.uuid), c.name) for c in fragment.codes.all()] == [(code.guid, "Trust in staff")]
    document = fragment.document
    assert document.file_format == "pdf" and len(document.pages) == 2
    assert document.text[fragment.start : fragment.end] == SENTENCE
    # No representation in the file: the text is ours, and the report says so.
    assert any("no text representation" in w for w in result.warnings)
    assert not any("PDF area" in u for u in result.unsupported)


def test_a_foreign_area_is_found_in_a_representation_that_differs_from_our_text(team):
    data, area = _sentence_area()
    theirs = "Page one says something else entirely.\r\n\r\nThe line above.  Trust in nurses\r\ntriggered the mechanism.  The line below."
    model, _code = foreign_project(data, area, plain_text=theirs)
    other = services.create_project(team.users["owner"], "From NVivo")
    result = merge_refi(other, refi.write_qdpx(model), "nvivo.qdpx", team.users["owner"])
    assert (result.counts["fragments_added"], result.counts["pdf_areas_added"]) == (1, 1)
    fragment = Fragment.objects.get(document__project=other)
    assert fragment.quote == "Trust in nurses\r\ntriggered the mechanism."
    assert fragment.document.text == theirs and fragment.document.pages == [[0, len(theirs)]]
    assert any("pages are not known" in w for w in result.warnings)
    # Merging the same file again finds the passage it made.
    again = merge_refi(other, refi.write_qdpx(model), "nvivo.qdpx", team.users["owner"])
    assert (again.counts["fragments_added"], again.counts["fragments_matched"]) == (0, 1)
    assert Fragment.objects.filter(document__project=other).count() == 1


def test_an_area_on_empty_space_or_a_missing_page_is_listed_as_unsupported(team):
    data, _area = _sentence_area()
    model, _code = foreign_project(data, (1, 300, 100, 500, 200), guid=(blank := _guid()))
    source = model.sources[0]
    missing = refi.PDFSelection(_guid(), "Gone", 7, 10, 10, 100, 100)
    model = replace(model, sources=(replace(source, selections=(*source.selections, missing)),))
    other = services.create_project(team.users["owner"], "From NVivo")
    result = merge_refi(other, refi.write_qdpx(model), "nvivo.qdpx", team.users["owner"])
    assert result.counts["pdf_areas_added"] == result.counts["fragments_added"] == 0
    assert not Fragment.objects.filter(document__project=other).exists()
    assert any(blank in u and "holds no text" in u for u in result.unsupported)
    assert any(missing.guid in u and "page 8 is not in the PDF" in u for u in result.unsupported)
    # The document itself is restored.
    assert Document.objects.get(project=other).file_format == "pdf"


def test_an_atlas_ti_quotation_written_both_ways_under_one_guid_is_one_passage(team):
    data, area = _sentence_area()
    shared = _guid()
    model, code = foreign_project(data, area, guid=shared, name="Trust in nurses…")
    source = model.sources[0]
    text = "Page one says something else entirely.\nThe line above. " + SENTENCE
    start = text.index(SENTENCE)
    quoted = refi.TextSelection(
        shared, "Trust in nurses…", start, start + len(SENTENCE), code_guids=(code.guid,)
    )
    source = replace(source, plain_text=text, selections=(*source.selections, quoted))
    other = services.create_project(team.users["owner"], "From ATLAS.ti")
    result = merge_refi(
        other, refi.write_qdpx(replace(model, sources=(source,))), "atlas.qdpx", team.users["owner"]
    )
    assert (result.counts["fragments_added"], result.counts["pdf_areas_matched"]) == (1, 1)
    assert Fragment.objects.get(document__project=other).quote == SENTENCE


def test_a_foreign_area_on_a_cropped_page_is_read_from_the_media_box(team):
    data, area = _sentence_area()
    doc = pdfium.PdfDocument(data)
    try:
        page = doc[1]
        page.set_mediabox(0, 0, 595, 842)
        page.set_cropbox(25, 35, 580, 820)
        page.close()
        buffer = io.BytesIO()
        doc.save(buffer)
    finally:
        doc.close()
    model, _code = foreign_project(buffer.getvalue(), area)
    result = restore_refi(refi.write_qdpx(model), "nvivo.qdpx", team.users["owner"])
    assert Fragment.objects.get(document__project=result.project).quote == SENTENCE


def test_a_pdf_source_without_its_pdf_is_restored_from_its_representation(team):
    text = "Leaders who listen build trust."
    source = refi.Source(
        _guid(),
        "Missing.pdf",
        "pdf",
        plain_text=text,
        selections=(
            refi.TextSelection(_guid(), "Leaders", 0, 7),
            refi.PDFSelection(_guid(), "Area", 0, 1, 1, 50, 50),
        ),
    )
    result = restore_refi(
        refi.write_qdpx(refi.Project("x", sources=(source,))), "x.qdpx", team.users["owner"]
    )
    document = Document.objects.get(project=result.project)
    assert (document.file_format, document.text) == ("txt", text)
    assert Fragment.objects.get(document=document).quote == "Leaders"
    assert any("PDF is not in the file" in w for w in result.warnings)
    assert any(
        "PDF area selection" in u and "PDF is not in the file" in u for u in result.unsupported
    )


def test_a_pdf_source_with_neither_pdf_nor_text_is_listed_and_not_restored(team):
    source = refi.Source(_guid(), "Empty.pdf", "pdf")
    result = restore_refi(
        refi.write_qdpx(refi.Project("x", sources=(source,))), "x.qdpx", team.users["owner"]
    )
    assert not Document.objects.filter(project=result.project).exists()
    assert any(
        "Empty.pdf" in u and "neither the PDF nor a text representation" in u
        for u in result.unsupported
    )


@pytest.mark.parametrize(
    ("text", "needle", "expected"),
    [
        ("Trust in nurses\ntriggered it.", "Trust in nurses triggered", [(0, 25)]),
        ("a man-\nagement plan", "management", [(2, 14)]),
        ("  lead  lead ", "lead", [(2, 6), (8, 12)]),
        ("nothing here", "  ", []),
        ("abc", "abd", []),
    ],
)
def test_find_loosely_ignores_whitespace_and_hyphens(text, needle, expected):
    assert find_loosely(text, needle, 0, len(text)) == expected


def test_find_loosely_keeps_to_the_range_it_is_given():
    text = "lead one. lead two."
    assert find_loosely(text, "lead", 5, len(text)) == [(10, 14)]
