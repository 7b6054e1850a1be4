"""The report as a Word document, the format authors edit before submitting to a journal.

Built on python-docx's default template, whose style names (Title, Heading 1..9, List Bullet,
Table Grid, Caption, Quote) survive the round trip through Word and LibreOffice, so authors can
restyle the whole draft from the style gallery instead of fixing direct formatting.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from ..document import Block, Bullets, Figure, Paragraph, Report, Section, Table
from .common import Outline, Path, chunks, clean, fractions, grid, one_line, outline

# A4 with 2.5 cm margins: 16 cm of text width, the usual page of a European manuscript.
_PAGE_WIDTH, _PAGE_HEIGHT, _MARGIN = Cm(21), Cm(29.7), Cm(2.5)
_TEXT_WIDTH = Emu(_PAGE_WIDTH - 2 * _MARGIN)
# Leaves room on the page for the caption under a tall figure.
_MAX_FIGURE_HEIGHT = Emu(_PAGE_HEIGHT - 2 * _MARGIN - Cm(3))
_MUTED = RGBColor(0x59, 0x59, 0x59)
_WARNING = RGBColor(0x8A, 0x4B, 0x00)


def to_docx(report: Report, when: datetime | None = None) -> bytes:
    """The report as .docx bytes; `when` (naive means UTC) fixes every timestamp in the file."""
    stamp = (when or datetime.now(UTC)).replace(microsecond=0)
    stamp = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
    document = docx.Document()
    _page_setup(document)
    _properties(document, report, stamp)
    plan = outline(report)
    document.add_paragraph(one_line(report.title), style="Title")
    for part in chunks(report.subtitle):
        document.add_paragraph(part, style="Subtitle")
    for part in chunks(report.notice):
        document.add_paragraph().add_run(part).italic = True
    _contents(document, report.sections, (), plan)
    for index, section in enumerate(report.sections):
        _section(document, section, (index,), 1, plan)
    raw = io.BytesIO()
    document.save(raw)
    return _fixed_zip(raw.getvalue(), stamp)


def _page_setup(document: Document) -> None:
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = _PAGE_WIDTH, _PAGE_HEIGHT
        section.left_margin = section.right_margin = _MARGIN
        section.top_margin = section.bottom_margin = _MARGIN


def _properties(document: Document, report: Report, stamp: datetime) -> None:
    # python-docx writes "Z" after the time without converting, so it must be given UTC.
    naive = stamp.replace(tzinfo=None)
    props = document.core_properties
    props.title = one_line(report.title)[:255]
    props.author = props.last_modified_by = "Retroduce"
    props.created = props.modified = naive
    props.revision = 1


def _fixed_zip(data: bytes, stamp: datetime) -> bytes:
    """The same package with every member dated `stamp`, so equal input gives equal bytes.

    python-docx dates zip members with the clock at save time.
    """
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, 0)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(member.filename))
    return out.getvalue()


def _bookmark(path: Path) -> str:
    # Word wants a letter-or-underscore start and no hyphens; a leading "_" hides it from the
    # bookmark dialog, as Word does for its own table-of-contents bookmarks.
    return "_rd" + "_".join(str(index) for index in path)


def _contents(document: Document, blocks: tuple[Block, ...], path: Path, plan: Outline) -> None:
    entries = [(i, block) for i, block in enumerate(blocks) if isinstance(block, Section)]
    if not entries:
        return
    if not path:
        document.add_paragraph("Contents", style="TOC Heading")
    style = ("List Bullet", "List Bullet 2", "List Bullet 3")[min(len(path), 2)]
    for index, section in entries:
        here = (*path, index)
        _link(document.add_paragraph(style=style), one_line(section.title), _bookmark(here))
        _contents(document, section.blocks, here, plan)


def _link(paragraph: DocxParagraph, text: str, bookmark: str) -> None:
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), bookmark)
    link.set(qn("w:history"), "1")
    run = OxmlElement("w:r")
    node = OxmlElement("w:t")
    node.set(qn("xml:space"), "preserve")
    node.text = text
    run.append(node)
    link.append(run)
    paragraph._p.append(link)


def _mark(paragraph: DocxParagraph, bookmark: str, number: int) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), bookmark)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def _section(document: Document, section: Section, path: Path, level: int, plan: Outline) -> None:
    heading = document.add_heading(one_line(section.title), level=min(level, 9))
    # Bookmark ids only need to be unique numbers; the section's place in the outline is one.
    _mark(heading, _bookmark(path), plan.order[path])
    for index, block in enumerate(section.blocks):
        here = (*path, index)
        if isinstance(block, Section):
            _section(document, block, here, level + 1, plan)
        elif isinstance(block, Paragraph):
            _paragraph(document, block)
        elif isinstance(block, Bullets):
            for item in block.items:
                if text := clean(item).strip():
                    document.add_paragraph(text, style="List Bullet")
        elif isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, Figure):
            _figure(document, block)


def _paragraph(document: Document, paragraph: Paragraph) -> None:
    for part in chunks(paragraph.text):
        if paragraph.style == "quote":
            document.add_paragraph(part, style="Quote")
            continue
        run = document.add_paragraph().add_run(part)
        if paragraph.style == "muted":
            run.italic = True
            run.font.color.rgb = _MUTED
        elif paragraph.style == "warning":
            run.bold = True
            run.font.color.rgb = _WARNING


def _caption(document: Document, text: str) -> None:
    if text:
        document.add_paragraph(style="Caption").add_run(text).italic = True


def _table(document: Document, table: Table) -> None:
    header, rows = grid(table)
    # Captions of tables go above them, as journals ask.
    _caption(document, one_line(table.caption))
    if not header:
        return
    grid_table = document.add_table(rows=1 + len(rows), cols=len(header))
    grid_table.style = document.styles["Table Grid"]
    for cell, text in zip(grid_table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(text.strip()).bold = True
    # Repeated at the top of every page the table spans.
    grid_table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for row, values in zip(grid_table.rows[1:], rows, strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            cell.paragraphs[0].add_run(text.strip())
    if widths := fractions(table, len(header)):
        grid_table.autofit = False
        for column, share in zip(grid_table.columns, widths, strict=True):
            width = Emu(int(_TEXT_WIDTH * share))
            # Word reads the cell widths, LibreOffice the grid columns: set both.
            column.width = width
            for cell in column.cells:
                cell.width = width
    # Word joins a table to the next one unless a paragraph separates them.
    document.add_paragraph()


def _figure(document: Document, figure: Figure) -> None:
    alt = one_line(figure.alt)
    try:
        image = Image.from_blob(figure.png)
        width, height = _fit(image.px_width, image.px_height)
        run = document.add_paragraph().add_run()
        shape = run.add_picture(io.BytesIO(figure.png), width=width, height=height)
    except (UnrecognizedImageError, ZeroDivisionError, ValueError):
        # A broken picture must not cost the authors their whole draft: say what is missing.
        run = document.add_paragraph().add_run(f"[Figure not available: {alt}]")
        run.italic = True
    else:
        # Word reads the description as the picture's alt text.
        shape._inline.docPr.set("descr", alt)
    for part in chunks(figure.caption):
        _caption(document, part)


def _fit(px_width: int, px_height: int) -> tuple[Emu, Emu]:
    """Full text width, unless that would make the picture taller than the page allows."""
    scale = min(_TEXT_WIDTH / px_width, _MAX_FIGURE_HEIGHT / px_height)
    return Emu(int(px_width * scale)), Emu(int(px_height * scale))
