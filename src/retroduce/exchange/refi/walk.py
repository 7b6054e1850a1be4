"""The bookkeeping of reading a project.qde: what was kept, what was left out, and files.

Every element is read by a handler that names the children and attributes it understands;
anything else is reported (ImportReport.unsupported) with its element name, GUID and place, so
nothing the model cannot hold disappears silently (REFI-QDA 1.5 section 7, "Data loss").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from xml.etree.ElementTree import Element

from .model import ImportReport
from .safezip import RefiError, unsafe_path_reason
from .text import decode_text

NS_PROJECT = "urn:QDA-XML:project:1.0"
_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
_WHY = {
    "AudioSource": "audio sources are not supported",
    "VideoSource": "video sources (and their transcripts) are not supported",
    "PictureSource": "picture sources are not supported",
    "Graph": "graphs are not supported",
    "Description": "this description is not kept",
    "Coding": "codings of a whole source, note or case are not supported (only of selections)",
    "NoteRef": "notes cannot be attached here",
    "CodeRef": "codes of a case are not supported",
    "SelectionRef": "selections of a case are not supported",
    "MemberNote": "notes in sets are not supported",
    "PlainTextSelection": "selections in notes are not supported",
    "VariableValue": "variable values here are not supported",
    "Representation": "text representations of PDF areas are not supported",
}

Fetch = Callable[[str], bytes | None]  # archive member -> its bytes, None if absent


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class Walker:
    """Reads elements while counting what it leaves out; Parser adds one handler per element."""

    def __init__(self, name: str, fetch: Fetch | None) -> None:
        self.name = name
        self.fetch = fetch
        self.report = ImportReport()
        self.types: dict[str, str] = {}  # variable GUID -> typeOfVariable
        self._dropped: dict[str, list] = {}  # "Tag@attribute" -> [count, first GUID]

    # --- bookkeeping ------------------------------------------------------------------------

    def warn(self, text: str) -> None:
        self.report.warnings.append(text)

    def attrs(self, node: Element, *kept: str) -> dict[str, str]:
        out = {}
        for key, value in node.attrib.items():
            if key.startswith(_XSI):  # schemaLocation: a hint for validators, no content
                continue
            name = local(key)
            out[name] = value
            if name not in kept:
                self.drop(node, name)
        return out

    def drop(self, node: Element, attribute: str) -> None:
        entry = self._dropped.setdefault(f"{local(node.tag)}@{attribute}", [0, None])
        entry[0] += 1
        entry[1] = entry[1] or node.get("guid")

    def kids(self, node: Element, where: str, *kept: str) -> list[tuple[str, Element]]:
        out = []
        for child in node:
            if not isinstance(child.tag, str):
                continue  # comments and processing instructions
            tag = local(child.tag)
            if tag in kept:
                out.append((tag, child))
            elif tag == "Graphs":
                for graph in child:
                    self.skip(graph, where)
            else:
                self.skip(child, where)
        return out

    def skip(self, node: Element, where: str, why: str | None = None) -> None:
        tag = local(node.tag)
        what = " ".join(
            p
            for p in (tag, node.get("guid"), repr(node.get("name")) if node.get("name") else "")
            if p
        )
        nested = sum(1 for n in node.iter() if n is not node and n.get("guid"))
        more = f"; {nested} nested elements with GUIDs not imported" if nested else ""
        why = why or _WHY.get(tag, "not supported by Retroduce")
        self.report.unsupported.append(f"{what} in {where}: {why}{more}")

    def open(self, node: Element, where: str, *kept: str) -> tuple[dict[str, str], str] | None:
        """The attributes and GUID of an element; None (reported) when it has no GUID."""
        a = self.attrs(node, "guid", *kept)
        guid = a.get("guid")
        if not guid:
            self.skip(node, where, "it has no guid, which the standard requires")
            return None
        return a, guid

    def when(self, value: str | None, where: str) -> datetime | None:
        if not value:
            return None
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            self.warn(f"{where}: {value!r} is not a date and time; left out")
            return None

    def finish(self) -> ImportReport:
        for key, (count, guid) in sorted(self._dropped.items()):
            first = f" (first: {guid})" if guid else ""
            self.report.unsupported.append(f"{key} on {count} element(s){first}: not kept")
        return self.report

    # --- files ------------------------------------------------------------------------------

    def member(self, url: str, where: str) -> str | None:
        """The archive member behind a path attribute, or None for an external file (8.3)."""
        if url.startswith("internal://"):
            rest = url.removeprefix("internal://")
        elif "://" in url:  # relative:// and absolute:// point outside the archive
            self.warn(f"{where}: {url} is an external file, not inside the archive; not imported")
            return None
        else:
            # Some producers omit the scheme; a bare name can only mean a file in sources/.
            rest = url.removeprefix("sources/")
        member = "sources/" + rest
        reason = unsafe_path_reason(rest) or ("is not a file" if not rest else None)
        if reason:
            raise RefiError(f"{self.name}: {member} {reason}")
        return member

    def load(self, member: str, where: str) -> bytes | None:
        data = self.fetch(member) if self.fetch else None
        if data is None:
            place = "the archive" if self.fetch else "this file (a .qde read without its archive)"
            self.warn(f"{where}: {member} is not in {place}")
        return data

    def text(self, inline: Element | None, path: str | None, where: str) -> tuple[str, bool]:
        """A TextSourceType's text: plainTextPath file or PlainTextContent (section 9.1.2)."""
        if path:
            member = self.member(path, where)
            data = self.load(member, where) if member else None
            if data is not None:
                if inline is not None:
                    self.warn(f"{where}: both PlainTextContent and plainTextPath; used the file")
                return decode_text(data, f"{where} ({member})", self.report.warnings)
        # Inline text went through XML end-of-line handling: a CRLF not written as "&#13;"
        # reached us as LF. Nothing can recover it here; producers' inline texts are short.
        return (inline.text or "") if inline is not None else "", False

    @staticmethod
    def keep(items) -> tuple:
        return tuple(item for item in items if item is not None)

    def items(self, section: Element | None, *tags: str) -> list[Element]:
        if section is None:
            return []
        return [node for _, node in self.kids(section, local(section.tag), *tags)]

    def color(self, value: str | None, where: str) -> str | None:
        if value is None:
            return None
        hexa = value.strip().removeprefix("#")
        if len(hexa) == 3:
            hexa = "".join(c * 2 for c in hexa)  # the schema's "#rgb" short form
        if len(hexa) != 6 or any(c not in "0123456789abcdefABCDEF" for c in hexa):
            self.warn(f"{where}: colour {value!r} is not #rrggbb; left out")
            return None
        return "#" + hexa
