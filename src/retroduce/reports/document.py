"""The drafted RAMESES report as plain frozen values, independent of any output format.

The report builders (Django side) turn recorded work into a Report; the writers in
retroduce.reports.writers turn a Report into Markdown, HTML or Word. Keeping the middle layer free
of Django and of markup means every format shows the same content, and the writers can be tested
without a database.

All text is plain text exactly as recorded (it may hold <, &, control characters, emoji...): the
writers escape and clean it, so builders must not pre-escape anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

ParagraphStyle: TypeAlias = Literal["normal", "muted", "warning", "quote"]
PARAGRAPH_STYLES: tuple[str, ...] = ("normal", "muted", "warning", "quote")


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: ParagraphStyle = "normal"

    def __post_init__(self) -> None:
        # A misspelt style would otherwise fall back to "normal" silently in every writer.
        if self.style not in PARAGRAPH_STYLES:
            raise ValueError(f"unknown paragraph style {self.style!r}")


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    # Relative column widths; ignored by the writers unless there is one positive value per column.
    widths: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Figure:
    svg: str  # a standalone <svg> document from our own renderers (inlined as is in HTML)
    png: bytes  # the same picture for Word, which cannot show SVG everywhere
    caption: str
    alt: str


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]
    anchor: str = ""  # id for links such as "item-12"; the writers derive one when empty


Block: TypeAlias = Paragraph | Bullets | Table | Figure | Section


@dataclass(frozen=True)
class Report:
    title: str
    subtitle: str
    sections: tuple[Section, ...]
    notice: str = ""


__all__ = [
    "PARAGRAPH_STYLES",
    "Block",
    "Bullets",
    "Figure",
    "Paragraph",
    "ParagraphStyle",
    "Report",
    "Section",
    "Table",
]
