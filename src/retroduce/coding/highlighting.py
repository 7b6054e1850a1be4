"""Cutting a page's text into runs at every fragment boundary, so overlapping codes can be shown.

The browser adds up the text of these runs to turn a selection back into code-point offsets,
so the runs must concatenate to exactly the page text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    start: int  # absolute code-point offset of the run in the document text
    text: str
    fragment_ids: tuple[int, ...]
    colour: str | None  # the colour of the innermost (latest-starting) fragment's first code

    @property
    def depth(self) -> int:
        return len(self.fragment_ids)


@dataclass(frozen=True)
class Mark:
    id: int
    start: int
    end: int
    colour: str


def runs(text: str, offset: int, marks: list[Mark]) -> list[Span]:
    """Split `text` (which starts at absolute `offset`) into runs covered by the same marks."""
    end_of_text = offset + len(text)
    cuts = {offset, end_of_text}
    inside = [m for m in marks if m.end > offset and m.start < end_of_text]
    for mark in inside:
        cuts.add(max(mark.start, offset))
        cuts.add(min(mark.end, end_of_text))
    points = sorted(cuts)
    out: list[Span] = []
    for left, right in zip(points, points[1:], strict=False):
        if left == right:
            continue
        covering = sorted(
            (m for m in inside if m.start <= left and m.end >= right), key=lambda m: m.start
        )
        out.append(
            Span(
                start=left,
                text=text[left - offset : right - offset],
                fragment_ids=tuple(m.id for m in covering),
                colour=covering[-1].colour if covering else None,
            )
        )
    return out
