"""The report as CommonMark with GitHub tables, figures as SVG files beside the .md file.

Recorded text is escaped so that it always reads as the words it is: a quoted "# Findings" or
"<b>" from an imported abstract must not become a heading or raw HTML in someone's renderer.
Every ASCII punctuation character may be backslash-escaped in CommonMark, so escaping a little
too much is harmless while escaping too little changes meaning.
"""

from __future__ import annotations

import re

from ..document import Bullets, Figure, Paragraph, Report, Section, Table
from .common import Outline, Path, chunks, clean, grid, one_line, outline, walk

# Active anywhere in a line: emphasis, code, links, raw HTML and autolinks, entities,
# strikethrough, table cells. The backslash itself comes first.
_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
# Active only at the start of a line (after indentation, which is dropped so that it cannot make
# an indented code block): headings, list markers, setext underlines.
_LEADING = re.compile(r"^([#+=-])")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")


def figure_name(number: int) -> str:
    return f"figure-{number}.svg"


def to_markdown(report: Report) -> str:
    plan = outline(report)
    out = [f"# {_heading(report.title)}"]
    if subtitle := _lines(report.subtitle):
        out.append(_emphasis(subtitle, "*"))
    for part in chunks(report.notice):
        out.append(_quoted(_emphasis(_lines(part), "*")))
    for index, section in enumerate(report.sections):
        out.extend(_section(section, (index,), 2, plan))
    return "\n\n".join(out) + "\n"


def markdown_figures(report: Report) -> dict[str, bytes]:
    """The SVG files that to_markdown refers to, by file name, in document order."""
    plan = outline(report)
    return {
        figure_name(plan.figures[path]): clean(block.svg).encode("utf-8")
        for path, _depth, block in walk(report.sections)
        if isinstance(block, Figure)
    }


def _section(section: Section, path: Path, level: int, plan: Outline) -> list[str]:
    # Markdown stops at six heading levels; deeper sections still read as headings.
    out = [f"{'#' * min(level, 6)} {_heading(section.title)}"]
    for index, block in enumerate(section.blocks):
        here = (*path, index)
        if isinstance(block, Section):
            out.extend(_section(block, here, level + 1, plan))
        elif isinstance(block, Paragraph):
            out.extend(_paragraph(block))
        elif isinstance(block, Bullets):
            out.extend(_bullets(block))
        elif isinstance(block, Table):
            out.extend(_table(block))
        elif isinstance(block, Figure):
            out.extend(_figure(block, plan.figures[here]))
    return out


def _paragraph(paragraph: Paragraph) -> list[str]:
    out = []
    for part in chunks(paragraph.text):
        text = _lines(part)
        if paragraph.style == "quote":
            out.append(_quoted(text))
        elif paragraph.style == "muted":
            out.append(_emphasis(text, "*"))
        elif paragraph.style == "warning":
            out.append(_emphasis(text, "**"))
        else:
            out.append(text)
    return out


def _bullets(bullets: Bullets) -> list[str]:
    items = []
    for item in bullets.items:
        # Blank lines inside an item would need a loose list; line breaks keep it tight.
        lines = [line for part in chunks(item) for line in part.split("\n")]
        body = " \\\n  ".join(_escape_line(line) for line in lines)
        items.append(f"- {body}" if body else "-")
    return ["\n".join(items)] if items else []


def _table(table: Table) -> list[str]:
    out = []
    if caption := one_line(table.caption):
        out.append(_emphasis(_inline(caption), "*"))
    header, rows = grid(table)
    if not header:
        return out
    lines = [_row(header), "| " + " | ".join("---" for _ in header) + " |"]
    lines.extend(_row(row) for row in rows)
    out.append("\n".join(lines))
    return out


def _row(cells: list[str]) -> str:
    # A cell is one line of inline content: line breaks become <br>, the one piece of HTML we
    # write ourselves (recorded "<" is escaped, so it cannot open a tag).
    rendered = (
        "<br>".join(_inline(line.strip()) for line in cell.strip().split("\n")) for cell in cells
    )
    return "| " + " | ".join(rendered) + " |"


def _figure(figure: Figure, number: int) -> list[str]:
    out = [f"![{_inline(one_line(figure.alt))}]({figure_name(number)})"]
    if caption := _lines(figure.caption):
        out.append(_emphasis(caption, "*"))
    return out


def _heading(text: str) -> str:
    # In a heading "#" is escaped everywhere: a trailing " #" would be read as a closing sequence.
    return _inline(one_line(text)).replace("#", "\\#")


def _lines(text: str) -> str:
    """Escaped lines joined by hard breaks, so recorded line breaks survive the renderer."""
    lines = [_escape_line(line) for line in clean(text).strip().split("\n")]
    return " \\\n".join(line for line in lines if line)


def _escape_line(line: str) -> str:
    # Trailing spaces would make a hard break of their own; leading ones an indented code block.
    text = _inline(line.strip())
    text = _ORDERED.sub(r"\1\\\2", text)
    return _LEADING.sub(r"\\\1", text)


def _inline(text: str) -> str:
    return _INLINE.sub(r"\\\1", text)


def _emphasis(text: str, marker: str) -> str:
    return f"{marker}{text}{marker}" if text else ""


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))
