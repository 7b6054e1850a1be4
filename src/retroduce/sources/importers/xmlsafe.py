"""Streaming, defused XML reading: every XML input goes through defusedxml's parser.

defusedxml refuses entity declarations (billion laughs, quadratic blow-up) and external
entities; the document is fed in chunks and only the record elements are kept, so a large
PubMed or EndNote export does not build one huge tree. Each record keeps its exact source text
and starting line, taken from expat's byte index and line number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from retroduce.sources.records import RecordData

from .context import Context

_CHUNK = 1024 * 1024
_POSITION = re.compile(r":\s*line \d+, column \d+\s*$")


@dataclass
class XmlRecord:
    element: Element
    line: int
    raw: str


class _RecordTarget:
    """Parser target that builds elements only inside record elements and hands them over."""

    def __init__(
        self, record_tags: frozenset[str], roots: frozenset[str], what: str, ctx: Context
    ) -> None:
        self.record_tags = record_tags
        self.roots = roots
        self.what = what
        self.ctx = ctx
        self.max_depth = ctx.limits.max_depth
        self.expat = None  # set once the parser exists
        self.depth = 0
        self.root: str | None = None
        self.stack: list[Element] = []
        self.done: list[tuple[Element, int, int, int]] = []
        self.data_parts: list[str] = []
        self.last: Element | None = None
        self.tail = False
        self.rec_line = 0
        self.rec_start = 0

    def _flush(self) -> None:
        if self.data_parts:
            if self.last is not None:
                text = "".join(self.data_parts)
                if self.tail:
                    self.last.tail = text
                else:
                    self.last.text = text
            self.data_parts = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            raise self.ctx.fail(
                self.expat.CurrentLineNumber,  # type: ignore[attr-defined]
                f"the XML is nested more than {self.max_depth} levels deep, far more than any "
                "reference export; the file is damaged or hostile",
            )
        if self.root is None:
            self.root = tag
            if tag not in self.roots:
                raise self.ctx.fail(
                    self.expat.CurrentLineNumber,  # type: ignore[attr-defined]
                    f"the XML's outer element is <{tag}>, not what {self.what} files have",
                )
        if self.stack:
            self._flush()
            element = Element(tag, attrib)
            self.stack[-1].append(element)
        elif tag in self.record_tags:
            element = Element(tag, attrib)
            self.rec_line = self.expat.CurrentLineNumber  # type: ignore[attr-defined]
            self.rec_start = self.expat.CurrentByteIndex  # type: ignore[attr-defined]
            self.data_parts = []
        else:
            return
        self.stack.append(element)
        self.last = element
        self.tail = False

    def end(self, tag: str) -> None:
        self.depth -= 1
        if not self.stack:
            return
        self._flush()
        element = self.stack.pop()
        self.last = element
        self.tail = True
        if not self.stack:
            end = self.expat.CurrentByteIndex  # type: ignore[attr-defined]
            self.done.append((element, self.rec_line, self.rec_start, end))

    def data(self, text: str) -> None:
        if self.stack:
            self.data_parts.append(text)

    def close(self) -> None:
        return None


def xml_bytes(text: str, data: bytes, encoding: str) -> bytes:
    """UTF-8 bytes of the document, reusing the upload when it already is UTF-8."""
    if encoding == "utf-8":
        return data
    if encoding == "utf-8-sig":
        return data[3:]
    return text.encode("utf-8")


def iter_records(
    ctx: Context,
    text: str,
    data: bytes,
    encoding: str,
    record_tags: frozenset[str],
    roots: frozenset[str],
    what: str,
) -> Iterator[XmlRecord]:
    """Yield each record element (with its line and source text) as the document is parsed."""
    buf = xml_bytes(text, data, encoding)
    target = _RecordTarget(record_tags, roots, what, ctx)
    # encoding="utf-8" overrides the declared encoding: `buf` is always UTF-8 by now.
    parser = DefusedXMLParser(target=target, encoding="utf-8", forbid_dtd=False)
    target.expat = parser.parser
    progress = ctx.progress(len(buf), f"Reading {what} records")
    total = len(buf)
    for offset in range(0, max(total, 1), _CHUNK):
        _feed(ctx, parser, buf[offset : offset + _CHUNK])
        yield from _drain(target, buf)
        progress.tick(offset + _CHUNK)
    try:
        parser.close()
    except ParseError as exc:
        raise _parse_failure(ctx, exc) from None
    yield from _drain(target, buf)


def parse_records(
    ctx: Context,
    text: str,
    data: bytes,
    encoding: str,
    record_tags: frozenset[str],
    roots: frozenset[str],
    what: str,
    build: Callable[[Element], RecordData],
) -> list[RecordData]:
    """Every record of an XML export, built by `build`, checked and counted against the limits."""
    records: list[RecordData] = []
    for item in iter_records(ctx, text, data, encoding, record_tags, roots, what):
        rec = build(item.element)
        rec.raw, rec.line = item.raw, item.line
        ctx.check_record(rec)
        records.append(rec)
        ctx.check_count(len(records), item.line)
    return records


def _drain(target: _RecordTarget, buf: bytes) -> Iterator[XmlRecord]:
    done, target.done = target.done, []
    for element, line, start, end in done:
        close = buf.find(b">", end)
        raw = buf[start : close + 1 if close >= 0 else len(buf)].decode("utf-8", "replace")
        yield XmlRecord(element, line, raw)


def _feed(ctx: Context, parser: DefusedXMLParser, chunk: bytes) -> None:
    try:
        parser.feed(chunk)
    except ParseError as exc:
        raise _parse_failure(ctx, exc) from None
    except DefusedXmlException:
        raise ctx.fail(
            parser.parser.CurrentLineNumber,
            "the file declares XML entities or refers to external files, which can hide an "
            "'XML bomb'; Retroduce refuses such files for safety. Export the references again "
            "from the database or reference manager",
        ) from None


def _parse_failure(ctx: Context, exc: ParseError) -> Exception:
    line = exc.position[0] if getattr(exc, "position", None) else None
    message = _POSITION.sub("", str(exc))
    if message.startswith("no element found") or message.startswith("unclosed token"):
        reason = "the XML ends before its elements are closed; the file may be truncated"
    else:
        reason = f"the XML is not well-formed ({message}); the file may be damaged"
    return ctx.fail(line, reason)


def text_of(element: Element | None) -> str:
    """All text inside an element, ignoring formatting wrappers such as EndNote's <style>."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def texts(element: Element | None, path: str) -> list[str]:
    if element is None:
        return []
    return [t for t in (text_of(e) for e in element.iterfind(path)) if t]


def first_text(element: Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return text_of(found)
