"""Reading REFI-QDA 1.5 files (.qdpx archives and bare project.qde) into the model.

Nothing from the file is trusted: XML goes through defusedxml with DTDs forbidden (no entity
expansion, no external entities), archives through SafeZip (no zip bombs, no member or path
attribute that leaves the archive). What the model cannot hold is listed in the ImportReport.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .model import ImportReport, Project
from .parse import Parser
from .safezip import Limits, RefiError, SafeZip

__all__ = ["Limits", "RefiError", "read_qde", "read_qdpx"]

DEFAULT_LIMITS = Limits()  # frozen, so one shared default is safe


def _parse_xml(xml: bytes, name: str) -> Element:
    try:
        return fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise RefiError(
            f"{name}: declares a DTD or entities ({type(exc).__name__}), which can hide an XML "
            "bomb; refused"
        ) from None
    except (ParseError, LookupError) as exc:  # LookupError: an unknown encoding= declared
        raise RefiError(f"{name}: not well-formed XML ({exc})") from None


def read_qde(xml: bytes, name: str = "project.qde") -> tuple[Project, ImportReport]:
    """A project.qde on its own: files it refers to in sources/ are reported as missing."""
    parser = Parser(name, fetch=None)
    project = parser.project(_parse_xml(xml, name))
    return project, parser.finish()


def read_qdpx(
    data: bytes, name: str = "project.qdpx", limits: Limits = DEFAULT_LIMITS
) -> tuple[Project, ImportReport]:
    """A .qdpx archive (section 8.1): project.qde plus the files of its sources/ folder."""
    archive = SafeZip(data, name, limits)
    try:
        qde = archive.find("project.qde")
        if qde is None:
            raise RefiError(f"{name}: project.qde is missing; this is not a REFI-QDA project")
        root = _parse_xml(archive.read(qde), f"{name}: {qde}")

        def fetch(member: str) -> bytes | None:
            found = archive.find(member)
            return archive.read(found) if found is not None else None

        parser = Parser(name, fetch)
        project = parser.project(root)
        return project, parser.finish()
    finally:
        archive.close()
