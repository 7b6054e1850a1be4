"""A plain model of a REFI-QDA 1.5 project: what Retroduce keeps when it exchanges one.

Every object keeps the GUID it had in the file, as a string, so an export read back (or read by
NVivo, ATLAS.ti or MAXQDA and sent back) still points at the same codes, sources and selections.
The model is deliberately smaller than the standard: what it cannot hold is listed in an
ImportReport on import instead of being dropped silently (REFI-QDA 1.5, section 7 "Data loss").
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

SourceKind = Literal["text", "pdf"]
VariableType = Literal["Text", "Boolean", "Integer", "Float", "Date", "DateTime"]
LinkDirection = Literal["Associative", "OneWay", "Bidirectional"]

VARIABLE_TYPES: tuple[str, ...] = ("Text", "Boolean", "Integer", "Float", "Date", "DateTime")
LINK_DIRECTIONS: tuple[str, ...] = ("Associative", "OneWay", "Bidirectional")


@dataclass(frozen=True)
class User:
    guid: str
    name: str


@dataclass(frozen=True)
class Code:
    guid: str
    name: str
    color: str | None = None  # "#rrggbb"
    description: str = ""
    # False for code folders that only group other codes (section 11).
    is_codable: bool = True
    children: tuple[Code, ...] = ()


@dataclass(frozen=True)
class TextSelection:
    """A span of a source's plain text, in Unicode code points from 0, end exclusive (10.2)."""

    guid: str
    name: str
    start: int
    end: int
    coder_guid: str | None = None
    created: datetime | None = None
    code_guids: tuple[str, ...] = ()
    note_guids: tuple[str, ...] = ()


@dataclass(frozen=True)
class PDFSelection:
    """A rectangle on a PDF page, in PDF points from the bottom-left of the media box (10.3)."""

    guid: str
    name: str
    page: int
    first_x: int
    first_y: int
    second_x: int
    second_y: int
    coder_guid: str | None = None
    created: datetime | None = None
    code_guids: tuple[str, ...] = ()
    note_guids: tuple[str, ...] = ()


Selection = TextSelection | PDFSelection


@dataclass(frozen=True)
class VariableValue:
    variable_guid: str
    value: str  # as written in the file ("true", "42", "2024-05-01"); "" when absent


@dataclass(frozen=True)
class Source:
    """A text or PDF source. For a PDF, plain_text is its text representation (section 10.3)."""

    guid: str
    name: str
    kind: SourceKind
    plain_text: str = ""
    original_path: str | None = None  # inside the archive, e.g. "sources/<guid>.pdf"
    original_bytes: bytes | None = None
    selections: tuple[Selection, ...] = ()
    variables: tuple[VariableValue, ...] = ()
    note_guids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # The XML keeps a PDF's area selections apart from the text selections of its
        # representation (PDFSourceType: PDFSelection* then Representation), so the order
        # between the two kinds cannot survive a file. Fix it here (PDF areas first, each
        # kind in its own order) so that equal projects compare equal after a round trip.
        ordered = tuple(s for s in self.selections if isinstance(s, PDFSelection)) + tuple(
            s for s in self.selections if isinstance(s, TextSelection)
        )
        object.__setattr__(self, "selections", ordered)


@dataclass(frozen=True)
class Note:
    guid: str
    name: str
    text: str
    created: datetime | None = None
    creator_guid: str | None = None


@dataclass(frozen=True)
class Variable:
    guid: str
    name: str
    type_of_variable: VariableType = "Text"


@dataclass(frozen=True)
class Case:
    guid: str
    name: str
    variable_values: tuple[VariableValue, ...] = ()
    source_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Set:
    guid: str
    name: str
    description: str = ""
    member_code_guids: tuple[str, ...] = ()
    member_source_guids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    guid: str
    name: str
    direction: LinkDirection
    origin_guid: str
    target_guid: str
    color: str | None = None


@dataclass(frozen=True)
class Project:
    name: str
    origin: str = "Retroduce"
    creating_user_guid: str | None = None
    users: tuple[User, ...] = ()
    codebook: tuple[Code, ...] = ()
    sources: tuple[Source, ...] = ()
    notes: tuple[Note, ...] = ()
    variables: tuple[Variable, ...] = ()
    cases: tuple[Case, ...] = ()
    sets: tuple[Set, ...] = ()
    links: tuple[Link, ...] = ()


@dataclass
class ImportReport:
    """What an import could not represent: each line names the element, its GUID and where."""

    warnings: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)


def walk_codes(codes: tuple[Code, ...]) -> list[Code]:
    """Every code of a tree, parents before children."""
    out: list[Code] = []
    stack = list(reversed(codes))
    while stack:
        code = stack.pop()
        out.append(code)
        stack.extend(reversed(code.children))
    return out


# Codings and a PDF's text representation need GUIDs of their own in the XML but have none in
# the model. Deriving them (UUID 5) from what they belong to makes exports reproducible and lets
# the reader tell a GUID it can rebuild from one that would be lost.
_DERIVED = uuid.UUID("6f1c8e2a-3b4d-5e6f-8a9b-0c1d2e3f4a5b")


def derived_guid(*parts: str) -> str:
    return str(uuid.uuid5(_DERIVED, "\x1f".join(parts))).upper()


_TZ = r"(Z|[+-]\d{2}:\d{2})?"
# The lexical forms of the XML Schema types behind each typeOfVariable (VariableValueType).
_VALUE_FORMS = {
    "Boolean": re.compile(r"true|false|1|0"),
    "Integer": re.compile(r"[+-]?\d+"),
    "Float": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    "Date": re.compile(r"-?\d{4,}-\d{2}-\d{2}" + _TZ),
    "DateTime": re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?" + _TZ),
}


def valid_value(kind: str, value: str) -> bool:
    """Whether a variable value can be written as its type's element ("" always can)."""
    form = _VALUE_FORMS.get(kind)
    return not value or form is None or form.fullmatch(value) is not None
