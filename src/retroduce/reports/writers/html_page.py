"""The report as one self-contained HTML5 file: opened from disk, printed, or mailed around.

Nothing is fetched (no fonts, scripts or images by URL) so the file looks the same offline and
years later. The style sheet is inline because the file is a download, never served under the
application's Content-Security-Policy. Figures are inlined as SVG so they stay sharp in print.
"""

from __future__ import annotations

import base64
import re
from html import escape

from ..document import Block, Bullets, Figure, Paragraph, Report, Section, Table
from .common import Outline, Path, chunks, clean, fractions, grid, one_line, outline

_STYLE = """
:root { color-scheme: light; }
body { margin: 0; background: #fff; color: #1a1a1a;
  font: 11.5pt/1.55 Georgia, Cambria, "Times New Roman", Times, serif; }
main { max-width: 46rem; margin: 0 auto; padding: 2.5rem 1.25rem 4rem; }
h1, h2, h3, h4, h5, h6 { font-family: inherit; line-height: 1.25; margin: 1.8em 0 0.5em;
  break-after: avoid; page-break-after: avoid; }
h1 { font-size: 1.9em; margin-top: 0; }
h2 { font-size: 1.45em; border-bottom: 1px solid #999; padding-bottom: 0.15em; }
h3 { font-size: 1.2em; }
h4, h5, h6 { font-size: 1.05em; }
p { margin: 0 0 0.8em; }
.subtitle { font-size: 1.1em; color: #444; }
.notice { font-style: italic; border-inline-start: 3px solid #999; padding: 0.3em 0.8em; }
.muted { color: #555; font-style: italic; }
.warning { border-inline-start: 4px solid #a15c00; background: #fff6e5; padding: 0.4em 0.8em; }
blockquote { margin: 0 0 0.8em; padding: 0 1em; border-inline-start: 3px solid #bbb; color: #333; }
ul { margin: 0 0 0.8em; padding-inline-start: 1.6em; }
nav.contents { border: 1px solid #ccc; padding: 0.6em 1.2em; margin: 1.5em 0 2em; }
nav.contents h2 { border: 0; margin: 0.3em 0; font-size: 1.15em; }
nav.contents ol { margin: 0; padding-inline-start: 1.4em; }
nav.contents a { color: inherit; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1.2em; font-size: 0.92em; }
caption { caption-side: top; text-align: start; font-style: italic; padding-bottom: 0.3em; }
th, td { border: 1px solid #777; padding: 0.3em 0.5em; text-align: start; vertical-align: top; }
thead th { background: #eee; }
thead { display: table-header-group; }
tr, figure { break-inside: avoid; page-break-inside: avoid; }
figure { margin: 1em 0 1.5em; }
figure .drawing svg, figure .drawing img { display: block; max-width: 100%; height: auto; }
figcaption { font-style: italic; font-size: 0.92em; margin-top: 0.4em; }
@media print {
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .warning { background: none; }
}
"""

# An XML declaration or doctype in front of <svg> is not allowed inside HTML.
_PROLOG = re.compile(r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^>]*>\s*)?", re.IGNORECASE)
# Our renderers never produce these; if a figure ever carries one it is not inlined (see below).
_ACTIVE = re.compile(
    r"<script|<foreignobject|<iframe|javascript:|<[^>]*\son[a-z]+\s*=", re.IGNORECASE
)


def _e(text: str) -> str:
    return escape(clean(text), quote=True)


def to_html(report: Report) -> str:
    plan = outline(report)
    title = _e(one_line(report.title))
    out = [
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f'<h1 dir="auto">{title}</h1>',
    ]
    out.extend(_paragraphs(report.subtitle, "subtitle"))
    out.extend(_paragraphs(report.notice, "notice"))
    out.append("</header>")
    out.extend(_contents(report.sections, (), plan))
    for index, section in enumerate(report.sections):
        out.extend(_section(section, (index,), 2, plan))
    out.extend(["</main>", "</body>", "</html>"])
    return "\n".join(out) + "\n"


