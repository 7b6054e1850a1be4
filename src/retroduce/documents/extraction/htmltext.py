"""HTML full texts (a journal's article page saved from the browser) through the stdlib parser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .results import Extracted, ExtractionError, ExtractionLimits
from .text import ProgressCallback, check_chars, clean, decode_declared, decode_text, text_result

# SVG is skipped too: its text is chart labels and tooltips, not the article's prose.
_SKIP = frozenset({"script", "style", "noscript", "template", "svg"})
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "dd", "details", "dialog",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
        "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
        "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul", "body",
    }
)  # fmt: skip
_CELLS = frozenset({"td", "th"})
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
# The HTML standard's prescan looks for <meta charset> in the first 1024 bytes.
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
# The HTML standard decodes these labels as windows-1252, and a UTF-16 label in an
# ASCII-compatible file as UTF-8 (the bytes could not be UTF-16 and still say so in ASCII).
_LABEL_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class _TextParser(HTMLParser):
    """Collects visible text: blocks become lines, table cells are separated by tabs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.title: str | None = None
        self.skipping = 0
        self.in_head = False
        self.in_title = False
        self.pre = 0
        self.cells = 0  # depth of open table cells: blocks inside a cell stay on the row's line
        self.row_cells = 0
        self.breaks = 0
        self.tabs = 0
        self.space = False
        self.has_text = False

    def _break(self, line_break: bool = False) -> None:
        """Blocks end a line once however deeply they nest; each <br> adds one (two at most),
        so <br><br> keeps the blank line its author meant."""
        if self.cells:
            self.space = True
        elif line_break:
            self.breaks = min(self.breaks + 1, 2)
        else:
            self.breaks = max(self.breaks, 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "head":
            self.in_head = True
        elif tag == "title" and self.title is None and not self.skipping:
            self.in_title = True
        elif tag in _BLOCKS or tag in _CELLS:
            # Pages that never close <head> or <title> still show their body.
            self.in_head = False
            self.end_title()
        if tag == "br":
            self._break(line_break=True)
        elif tag == "tr":
            self._break()
            self.row_cells = 0
        elif tag in _CELLS:
            if self.row_cells:
                self.tabs += 1
            self.row_cells += 1
            self.cells += 1
        elif tag in _BLOCKS:
            self._break()
        if tag == "pre":
            self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(self.skipping - 1, 0)
        elif tag == "head":
            self.in_head = False
        elif tag == "title":
            self.end_title()
        if tag in _CELLS:
            self.cells = max(self.cells - 1, 0)
            self.space = True
        elif tag in _BLOCKS or tag == "tr":
            self._break()
        if tag == "pre":
            self.pre = max(self.pre - 1, 0)

    def end_title(self) -> None:
        if self.in_title:
            self.in_title = False
            self.title = " ".join(clean("".join(self.title_parts)).split()) or None

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
            return
        if self.skipping or self.in_head:
            return
        if self.pre:
            self._emit(data.replace("\r\n", "\n"), False)
            return
        collapsed = _WHITESPACE.sub(" ", data)
        if not collapsed:
            return
        if collapsed[0] == " ":
            self.space = True
            collapsed = collapsed[1:]
        trailing = collapsed.endswith(" ")
        if trailing:
            collapsed = collapsed[:-1]
        if collapsed:
            self._emit(collapsed, trailing)

    def _emit(self, text: str, trailing_space: bool) -> None:
        if self.has_text:
            if self.breaks:
                self.parts.append("\n" * self.breaks)
            if self.tabs:
                self.parts.append("\t" * self.tabs)
            elif self.space and not self.breaks:
                self.parts.append(" ")
        self.parts.append(text)
        self.has_text = True
        self.breaks = self.tabs = 0
        self.space = trailing_space


def _decode(filename: str, data: bytes) -> tuple[str, str, list[str]]:
    """BOM, then <meta charset>, then UTF-8, then cp1252; a wrong declaration falls through."""
    if data.startswith(_BOMS):
        return decode_text(filename, data)
    match = _META_CHARSET.search(data[:1024])
    if match:
        label = match.group(1).decode("ascii").lower()
        label = _LABEL_ALIASES.get(label, label)
        if label not in ("utf-8", "utf8"):
            declared = decode_declared(filename, data, label)
            if declared:
                return declared[0], declared[1], []
            text, encoding, warnings = decode_text(filename, data)
            warnings.insert(
                0, f"the page declares the encoding '{label}', but its bytes are not in it"
            )
            return text, encoding, warnings
    return decode_text(filename, data)


def _parse(text: str) -> _TextParser:
    parser = _TextParser()
    parser.feed(text)
    parser.close()
    parser.end_title()
    return parser


def extract_html(
    filename: str, data: bytes, limits: ExtractionLimits, progress: ProgressCallback | None
) -> Extracted:
    source, encoding, warnings = _decode(filename, data)
    try:
        parser = _parse(source)
    except AssertionError:
        # The stdlib parser gives up on marked sections it does not know (<![foo ...]>);
        # shown as text they cost nothing, and the rest of the page is read.
        try:
            parser = _parse(source.replace("<![", "&lt;!["))
        except AssertionError:
            raise ExtractionError(filename, "the HTML is too malformed to read") from None
    body = clean("".join(parser.parts)).strip()
    check_chars(filename, len(body), limits)
    return text_result(
        "html",
        [body],
        progress,
        empty="the page has no visible text",
        encoding=encoding,
        warnings=warnings,
        title=parser.title,
    )
