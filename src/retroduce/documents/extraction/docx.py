"""DOCX full texts read from the archive directly, so the zip and XML limits apply first.

python-docx would inflate parts without asking how large they are; here every member's declared
size and compression ratio are checked before anything is read, and each XML part goes through
defusedxml with DTDs forbidden (no entity expansion, no external entities).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring, iterparse

from retroduce.sources.importers.limits import MIB, describe_size

from .results import Extracted, ExtractionError, ExtractionLimits
from .text import ProgressCallback, check_chars, clean, text_result

DOCUMENT = "word/document.xml"
_CORE = "docProps/core.xml"
_MAX_MEMBERS = 10_000
# Small parts are exempt from the ratio check: a few kilobytes of repetitive XML compress 100
# times without being a bomb, and cannot hurt anyway.
_RATIO_FLOOR = MIB
# Transitional and Strict (ISO 29500) OOXML name the same elements in different namespaces.
_W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    ValueError,
    OSError,
    RuntimeError,
)
_FALSE = ("0", "false", "off")


def _local(tag: object) -> str:
    """The WordprocessingML local name, or '' for elements of any other namespace."""
    if not isinstance(tag, str) or not tag.startswith("{"):
        return ""
    namespace, _, name = tag[1:].partition("}")
    return name if namespace in _W_NAMESPACES else ""


def _attr(element: Element, name: str) -> str | None:
    for namespace in _W_NAMESPACES:
        value = element.get(f"{{{namespace}}}{name}")
        if value is not None:
            return value
    return None


class _Collector:
    """Paragraphs grouped into pages; an explicit page break starts the next page."""

    def __init__(self, filename: str, limits: ExtractionLimits) -> None:
        self.filename = filename
        self.limits = limits
        self.pages: list[list[str]] = [[]]
        self.chars = 0
        self.pieces: list[str] = []
        self.deferred: list[Element] = []

    def new_page(self) -> None:
        if self.pieces:
            self.add_paragraph("".join(self.pieces))
            self.pieces = []
        self.pages.append([])
        if len(self.pages) > self.limits.max_pages:
            raise ExtractionError(
                self.filename,
                f"the document has more than {self.limits.max_pages:,} pages, the most one "
                "document may have; split it into parts",
            )

    def add_paragraph(self, text: str) -> None:
        self.chars += len(text) + 1
        check_chars(self.filename, self.chars, self.limits)
        self.pages[-1].append(text)

    def block(self, element: Element) -> None:
        name = _local(element.tag)
        if name == "p":
            self.paragraph(element)
        elif name == "tbl":
            for row in _children(element, "tr"):
                cells = [_cell_text(cell, self) for cell in _children(row, "tc")]
                self.add_paragraph("\t".join(cells))
        elif name in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag"):
            for child in element:
                self.block(child)
        elif element.tag == f"{_MC}AlternateContent":
            for child in _choice(element):
                self.block(child)

    def paragraph(self, element: Element) -> None:
        props = _child(element, "pPr")
        if props is not None and self.pages[-1]:
            before = _child(props, "pageBreakBefore")
            if before is not None and (_attr(before, "val") or "true") not in _FALSE:
                self.new_page()
        self.pieces = []
        for child in element:
            if _local(child.tag) != "pPr":
                self.inline(child)
        self.add_paragraph("".join(self.pieces))
        self.pieces = []
        deferred, self.deferred = self.deferred, []
        for box in deferred:
            for child in box:
                self.block(child)
        # A section break ends its section's last paragraph; unless it is "continuous" (or a
        # column break) the next section starts on a new page.
        section = _child(props, "sectPr") if props is not None else None
        if section is not None:
            kind = _child(section, "type")
            value = _attr(kind, "val") if kind is not None else None
            if value not in ("continuous", "nextColumn"):
                self.new_page()

    def inline(self, element: Element) -> None:
        name = _local(element.tag)
        if name == "t":
            self.pieces.append(element.text or "")
        elif name == "tab":
            self.pieces.append("\t")
        elif name == "br":
            if _attr(element, "type") == "page":
                self.new_page()
            else:
                self.pieces.append("\n")
        elif name == "cr":
            self.pieces.append("\n")
        elif name == "noBreakHyphen":
            self.pieces.append("-")
        elif name == "txbxContent":
            self.deferred.append(element)
        elif name in ("rPr", "pPr", "del", "moveFrom", "delText", "instrText"):
            return
        elif element.tag == f"{_MC}AlternateContent":
            for child in _choice(element):
                self.inline(child)
        else:
            for child in element:
                self.inline(child)


def _children(element: Element, name: str) -> Iterator[Element]:
    for child in element:
        local = _local(child.tag)
        if local == name:
            yield child
        elif local in ("sdt", "sdtContent", "customXml"):
            yield from _children(child, name)


def _child(element: Element, name: str) -> Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _choice(element: Element) -> list[Element]:
    """The first mc:Choice's content: mc:Fallback repeats it (as VML), so reading both doubles
    every text box."""
    for child in element:
        if child.tag == f"{_MC}Choice":
            return list(child)
    return []


def _cell_text(cell: Element, outer: _Collector) -> str:
    inner = _Collector(outer.filename, ExtractionLimits(max_pages=1 << 62))
    for child in cell:
        inner.block(child)
    outer.chars += inner.chars
    words = " ".join(p for page in inner.pages for p in page if p)
    return " ".join(words.replace("\t", " ").split("\n"))


def open_archive(filename: str, data: bytes, limits: ExtractionLimits) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except ZIP_ERRORS:
        raise ExtractionError(
            filename, "not a readable DOCX: the zip archive is damaged or truncated"
        ) from None
    if len(infos) > _MAX_MEMBERS:
        raise ExtractionError(filename, f"the archive holds {len(infos):,} parts; refused")
    total = 0
    for info in infos:
        parts = info.filename.replace("\\", "/").split("/")
        if ".." in parts or parts[0] == "" or ":" in parts[0]:
            raise ExtractionError(
                filename,
                f"the archive holds a part named '{info.filename}', which no Word document has; "
                "refused for safety",
            )
        if info.flag_bits & 0x1:
            raise ExtractionError(
                filename, "the document is encrypted; save a copy without a password"
            )
        if info.file_size > _RATIO_FLOOR and info.file_size > limits.max_docx_ratio * max(
            info.compress_size, 1
        ):
            raise ExtractionError(
                filename,
                f"the part '{info.filename}' is compressed "
                f"{info.file_size // max(info.compress_size, 1):,} times, the signature of a "
                "'zip bomb'; refused for safety",
            )
        total += info.file_size
    if total > limits.max_docx_uncompressed:
        raise ExtractionError(
            filename,
            f"the document would unpack to {describe_size(total)}, over the limit of "
            f"{describe_size(limits.max_docx_uncompressed)}",
        )
    return archive


def _xml_refused(filename: str, part: str) -> ExtractionError:
    return ExtractionError(
        filename,
        f"the part '{part}' declares a DTD or XML entities, which can hide an 'XML bomb'; "
        "refused for safety. Save the document again from Word",
    )


def _body(filename: str, archive: zipfile.ZipFile, collector: _Collector) -> None:
    depth = 0
    body: Element | None = None
    with archive.open(DOCUMENT) as part:
        for event, element in iterparse(part, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                depth += 1
                if depth == 2 and _local(element.tag) == "body":
                    body = element
                continue
            if depth == 3 and body is not None:
                collector.block(element)
                # Each block is dropped once read, so a long document never sits in memory
                # as one tree.
                body.clear()
            depth -= 1
    if body is None:
        raise ExtractionError(filename, f"not a readable DOCX: {DOCUMENT} has no document body")


def _title(filename: str, archive: zipfile.ZipFile) -> str | None:
    if _CORE not in archive.namelist():
        return None
    try:
        root = fromstring(archive.read(_CORE), forbid_dtd=True)
    except DefusedXmlException:
        raise _xml_refused(filename, _CORE) from None
    except (ParseError, LookupError):  # LookupError: an unknown encoding= declared
        return None
    found = root.find(_DC_TITLE)
    title = " ".join(clean(found.text or "").split()) if found is not None else ""
    return title or None


def is_word_document(archive: zipfile.ZipFile) -> bool:
    return DOCUMENT in archive.namelist()


def extract_docx(
    filename: str, data: bytes, limits: ExtractionLimits, progress: ProgressCallback | None
) -> Extracted:
    archive = open_archive(filename, data, limits)
    collector = _Collector(filename, limits)
    try:
        with archive:
            if not is_word_document(archive):
                raise ExtractionError(filename, f"not a Word document: it has no {DOCUMENT}")
            _body(filename, archive, collector)
            title = _title(filename, archive)
    except DefusedXmlException:
        raise _xml_refused(filename, DOCUMENT) from None
    except (ParseError, LookupError):  # LookupError: an unknown encoding= declared
        raise ExtractionError(
            filename, f"not a readable DOCX: {DOCUMENT} is not well-formed XML"
        ) from None
    except RecursionError:
        raise ExtractionError(
            filename, "not a readable DOCX: its XML is nested far deeper than any document"
        ) from None
    except ZIP_ERRORS:
        raise ExtractionError(
            filename, "not a readable DOCX: a part of the archive cannot be unpacked"
        ) from None
    page_texts = [clean("\n".join(page)).strip("\n") for page in collector.pages]
    return text_result("docx", page_texts, progress, empty="the document has no text", title=title)