def _contents(blocks: tuple[Block, ...], path: Path, plan: Outline) -> list[str]:
    # The table of contents follows the nesting, so it is built from the same paths as the body.
    entries = [(i, block) for i, block in enumerate(blocks) if isinstance(block, Section)]
    if not entries:
        return []
    out = []
    if not path:
        out.append('<nav class="contents" aria-labelledby="contents-title" id="contents">')
        out.append('<h2 id="contents-title">Contents</h2>')
    out.append("<ol>")
    for index, section in entries:
        here = (*path, index)
        link = (
            f'<a href="#{escape(plan.anchors[here], quote=True)}">{_e(one_line(section.title))}</a>'
        )
        out.append(f'<li dir="auto">{link}')
        out.extend(_contents(section.blocks, here, plan))
        out.append("</li>")
    out.append("</ol>")
    if not path:
        out.append("</nav>")
    return out


def _section(section: Section, path: Path, level: int, plan: Outline) -> list[str]:
    heading = min(level, 6)
    anchor = escape(plan.anchors[path], quote=True)
    out = [
        f'<section id="{anchor}">',
        f'<h{heading} dir="auto">{_e(one_line(section.title))}</h{heading}>',
    ]
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
            out.extend(_figure(block))
    out.append("</section>")
    return out


def _paragraph(paragraph: Paragraph) -> list[str]:
    if paragraph.style == "quote":
        inner = _paragraphs(paragraph.text, "")
        return ["<blockquote>", *inner, "</blockquote>"] if inner else []
    if paragraph.style == "warning":
        return _paragraphs(paragraph.text, "warning", ' role="note"')
    return _paragraphs(paragraph.text, "muted" if paragraph.style == "muted" else "")


def _paragraphs(text: str, css: str, extra: str = "") -> list[str]:
    attrs = (f' class="{css}"' if css else "") + extra + ' dir="auto"'
    return [f"<p{attrs}>{_multiline(part)}</p>" for part in chunks(text)]


def _multiline(text: str) -> str:
    return "<br>\n".join(escape(line, quote=True) for line in clean(text).split("\n"))


def _bullets(bullets: Bullets) -> list[str]:
    items = [f'<li dir="auto">{_multiline(clean(item).strip())}</li>' for item in bullets.items]
    return ["<ul>", *items, "</ul>"] if items else []


def _table(table: Table) -> list[str]:
    header, rows = grid(table)
    caption = one_line(table.caption)
    if not header:
        return [f'<p class="muted" dir="auto">{_e(caption)}</p>'] if caption else []
    out = ["<table>"]
    if caption:
        out.append(f'<caption dir="auto">{_e(caption)}</caption>')
    if widths := fractions(table, len(header)):
        cols = "".join(f'<col style="width: {w * 100:.2f}%">' for w in widths)
        out.append(f"<colgroup>{cols}</colgroup>")
    cells = "".join(f'<th scope="col" dir="auto">{_multiline(c.strip())}</th>' for c in header)
    out.append(f"<thead><tr>{cells}</tr></thead>")
    out.append("<tbody>")
    for row in rows:
        cells = "".join(f'<td dir="auto">{_multiline(c.strip())}</td>' for c in row)
        out.append(f"<tr>{cells}</tr>")
    out.extend(["</tbody>", "</table>"])
    return out


def _figure(figure: Figure) -> list[str]:
    alt = _e(one_line(figure.alt))
    svg = _PROLOG.sub("", clean(figure.svg), count=1).strip()
    if svg.lower().startswith("<svg") and not _ACTIVE.search(svg):
        # role="img" on the wrapper gives the whole drawing the alt text as its one accessible
        # name, whatever labelling the SVG carries inside.
        drawing = f'<div class="drawing" role="img" aria-label="{alt}">{svg}</div>'
    else:
        # Defence in depth: anything script-like is shown as its PNG twin, which cannot run.
        data = base64.b64encode(figure.png).decode("ascii")
        drawing = f'<div class="drawing"><img src="data:image/png;base64,{data}" alt="{alt}"></div>'
    out = ["<figure>", drawing]
    if caption := chunks(figure.caption):
        text = "<br>\n".join(_multiline(part) for part in caption)
        out.append(f'<figcaption dir="auto">{text}</figcaption>')
    out.append("</figure>")
    return out
