"""The report writers (Markdown, HTML, Word) on a sample report full of hostile text. No database."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, datetime
from html.parser import HTMLParser

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.shared import Cm
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from retroduce.reports.document import Bullets, Figure, Paragraph, Report, Section, Table
from retroduce.reports.writers import markdown_figures, to_docx, to_html, to_markdown
from retroduce.reports.writers.common import clean

SCRIPT = "<script>alert(1)</script>"
QUOTES = "& \" '"
CONTROLS = "\x0b\x0c\x1f\x00"
EMOJI = "🧪 theory 👩🏽‍🔬"
RTL = "שלום עולם مرحبا"
LEADING_HASH = "# Not a heading, a quoted line"
PIPE_CELL = "context | mechanism"
CONTROL_CELL = f"before{CONTROLS}after"
# \x0b and \x0c are line and page breaks in pasted text, so they become line breaks; the others go.
CONTROL_CELL_CLEANED = "before\n\nafter"
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100" '
    'role="img"><title>CMOC 1</title><rect x="0" y="0" width="300" height="100" fill="#fff"/>'
    '<text x="10" y="50">C &amp; M &lt; O</text></svg>\n'
)
FIXED = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
# Characters no writer may emit: XML 1.0 / HTML forbidden controls, noncharacters, surrogates.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def png(width: int = 600, height: int = 200) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#3366aa").save(buffer, "PNG")
    return buffer.getvalue()


TABLE = Table(
    header=("Item", "Reported", "Where"),
    rows=(
        ("1", "yes", PIPE_CELL),
        ("2", CONTROL_CELL, EMOJI),
        ("3", SCRIPT, "line one\nline two"),
    ),
    caption="Table 1. RAMESES items & where they are reported",
    widths=(1, 1, 3),
)
FIGURE = Figure(svg=SVG, png=png(), caption="Figure 1. The programme theory", alt="CMOC diagram")
REPORT = Report(
    title=f"Partnerships that work {SCRIPT}",
    subtitle="Realist synthesis report drafted by Retroduce on 26 Nov 2026",
    notice="Draft generated from the recorded work; the authors edit it. Retroduce never invents.",
    sections=(
        Section(
            title="Title and abstract",
            anchor="item-1",
            blocks=(
                Paragraph(f"Hostile: {SCRIPT} {QUOTES} {CONTROLS} {EMOJI}"),
                Paragraph(LEADING_HASH),
                Paragraph(RTL, style="quote"),
                Paragraph("Nothing recorded yet.", style="muted"),
                Bullets(items=("- starts with a dash", "*stars*", f"{SCRIPT}")),
            ),
        ),
        Section(
            title="Methods",
            blocks=(
                Paragraph("Check the search dates.", style="warning"),
                Section(
                    title="Searching",
                    anchor="item-12",
                    blocks=(
                        TABLE,
                        Section(title="Grey literature", blocks=(FIGURE,)),
                    ),
                ),
                Section(title="Results & discussion", blocks=(Paragraph("1986. A year."),)),
            ),
        ),
    ),
)
HEADINGS = [
    (1, "Title and abstract"),
    (1, "Methods"),
    (2, "Searching"),
    (3, "Grey literature"),
    (2, "Results & discussion"),
]


class _Tree(HTMLParser):
    """Collects what the tests look at and checks that non-void elements nest properly."""

    VOID = {"meta", "br", "col", "img", "hr", "link", "input", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, name, value or "") for name, value in attrs)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, name, value or "") for name, value in attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(page: str) -> _Tree:
    tree = _Tree()
    tree.feed(page)
    tree.close()
    return tree


# HTML


def test_html_is_one_self_contained_well_nested_file():
    page = to_html(REPORT)
    tree = parse_html(page)
    assert page.startswith("<!doctype html>")
    assert '<meta charset="utf-8">' in page
    assert tree.tags.count("style") == 1
    assert "script" not in tree.tags
    assert "link" not in tree.tags
    assert not tree.errors and not tree.stack
    for _tag, name, value in tree.attrs:
        if name in ("src", "href"):
            assert "http" not in value.lower() and "//" not in value
    style = page[page.index("<style>") : page.index("</style>")]
    assert "url(" not in style and "@import" not in style


def test_html_escapes_recorded_text():
    page = to_html(REPORT)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&amp; &quot; &#x27;" in page
    text = "".join(parse_html(page).text)
    # The escaping round-trips: readers see exactly the recorded words.
    assert f"Hostile: {SCRIPT} {QUOTES}" in text
    assert LEADING_HASH in text and EMOJI in text and RTL in text


def test_html_contents_link_to_every_section():
    tree = parse_html(to_html(REPORT))
    ids = [value for tag, name, value in tree.attrs if name == "id" and tag == "section"]
    links = [value for tag, name, value in tree.attrs if tag == "a" and name == "href"]
    assert len(ids) == len(set(ids)) == len(HEADINGS)
    assert links == [f"#{anchor}" for anchor in ids]
    assert "item-1" in ids and "item-12" in ids
    text = "".join(tree.text)
    for _level, title in HEADINGS:
        assert text.count(title) >= 2  # in the contents and as a heading


def test_html_heading_levels_follow_nesting():
    page = to_html(REPORT)
    found = re.findall(r"<h([1-6])[^>]*>([^<]*)</h\1>", page)
    levels = [(int(level) - 1, title.replace("&amp;", "&")) for level, title in found]
    assert levels[0][0] == 0 and levels[1] == (1, "Contents")
    assert levels[2:] == HEADINGS


def test_html_inlines_the_svg_as_parseable_xml():
    page = to_html(REPORT)
    start, end = page.index("<svg"), page.index("</svg>") + len("</svg>")
    root = ET.fromstring(page[start:end])
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert 'aria-label="CMOC diagram"' in page
    assert "<figcaption" in page and "Figure 1. The programme theory" in page


def test_html_drops_characters_html_forbids():
    page = to_html(REPORT)
    assert not FORBIDDEN.search(page)
    page.encode("utf-8")  # no lone surrogates left to fail the encoder


def test_html_shows_a_script_bearing_svg_as_its_png():
    unsafe = Figure(
        svg='<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
        png=png(10, 10),
        caption="c",
        alt="a",
    )
    page = to_html(Report("t", "s", (Section("S", (unsafe,)),)))
    assert "onload" not in page and "<svg" not in page
    assert '<img src="data:image/png;base64,' in page


def test_html_table_keeps_cells_and_widths():
    page = to_html(REPORT)
    assert '<th scope="col" dir="auto">Item</th>' in page
    assert "context | mechanism" in page
    assert "line one<br>\nline two" in page
    assert (
        '<col style="width: 20.00%"><col style="width: 20.00%"><col style="width: 60.00%">' in page
    )


# Markdown


def test_markdown_tables_have_as_many_cells_as_the_header():
    lines = [line for line in to_markdown(REPORT).splitlines() if line.startswith("|")]
    assert len(lines) == 2 + len(TABLE.rows)
    assert {len(UNESCAPED_PIPE.findall(line)) for line in lines} == {len(TABLE.header) + 1}
    assert "context \\| mechanism" in lines[2]
    assert "line one<br>line two" in lines[4]


def test_markdown_escapes_active_characters():
    markdown = to_markdown(REPORT)
    assert not re.search(r"(?<!\\)<script", markdown)
    assert "\n\\# Not a heading" in markdown
    assert "\n- \\- starts with a dash" in markdown
    assert "\\*stars\\*" in markdown
    assert "1986\\. A year." in markdown


def test_markdown_headings_follow_nesting():
    found = re.findall(r"^(#{1,6}) (.*)$", to_markdown(REPORT), re.MULTILINE)
    assert [(len(h) - 1, title.replace("\\&", "&")) for h, title in found[1:]] == HEADINGS


def test_markdown_renders_to_the_recorded_words():
    markdown_it = pytest.importorskip("markdown_it")
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(to_markdown(REPORT))
    tree = parse_html(rendered)
    assert "script" not in tree.tags
    assert tree.tags.count("table") == 1 and tree.tags.count("th") == 3
    assert tree.tags.count("tr") == 1 + len(TABLE.rows)
    assert sum(tree.tags.count(f"h{n}") for n in range(1, 7)) == 1 + len(HEADINGS)
    assert tree.tags.count("blockquote") == 2  # the notice and the quote
    assert tree.tags.count("ol") == 0  # "1986." is not a list
    text = "".join(tree.text)
    assert f"Hostile: {SCRIPT} {QUOTES}" in text
    assert LEADING_HASH in text and PIPE_CELL in text and "- starts with a dash" in text


def test_markdown_figures_match_the_image_references():
    markdown = to_markdown(REPORT)
    files = markdown_figures(REPORT)
    assert re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown) == list(files) == ["figure-1.svg"]
    assert files["figure-1.svg"] == SVG.encode("utf-8")
    assert "![CMOC diagram](figure-1.svg)\n\n*Figure 1. The programme theory*" in markdown


# Word


def open_docx(data: bytes) -> DocxDocument:
    return docx.Document(io.BytesIO(data))


def test_docx_opens_with_title_and_headings_in_order():
    document = open_docx(to_docx(REPORT, when=FIXED))
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert styles[0] == ("Title", f"Partnerships that work {SCRIPT}")
    assert styles[1] == ("Subtitle", REPORT.subtitle)
    headings = [
        (int(name.removeprefix("Heading ")), text)
        for name, text in styles
        if name.startswith("Heading ")
    ]
    assert headings == HEADINGS
    contents = [text for name, text in styles if name.startswith("List Bullet") and text]
    assert contents[: len(HEADINGS)] == [title for _level, title in HEADINGS]


def test_docx_table_cells_keep_their_text():
    document = open_docx(to_docx(REPORT, when=FIXED))
    (table,) = document.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == list(TABLE.header)
    assert cells[1] == ["1", "yes", PIPE_CELL]
    assert cells[2] == ["2", CONTROL_CELL_CLEANED, EMOJI]
    assert cells[3] == ["3", SCRIPT, "line one\nline two"]
    assert table.style.name == "Table Grid"
    header = table.rows[0]
    assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)
    assert header._tr.trPr.xpath("./w:tblHeader")


def test_docx_has_the_figure_at_text_width_with_caption_and_alt_text():
    document = open_docx(to_docx(REPORT, when=FIXED))
    assert len(document.inline_shapes) == 1
    shape = document.inline_shapes[0]
    assert shape.width == Cm(16)
    assert abs(shape.height - Cm(16) / 3) < Cm(0.01)
    assert shape._inline.docPr.get("descr") == "CMOC diagram"
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == [TABLE.caption, FIGURE.caption]


def test_docx_drops_word_breaking_characters_and_keeps_emoji_and_rtl():
    data = to_docx(REPORT, when=FIXED)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert not FORBIDDEN.search(body)
    document = open_docx(data)
    text = "\n".join(p.text for p in document.paragraphs)
    # Vertical tab and form feed break the line, and a blank line is a new paragraph.
    assert f"Hostile: {SCRIPT} {QUOTES}\n{EMOJI}" in text
    assert RTL in text and LEADING_HASH in text


def test_docx_is_byte_identical_for_a_fixed_time():
    first = to_docx(REPORT, when=FIXED)
    assert first == to_docx(REPORT, when=FIXED)
    properties = open_docx(first).core_properties
    assert properties.created == properties.modified == FIXED
    assert properties.title == REPORT.title


def test_docx_survives_a_broken_picture():
    broken = Figure(svg=SVG, png=b"not a png", caption="c", alt="the diagram")
    document = open_docx(to_docx(Report("t", "s", (Section("S", (broken,)),))))
    assert len(document.inline_shapes) == 0
    assert any("the diagram" in p.text for p in document.paragraphs)


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")),
    reason="LibreOffice not installed",
)
def test_docx_converts_to_pdf_with_libreoffice(tmp_path):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    source = tmp_path / "report.docx"
    source.write_bytes(to_docx(REPORT, when=FIXED))
    subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        timeout=180,
        capture_output=True,
        env={**os.environ, "HOME": str(tmp_path)},  # a fresh LibreOffice profile
    )
    pdf = tmp_path / "report.pdf"
    assert pdf.exists() and pdf.stat().st_size > 0


# All writers


def test_unknown_paragraph_style_is_refused():
    with pytest.raises(ValueError, match="unknown paragraph style"):
        Paragraph("text", style="bold")  # type: ignore[arg-type]


def test_empty_report_and_empty_table_are_written():
    empty = Report("", "", (Section("", (Table((), ()), Bullets(()), Paragraph(""))),))
    assert "<section" in to_html(empty)
    assert to_markdown(empty).startswith("# \n")
    assert len(open_docx(to_docx(empty)).tables) == 0


@settings(max_examples=25, deadline=None)
@given(text=st.text(max_size=40), cells=st.lists(st.text(max_size=12), min_size=1, max_size=4))
def test_any_text_is_written_by_every_writer(text: str, cells: list[str]):
    report = Report(
        title=text,
        subtitle=text,
        notice=text,
        sections=(
            Section(
                title=text,
                anchor=text,
                blocks=(
                    Paragraph(text, style="quote"),
                    Bullets((text,)),
                    Table(header=tuple(cells), rows=((text,), tuple(cells)), caption=text),
                ),
            ),
        ),
    )
    page = to_html(report)
    assert "<script" not in page and not FORBIDDEN.search(page)
    assert not parse_html(page).errors
    rows = [line for line in to_markdown(report).splitlines() if line.startswith("| ")]
    assert {len(UNESCAPED_PIPE.findall(line)) for line in rows} == {len(cells) + 1}
    document = open_docx(to_docx(report, when=FIXED))
    written = [cell.text for cell in document.tables[0].rows[2].cells]
    assert written == [clean(cell).strip() for cell in cells]
