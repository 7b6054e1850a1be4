"""Where every box of the document flow diagram goes, shared by the SVG and the PNG.

The layout is made of the programme-theory diagram's shapes (retroduce.theory.diagram.layout),
so that package's renderers draw it as they are: same text metrics, palette, fonts and arrows.

The picture follows PRISMA 2020 as realist reviews adapt it: the main searches (grouped by
purpose) and the supplementary searches (citation chasing, hand search, experts, grey literature)
side by side at the top, then one column of stages from identification to inclusion, each with
what left the flow at that stage in a box on its right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retroduce.theory.diagram import style
from retroduce.theory.diagram.layout import ARROW_HEAD, Arrow, Box, Group, Layout, Rect, Shape, Text
from retroduce.theory.diagram.style import Stroke
from retroduce.theory.diagram.text import clean, text_width, truncate, wrap

from .model import PURPOSES, FlowCounts, Reason, SourceCount

WIDTH = 880
MARGIN = 24
COLUMN = 380  # the stage column and the side column are this wide
SIDE_X = WIDTH - MARGIN - COLUMN
ROW_GAP = 40  # between stages: room for the arrow
PAD = 10
SOURCE_PAD = 6
SOURCE_GAP = 8
SOURCE_COLUMNS = 2
RADIUS = 6
TITLE_SIZE, HEADER_SIZE, BODY_SIZE = 20, 14, 12
MAX_REASONS = 12  # per box; the rest are summed up in one line

STAGE_STROKE = style.COMPONENT_SOLID
THIN_STROKE = Stroke(style.COMPONENT_STROKE, 1)
FRAME_STROKE = Stroke(style.COMPONENT_STROKE, 1, (6, 4))
ARROW_STROKE = Stroke(style.INK, 2)
WARNING_STROKE = Stroke(style.WARNING, 2)


@dataclass(frozen=True)
class Line:
    text: str
    size: int = BODY_SIZE
    colour: str = style.TEXT
    bold: bool = False


@dataclass(frozen=True)
class Stage:
    key: str
    lines: tuple[Line, ...]
    side_key: str = ""
    side: tuple[Line, ...] = ()


def n(count: int) -> str:
    return f"(n={count:,})"


def purpose_name(purpose: str) -> str:
    key = clean(purpose).lower()
    return key.capitalize() if key in PURPOSES else clean(purpose) or "Unspecified purpose"


def counted(
    label: str, count: int, width: float, size: int = BODY_SIZE, bold: bool = False
) -> list[str]:
    """The label wrapped to two lines with "(n=...)" at its end: the label gives way, never n."""
    suffix = n(count)
    label = clean(label) or "(unnamed)"
    lines = wrap(f"{label} {suffix}", width, size, bold, max_lines=2)
    if lines and lines[-1].endswith(suffix):
        return lines
    room = width - text_width(f" {suffix}", size, bold)
    lines = wrap(label, width, size, bold, max_lines=2) or [""]
    lines[-1] = f"{truncate(lines[-1], room, size, bold)} {suffix}".strip()
    return lines


def _counted(label: str, count: int, width: float, header: bool = False) -> list[Line]:
    size, colour = (HEADER_SIZE, style.INK) if header else (BODY_SIZE, style.TEXT)
    return [Line(text, size, colour, header) for text in counted(label, count, width, size, header)]


def _line_height(size: int) -> int:
    return round(size * 1.35)


def _height(lines: Sequence[Line], pad: int = PAD) -> int:
    return 2 * pad + sum(_line_height(line.size) for line in lines)


def _texts(x: int, top: int, lines: Sequence[Line], anchor: str = "start") -> list[Shape]:
    shapes: list[Shape] = []
    for line in lines:
        height = _line_height(line.size)
        baseline = top + round((height + line.size * 0.7) / 2)
        shapes.append(Text(x, baseline, line.text, line.size, line.colour, line.bold, anchor))
        top += height
    return shapes


def _block(
    rect: Rect, lines: Sequence[Line], fill: str, stroke: Stroke, centred: bool, pad: int = PAD
) -> tuple[Shape, ...]:
    if centred:
        texts = _texts(rect.x + rect.w // 2, rect.y + pad, lines, "middle")
    else:
        texts = _texts(rect.x + pad, rect.y + pad, lines)
    return (Box(rect, RADIUS, fill, stroke), *texts)


def _down(top: Rect, bottom: Rect) -> Arrow:
    x = top.x + top.w // 2
    return Arrow(((x, top.bottom), (x, bottom.y - ARROW_HEAD)), (x, bottom.y), ARROW_STROKE)


def _across(left: Rect, right: Rect) -> Arrow:
    y = min(left.cy, right.cy)  # both start at the row's top: the shorter one's middle is in both
    return Arrow(((left.right, y), (right.x - ARROW_HEAD, y)), (right.x, y), ARROW_STROKE)


def flow_layout(counts: FlowCounts, title: str = "Document flow") -> Layout:
    title = clean(title) or "Document flow"
    lines = wrap(title, WIDTH - 2 * MARGIN, TITLE_SIZE, bold=True, max_lines=2)
    title_lines = [Line(line, TITLE_SIZE, style.INK, True) for line in lines]
    groups = [Group("title", "title", tuple(_texts(MARGIN, MARGIN, title_lines)))]
    y = MARGIN + _height(title_lines, 0) + 12

    main_frame, extra_frame, source_groups = _sources(counts.sources, y)
    groups += source_groups
    y = main_frame.bottom + ROW_GAP
    arrows: list[Group] = []  # drawn last, so a head is never hidden under a box's fill
    previous: Rect | None = None
    for stage in _stages(counts):
        side_height = _height(stage.side) if stage.side else 0
        rect = Rect(MARGIN, y, COLUMN, max(_height(stage.lines), side_height))
        shapes = _block(rect, stage.lines, style.COMPONENT_FILL, STAGE_STROKE, centred=True)
        groups.append(Group("stage", stage.key, shapes, None, _tooltip(stage.lines)))
        if previous is None:
            arrows += _joins(main_frame, extra_frame, rect)
        else:
            arrows.append(Group("arrow", f"->{stage.key}", (_down(previous, rect),)))
        if stage.side:
            side = Rect(SIDE_X, y, COLUMN, side_height)
            shapes = _block(side, stage.side, style.BACKGROUND, THIN_STROKE, centred=False)
            groups.append(Group("side", stage.side_key, shapes, None, _tooltip(stage.side)))
            arrows.append(Group("arrow", f"->{stage.side_key}", (_across(rect, side),)))
        previous = rect
        y = rect.bottom + ROW_GAP
    y -= ROW_GAP - 20
    problems = counts.problems()
    if problems:
        inner = WIDTH - 2 * MARGIN - 2 * PAD
        warning = [Line("Check the counts: they do not add up", BODY_SIZE, style.WARNING, True)]
        for problem in problems:
            warning += [
                Line(text, colour=style.WARNING) for text in wrap(problem, inner, BODY_SIZE)
            ]
        rect = Rect(MARGIN, y, WIDTH - 2 * MARGIN, _height(warning))
        shapes = _block(rect, warning, style.BACKGROUND, WARNING_STROKE, centred=False)
        groups.append(Group("problems", "problems", shapes))
        y = rect.bottom + 4
    return Layout(WIDTH, y + MARGIN, title, describe(title, counts), (*groups, *arrows))


def _tooltip(lines: Sequence[Line]) -> str:
    return " ".join(line.text for line in lines)


def _joins(main: Rect, extra: Rect, first: Rect) -> list[Group]:
    """The arrows from both frames of sources into the first stage, joining it from above."""
    x, mid, join = extra.x + extra.w // 2, main.bottom + ROW_GAP // 2, first.right - 60
    points = ((x, extra.bottom), (x, mid), (join, mid), (join, first.y - ARROW_HEAD))
    return [
        Group("arrow", "main->identified", (_down(main, first),)),
        Group(
            "arrow", "supplementary->identified", (Arrow(points, (join, first.y), ARROW_STROKE),)
        ),
    ]


def _sources(sources: Sequence[SourceCount], top: int) -> tuple[Rect, Rect, list[Group]]:
    """Two frames of source boxes, main searches left and supplementary right, of equal height."""
    main = [source for source in sources if not source.supplementary]
    extra = [source for source in sources if source.supplementary]
    main_texts, main_boxes, main_bottom = _source_column(MARGIN, top, "Main searches", main)
    extra_texts, extra_boxes, extra_bottom = _source_column(
        SIDE_X, top, "Supplementary searches", extra
    )
    height = max(main_bottom, extra_bottom) + PAD - top
    main_frame, extra_frame = Rect(MARGIN, top, COLUMN, height), Rect(SIDE_X, top, COLUMN, height)
    frames = [
        Group(
            "sources",
            "main",
            (Box(main_frame, RADIUS, style.COMPONENT_FILL, FRAME_STROKE), *main_texts),
        ),
        Group(
            "sources",
            "supplementary",
            (
                Box(extra_frame, RADIUS, style.COMPONENT_FILL_UNSUPPORTED, FRAME_STROKE),
                *extra_texts,
            ),
        ),
    ]
    return main_frame, extra_frame, [*frames, *main_boxes, *extra_boxes]


def _source_column(
    x: int, top: int, header: str, sources: list[SourceCount]
) -> tuple[list[Shape], list[Group], int]:
    """The headers and source boxes of one frame, and the y below the last of them."""
    inner = COLUMN - 2 * PAD
    total = sum(source.records for source in sources)
    lines = _counted(header, total, inner, header=True)
    texts, boxes = _texts(x + PAD, top + PAD, lines), []
    y = top + PAD + _height(lines, 0)
    if not sources:
        empty = Line(f"No {header.lower()} recorded", colour=style.MUTED)
        return [*texts, *_texts(x + PAD, y, [empty])], boxes, y + _line_height(BODY_SIZE)
    order = {purpose: index for index, purpose in enumerate(PURPOSES)}
    purposes = sorted(
        {purpose_name(s.purpose) for s in sources}, key=lambda p: (order.get(p.lower(), 9), p)
    )
    for purpose in purposes:
        group = [source for source in sources if purpose_name(source.purpose) == purpose]
        if not group[0].supplementary:  # the supplementary frame needs no sub-heading
            records = sum(source.records for source in group)
            sub = [Line(f"{purpose} {n(records)}", BODY_SIZE, style.MUTED, True)]
            texts += _texts(x + PAD, y + 4, sub)
            y += 4 + _height(sub, 0)
        y = _source_grid(x + PAD, y + 4, inner, group, boxes) + 4
    return texts, boxes, y


def _source_grid(x: int, top: int, width: int, sources: list[SourceCount], out: list[Group]) -> int:
    """Source boxes in rows of SOURCE_COLUMNS, appended to out; returns the y below them."""
    box_width = (width - (SOURCE_COLUMNS - 1) * SOURCE_GAP) // SOURCE_COLUMNS
    inner = box_width - 2 * SOURCE_PAD
    y = top
    for start in range(0, len(sources), SOURCE_COLUMNS):
        row = sources[start : start + SOURCE_COLUMNS]
        contents = [
            [
                Line(text, colour=style.INK)
                for text in wrap(clean(s.label) or "(unnamed)", inner, BODY_SIZE, max_lines=3)
            ]
            + [Line(n(s.records))]
            for s in row
        ]
        height = max(_height(lines, SOURCE_PAD) for lines in contents)
        for offset, (source, lines) in enumerate(zip(row, contents, strict=True)):
            rect = Rect(x + offset * (box_width + SOURCE_GAP), y, box_width, height)
            shapes = _block(rect, lines, style.BACKGROUND, THIN_STROKE, False, SOURCE_PAD)
            tooltip = f"{clean(source.label)}: {source.records:,} records ({purpose_name(source.purpose)})"
            out.append(Group("source", f"source-{start + offset}", shapes, None, tooltip))
        y += height + SOURCE_GAP
    return y - SOURCE_GAP


def _reasons(reasons: Sequence[Reason], width: float) -> list[Line]:
    lines: list[Line] = []
    for reason in reasons[:MAX_REASONS]:
        lines += _counted(reason.label, reason.count, width)
    rest = reasons[MAX_REASONS:]
    if rest:
        lines += _counted(f"{len(rest)} more reasons", sum(r.count for r in rest), width)
    return lines


def _pending(count: int) -> tuple[Line, ...]:
    return (Line(f"({count:,} still being screened)", colour=style.MUTED),) if count > 0 else ()


def _stages(counts: FlowCounts) -> list[Stage]:
    inner = COLUMN - 2 * PAD

    def head(label: str, count: int) -> tuple[Line, ...]:
        return tuple(_counted(label, count, inner, header=True))

    identified = (
        *head("Records identified", counts.identified),
        Line(
            f"main searches {counts.main_records:,}; supplementary {counts.supplementary_records:,}"
        ),
    )
    excluded_ta = (
        *head("Excluded", counts.excluded_ta),
        *_reasons(counts.excluded_ta_reasons, inner),
    )
    excluded_ft = head("Excluded, with reasons", counts.excluded_ft) + tuple(
        _reasons(counts.excluded_ft_reasons, inner)
        or ([Line("No reasons recorded", colour=style.MUTED)] if counts.excluded_ft else [])
    )
    breakdown = [
        line
        for purpose, count in counts.included_by_purpose
        for line in _counted(purpose_name(purpose), count, inner)
    ]
    return [
        Stage(
            "identified",
            identified,
            "duplicates",
            head("Duplicates removed", counts.duplicates_removed),
        ),
        Stage(
            "screened",
            (
                *head("Records screened on title and abstract", counts.screened_ta),
                *_pending(counts.pending_ta),
            ),
            "excluded-ta",
            excluded_ta,
        ),
        Stage(
            "sought",
            head("Full texts sought", counts.sought_ft),
            "not-retrieved",
            head("Not retrieved", counts.not_retrieved),
        ),
        Stage(
            "assessed",
            (*head("Full texts assessed", counts.assessed_ft), *_pending(counts.pending_ft)),
            "excluded-ft",
            excluded_ft,
        ),
        Stage("included", (*head("Documents included", counts.included), *breakdown)),
    ]


def _reason_list(reasons: Sequence[Reason]) -> str:
    return "; ".join(f"{clean(r.label) or '(unnamed)'} {r.count:,}" for r in reasons)


def describe(title: str, counts: FlowCounts) -> str:
    """All the counts in one sentence, for the SVG's <desc> and screen readers."""
    sources = "; ".join(f"{_source_name(s)} {s.records:,}" for s in counts.sources)
    parts = [
        f"{counts.identified:,} records identified from {len(counts.sources)} sources"
        + (f" ({sources})" if sources else ""),
        f"{counts.duplicates_removed:,} duplicates removed",
        f"{counts.screened_ta:,} records screened on title and abstract",
        f"{counts.excluded_ta:,} excluded"
        + (f" ({_reason_list(counts.excluded_ta_reasons)})" if counts.excluded_ta_reasons else ""),
        f"{counts.sought_ft:,} full texts sought",
        f"{counts.not_retrieved:,} not retrieved",
        f"{counts.assessed_ft:,} full texts assessed",
        f"{counts.excluded_ft:,} excluded"
        + (f" ({_reason_list(counts.excluded_ft_reasons)})" if counts.excluded_ft_reasons else ""),
        f"{counts.included:,} documents included"
        + (
            " ("
            + "; ".join(f"{purpose_name(p).lower()} {c:,}" for p, c in counts.included_by_purpose)
            + ")"
            if counts.included_by_purpose
            else ""
        ),
    ]
    if counts.pending_ta or counts.pending_ft:
        parts.append(
            f"still being screened: {counts.pending_ta:,} on title and abstract, "
            f"{counts.pending_ft:,} in full text"
        )
    return f"{title}. " + ", ".join(parts) + "."


def _source_name(source: SourceCount) -> str:
    label, purpose = clean(source.label) or "(unnamed)", purpose_name(source.purpose).lower()
    return label if purpose in label.lower() else f"{label} ({purpose})"
