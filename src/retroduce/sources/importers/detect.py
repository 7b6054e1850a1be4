"""Telling formats apart by their content; the file name's extension only breaks ties."""

from __future__ import annotations

import os
import re

from .context import Context
from .encoding import ZIP_MAGIC, decode, refuse_known_binary
from .headers import normalise_header, recognised
from .limits import DEFAULT_LIMITS
from .ris import RIS_TAGS
from .tabular import choose_delimiter, first_line
from .xlsx import is_workbook, open_archive, what_archive

SUPPORTED_FORMATS: tuple[str, ...] = (
    "ris",
    "nbib",
    "pubmed-xml",
    "bibtex",
    "endnote-xml",
    "csv",
    "tsv",
    "xlsx",
    "csl-json",
)

_READS = (
    "Retroduce reads RIS, MEDLINE/PubMed (.nbib), PubMed XML, BibTeX, EndNote XML, CSV, TSV "
    "and XLSX with a header row, and CSL-JSON"
)
_EXTENSIONS = {
    ".ris": "ris",
    ".nbib": "nbib",
    ".medline": "nbib",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".json": "csl-json",
}
HEAD = 65536  # characters looked at to decide the format
_BIB_ENTRY = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(]", re.MULTILINE)
_RIS_LOOSE = re.compile(r"^TY {1,3}-(?: |$)", re.MULTILINE)
_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")


def _unrecognised(ctx: Context, why: str) -> Exception:
    return ctx.fail(None, f"not a reference file we recognise: {why}. {_READS}")


def detect_format(name: str, content: str | bytes) -> str:
    """One of SUPPORTED_FORMATS for this content, or ImportFailure saying why not."""
    ctx = Context(file=name, limits=DEFAULT_LIMITS)
    if isinstance(content, bytes | bytearray | memoryview):
        data = bytes(content)
        if data.startswith(ZIP_MAGIC):
            with open_archive(ctx, data) as archive:
                if is_workbook(archive):
                    return "xlsx"
                raise ctx.fail(None, f"this is {what_archive(archive)}")
        refuse_known_binary(ctx, data)
        text, _ = decode(ctx, data)
    else:
        text = content
    return detect_text(ctx, text)


def _xml_format(ctx: Context, head: str) -> str:
    root = ""
    pos = 0
    # Skip the declaration, comments, processing instructions and the DOCTYPE.
    while True:
        match = _ROOT.search(head, pos)
        if not match:
            break
        before = head[match.start() - 1 : match.start()] if match.start() else ""
        if before not in ("?", "!"):
            root = match.group(1)
            break
        pos = match.end()
    low = root.lower()
    if low in ("pubmedarticleset", "pubmedarticle", "pubmedbookarticle"):
        return "pubmed-xml"
    if low in ("xml", "records", "record") and ("<record" in head):
        return "endnote-xml"
    if low == "html" or head[:200].lower().startswith("<!doctype html"):
        raise _unrecognised(ctx, "this is a web page (HTML)")
    if low == "xml":
        raise _unrecognised(ctx, "this XML file has no <record> elements as EndNote XML does")
    if root:
        raise _unrecognised(ctx, f"an XML file whose outer element is <{root}>")
    raise _unrecognised(ctx, "an XML file without elements")


def detect_text(ctx: Context, text: str, mapping: dict[str, str] | None = None) -> str:
    head = text[:HEAD].lstrip("\ufeff \t\r\n")
    if not head:
        raise ctx.fail(None, "the file is empty")
    extension = _EXTENSIONS.get(os.path.splitext(ctx.file)[1].lower())
    if head.startswith("<"):
        return _xml_format(ctx, head)
    if head[0] in "[{":
        return "csl-json"
    if head.startswith("FN ") and "\nPT " in head:
        raise _unrecognised(
            ctx,
            "this is a Web of Science plain-text export; export as RIS or 'Tab delimited' instead",
        )

    top = first_line(head)
    delimiter = choose_delimiter(top, mapping)
    tabular = "tsv" if delimiter == "\t" else "csv"
    # How strongly the head looks like each line-based format.
    scores = {
        "ris": len(_RIS_LOOSE.findall(head)),
        "nbib": head.count("\nPMID-") + head.startswith("PMID-"),
        "bibtex": sum(
            1 for m in _BIB_ENTRY.finditer(head) if m.group(1).lower() not in ("comment",)
        ),
    }
    known = 0
    if delimiter is not None:
        cells = top.split(delimiter)
        known = recognised(cells)
        wanted = {normalise_header(v) for v in (mapping or {}).values()}
        if known >= 2 or wanted & {normalise_header(c) for c in cells}:
            return tabular
    best = max(scores.values())
    if best > 0:
        tied = [fmt for fmt, score in scores.items() if score == best]
        return extension if extension in tied else tied[0]
    if known:
        return tabular
    if top[:2] in RIS_TAGS and top[2:3] == " ":
        raise _unrecognised(ctx, "the lines look like RIS tags, but no record starts with 'TY  -'")
    if delimiter is not None:
        raise _unrecognised(
            ctx,
            f"its first line {top.strip()[:60]!r} has no column name we know (such as Title, "
            "Authors, Year or DOI); for a spreadsheet with its own names, give a column mapping",
        )
    raise _unrecognised(ctx, f"its first line is {top.strip()[:60]!r}")
