"""What the three writers must agree on: text cleaning, section anchors, figure numbers, tables.

Anchors and figure numbers are keyed by the position of a block in the report (its path of
indices), not by the block itself: two identical sections are equal frozen values yet need two
anchors.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from ..document import Block, Figure, Report, Section, Table

Path = tuple[int, ...]

# Vertical tab and form feed arrive in text pasted from Word or extracted from PDFs, where they
# mean a line or page break: a line break keeps the words apart where deleting them would not.
_BREAKS = re.compile("\r\n|[\r\x0b\x0c]")
# Characters that XML 1.0 forbids (python-docx raises on them), that HTML calls parse errors
# (C1 controls, noncharacters), or that cannot be encoded at all (lone surrogates).
_INVALID = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
    "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
    "\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff"
    "\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]"
)
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def clean(text: str) -> str:
    """Text safe for XML 1.0 and HTML, with "\\n" as the only line break."""
    return _INVALID.sub("", _BREAKS.sub("\n", text))


def one_line(text: str) -> str:
    """Cleaned text with every whitespace run collapsed, for headings, alt text and captions."""
    return " ".join(clean(text).split())


def chunks(text: str) -> list[str]:
    """Cleaned text split into paragraphs at blank lines; single line breaks stay inside."""
    parts = (part.strip() for part in _BLANK_LINES.split(clean(text)))
    return [part for part in parts if part]


def walk(blocks: tuple[Block, ...], path: Path = ()) -> Iterator[tuple[Path, int, Block]]:
    """Every block in document order with its path and section depth (top sections are 1)."""
    for index, block in enumerate(blocks):
        here = (*path, index)
        yield here, len(here), block
        if isinstance(block, Section):
            yield from walk(block.blocks, here)


@dataclass(frozen=True)
class Outline:
    anchors: dict[Path, str]
    figures: dict[Path, int]  # 1-based, in document order

    @cached_property
    def order(self) -> dict[Path, int]:
        """Each section's 0-based position in document order."""
        return {path: number for number, path in enumerate(self.anchors)}


RESERVED_IDS = frozenset({"contents", "contents-title"})


def outline(report: Report) -> Outline:
    anchors: dict[Path, str] = {}
    figures: dict[Path, int] = {}
    taken = set(RESERVED_IDS)
    # Section numbers count sections only (blocks in between do not shift them): "section-2-1".
    numbers: dict[Path, tuple[int, ...]] = {(): ()}
    counts: dict[Path, int] = {}
    for path, _depth, block in walk(report.sections):
        if isinstance(block, Figure):
            figures[path] = len(figures) + 1
        elif isinstance(block, Section):
            parent = path[:-1]
            counts[parent] = counts.get(parent, 0) + 1
            numbers[path] = (*numbers[parent], counts[parent])
            fallback = "section-" + "-".join(map(str, numbers[path]))
            base = _ANCHOR_UNSAFE.sub("-", clean(block.anchor)).strip("-") or fallback
            anchor, suffix = base, 1
            while anchor in taken:
                suffix += 1
                anchor = f"{base}-{suffix}"
            taken.add(anchor)
            anchors[path] = anchor
    return Outline(anchors, figures)


def grid(table: Table) -> tuple[list[str], list[list[str]]]:
    """Header and rows as a rectangle of cleaned cells, padded to the widest row.

    Padding rather than truncating: a cell beyond the header is still recorded work.
    """
    columns = max([len(table.header), *(len(row) for row in table.rows)])
    header = [clean(cell) for cell in table.header] + [""] * (columns - len(table.header))
    rows = [[clean(cell) for cell in row] + [""] * (columns - len(row)) for row in table.rows]
    return header, rows


def fractions(table: Table, columns: int) -> list[float] | None:
    """Relative widths normalised to sum to 1, or None when they do not fit the table."""
    widths = table.widths
    if not widths or len(widths) != columns:
        return None
    if not all(isinstance(w, int | float) and math.isfinite(w) and w > 0 for w in widths):
        return None
    total = sum(widths)
    return [w / total for w in widths]
