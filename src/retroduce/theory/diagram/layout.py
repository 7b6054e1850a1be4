"""Where everything goes, computed once so the SVG and the PNG show the same picture.

The layout resolves the diagram into plain shapes (boxes, text lines, circles, arrows) grouped by
what they stand for; the renderers only translate shapes, they make no layout decisions. All
coordinates are integers in diagram units (1 unit = 1 CSS px), which keeps the SVG output stable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from . import style
from .model import CmocBox, ComponentBox, TheoryDiagram
from .style import Stroke
from .text import clean, clean_multiline, text_width, truncate, wrap

MIN_WIDTH = 320
MARGIN = 24
GUTTER = 28  # between columns and rows; chain arrows run through it
TITLE_SIZE, TITLE_LINE = 20, 26
HEADER_SIZE, HEADER_LINE = 15, 20
BODY_SIZE, BODY_LINE = 12, 16
COMPONENT_PAD = 12
COMPONENT_RADIUS = 10
CMOC_PAD = 7
CMOC_GAP = 8
CMOC_RADIUS = 4
CMOC_HEIGHT = 2 * CMOC_PAD + 4 * BODY_LINE
CMOC_CHARS = 60  # per C/M/O line; the tooltip has the full text
BADGE_RADIUS = 7
ARROW_HEAD = 8
LANE_OFFSETS = (0, 5, -5, 10, -10)  # arrows sharing a gutter are spread out, not drawn on top
PORT_FIRST, PORT_STEP, PORTS = 14, 8, 3  # where arrows meet a CMOC edge, from its top or bottom

PROVENANCE_NAMES = {
    "empirical": "Empirical evidence",
    "stakeholder": "Stakeholder input only",
    "substantive": "Substantive theory only",
    "team_inference": "Team inference only",
}

Point = tuple[int, int]


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    @property
    def cy(self) -> int:
        return self.y + self.h // 2


@dataclass(frozen=True)
class Box:
    rect: Rect
    radius: int
    fill: str
    stroke: Stroke


@dataclass(frozen=True)
class Text:
    x: int
    y: int  # baseline
    text: str
    size: int
    colour: str
    bold: bool = False
    anchor: str = "start"  # "start" or "middle", as in SVG's text-anchor


@dataclass(frozen=True)
class Circle:
    cx: int
    cy: int
    r: int
    fill: str


@dataclass(frozen=True)
class Arrow:
    points: tuple[Point, ...]  # the shaft; the head runs on from the last point to the tip
    tip: Point
    stroke: Stroke


Shape = Box | Text | Circle | Arrow


@dataclass(frozen=True)
class Group:
    kind: str  # "title" | "component" | "cmoc" | "chain" | "legend" | "empty"
    key: str  # the model id ("cmoc-12"), "source->target" for chains, else the kind
    shapes: tuple[Shape, ...]
    href: str | None = None
    tooltip: str = ""


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    title: str
    description: str
    groups: tuple[Group, ...]  # in drawing order

    def rect_of(self, key: str) -> Rect:
        """The outline of a component or CMOC box, e.g. for an HTML image map."""
        for group in self.groups:
            if group.key == key and group.kind in ("component", "cmoc"):
                return _outline(group)
        raise KeyError(key)


def _outline(group: Group) -> Rect:
    return next(shape.rect for shape in group.shapes if isinstance(shape, Box))


def _baseline(top: int, line_height: int, size: int) -> int:
    # Centre the cap height in the line box, as browsers roughly do.
    return top + round((line_height + size * 0.7) / 2)


def _columns(width: int) -> int:
    return 3 if width >= 1000 else 2 if width >= 640 else 1


def layout(diagram: TheoryDiagram, width: int = 1200) -> Layout:
    if width < MIN_WIDTH:
        raise ValueError(f"width must be at least {MIN_WIDTH}")
    title = clean(diagram.title) or "Programme theory"
    title_lines = wrap(title, width - 2 * MARGIN, TITLE_SIZE, bold=True)
    texts = []
    for i, line in enumerate(title_lines):
        baseline = _baseline(MARGIN + i * TITLE_LINE, TITLE_LINE, TITLE_SIZE)
        texts.append(Text(MARGIN, baseline, line, TITLE_SIZE, style.INK, bold=True))
    groups = [Group("title", "title", tuple(texts))]
    y = MARGIN + len(title_lines) * TITLE_LINE + 12
    if not diagram.components:
        message = Text(width // 2, y + 40, "No components yet", 16, style.MUTED, anchor="middle")
        groups.append(Group("empty", "empty", (message,)))
        return Layout(width, y + 64 + MARGIN, title, f"{title}: no components yet.", tuple(groups))

    columns = _columns(width)
    column_width = (width - 2 * MARGIN - (columns - 1) * GUTTER) // columns
    heights = [_component_height(component, column_width) for component in diagram.components]
    cmoc_groups: list[Group] = []
    for row_start in range(0, len(diagram.components), columns):
        row_height = max(heights[row_start : row_start + columns])
        for offset, component in enumerate(diagram.components[row_start : row_start + columns]):
            rect = Rect(MARGIN + offset * (column_width + GUTTER), y, column_width, row_height)
            group, cmocs = _component(component, rect)
            groups.append(group)
            cmoc_groups.extend(cmocs)
        y += row_height + GUTTER
    rects = {group.key: _outline(group) for group in cmoc_groups}
    # Chains go under the CMOC boxes: one crossing a box passes behind it instead of over its text.
    groups.extend(_chains(diagram, rects))
    groups.extend(cmoc_groups)
    legend, y = _legend(width, y - GUTTER + 20)
    groups.append(legend)
    return Layout(width, y + MARGIN, title, _describe(title, diagram), tuple(groups))


def _header_lines(component: ComponentBox, column_width: int) -> list[str]:
    name = clean(component.name) or "(unnamed component)"
    return wrap(name, column_width - 2 * COMPONENT_PAD, HEADER_SIZE, bold=True)


def _component_height(component: ComponentBox, column_width: int) -> int:
    header = len(_header_lines(component, column_width)) * HEADER_LINE + 6
    count = len(component.cmocs)
    body = count * (CMOC_HEIGHT + CMOC_GAP) - CMOC_GAP if count else BODY_LINE
    return 2 * COMPONENT_PAD + header + body


def _component(component: ComponentBox, rect: Rect) -> tuple[Group, list[Group]]:
    provenance = PROVENANCE_NAMES.get(component.provenance, clean(component.provenance))
    fill = style.COMPONENT_FILL_UNSUPPORTED if component.dashed else style.COMPONENT_FILL
    stroke = style.COMPONENT_DASHED if component.dashed else style.COMPONENT_SOLID
    shapes: list[Shape] = [Box(rect, COMPONENT_RADIUS, fill, stroke)]
    top = rect.y + COMPONENT_PAD
    for line in _header_lines(component, rect.w):
        baseline = _baseline(top, HEADER_LINE, HEADER_SIZE)
        shapes.append(Text(rect.x + COMPONENT_PAD, baseline, line, HEADER_SIZE, style.INK, True))
        top += HEADER_LINE
    top += 6
    if not component.cmocs:
        baseline = _baseline(top, BODY_LINE, BODY_SIZE)
        shapes.append(
            Text(rect.x + COMPONENT_PAD, baseline, "No CMOCs yet", BODY_SIZE, style.MUTED)
        )
    cmocs = []
    for cmoc in component.cmocs:
        box = Rect(rect.x + COMPONENT_PAD, top, rect.w - 2 * COMPONENT_PAD, CMOC_HEIGHT)
        cmocs.append(_cmoc(cmoc, box, component))
        top += CMOC_HEIGHT + CMOC_GAP
    count = len(component.cmocs)
    name = clean(component.name) or "(unnamed component)"
    evidence = provenance if not component.dashed else f"{provenance}: no empirical evidence"
    tooltip = f"{name}\n{evidence}\n{_count(count, 'CMOC')}"
    group = Group("component", component.id, tuple(shapes), component.href, tooltip)
    return group, cmocs


def _cmoc(cmoc: CmocBox, rect: Rect, component: ComponentBox) -> Group:
    inner = rect.w - 2 * CMOC_PAD
    x = rect.x + CMOC_PAD
    label_room = inner - (2 * BADGE_RADIUS + 6 if cmoc.refuted else 0)
    label = truncate(clean(cmoc.label) or "CMOC", label_room, BODY_SIZE, bold=True)
    lines = [
        f"{prefix}: {truncate(clean(text) or '–', inner, BODY_SIZE, max_chars=CMOC_CHARS)}"
        for prefix, text in (("C", cmoc.context), ("M", cmoc.mechanism), ("O", cmoc.outcome))
    ]
    # The prefix widens the line, so fit the whole line once more.
    lines = [truncate(line, inner, BODY_SIZE) for line in lines]
    shapes: list[Shape] = [
        Box(rect, CMOC_RADIUS, style.CMOC_FILL, style.CMOC_STROKES[cmoc.strength])
    ]
    for i, line in enumerate([label, *lines]):
        baseline = _baseline(rect.y + CMOC_PAD + i * BODY_LINE, BODY_LINE, BODY_SIZE)
        colour = style.INK if i == 0 else style.TEXT
        shapes.append(Text(x, baseline, line, BODY_SIZE, colour, bold=i == 0))
    if cmoc.refuted:
        shapes.extend(_badge(rect.right - BADGE_RADIUS - 4, rect.y + BADGE_RADIUS + 4))
    strength = f"{cmoc.strength} of 4" if cmoc.strength else "none"
    tooltip = "\n".join(
        [
            f"{clean(cmoc.label) or 'CMOC'} ({clean(component.name)})",
            f"Context: {clean(cmoc.context)}",
            f"Mechanism: {clean(cmoc.mechanism)}",
            f"Outcome: {clean(cmoc.outcome)}",
            f"Evidence strength: {strength}",
            *(["Refuted by at least one document"] if cmoc.refuted else []),
        ]
    )
    return Group("cmoc", cmoc.id, tuple(shapes), cmoc.href, tooltip)


def _badge(cx: int, cy: int) -> tuple[Shape, Shape]:
    mark = Text(cx, cy + 4, "!", 11, style.WARNING_TEXT, bold=True, anchor="middle")
    return Circle(cx, cy, BADGE_RADIUS, style.WARNING), mark


def _chains(diagram: TheoryDiagram, rects: dict[str, Rect]) -> list[Group]:
    labels = {cmoc.id: clean(cmoc.label) or "CMOC" for cmoc in diagram.cmocs}
    lanes: Counter[int] = Counter()
    ports: Counter[tuple[str, int, bool]] = Counter()

    def port(key: str, x: int, outgoing: bool) -> Point:
        # Arrows leave a box from its upper half and arrive in its lower half, each on its own
        # port, so a CMOC in the middle of a chain does not have two arrows meeting at one point.
        rect = rects[key]
        offset = PORT_FIRST + (ports[key, x, outgoing] % PORTS) * PORT_STEP
        ports[key, x, outgoing] += 1
        return x, rect.y + offset if outgoing else rect.bottom - offset

    groups = []
    for chain in diagram.chains:
        source, target = rects[chain.source], rects[chain.target]
        if source.right + COMPONENT_PAD < target.x:  # target in a column to the right
            source_x, target_x = source.right, target.x
            gutter = target.x - COMPONENT_PAD - GUTTER // 2
        elif target.right + COMPONENT_PAD < source.x:  # to the left
            source_x, target_x = source.x, target.right
            gutter = target.right + COMPONENT_PAD + GUTTER // 2
        else:  # same column: loop out on the left, away from the arrows between columns
            source_x, target_x = source.x, target.x
            gutter = source.x - COMPONENT_PAD - MARGIN // 2
        start, tip = port(chain.source, source_x, True), port(chain.target, target_x, False)
        lane = gutter + LANE_OFFSETS[lanes[gutter] % len(LANE_OFFSETS)]
        lanes[gutter] += 1
        head = ARROW_HEAD if tip[0] > lane else -ARROW_HEAD
        points = (start, (lane, start[1]), (lane, tip[1]), (tip[0] - head, tip[1]))
        arrow = Arrow(points, tip, style.CHAIN_STROKE)
        tooltip = (
            f"Chain: the outcome of {labels[chain.source]} is the context of {labels[chain.target]}"
        )
        groups.append(Group("chain", f"{chain.source}->{chain.target}", (arrow,), None, tooltip))
    return groups


Drawer = Callable[[int, int], tuple[Shape, ...]]


def _sample_box(fill: str, stroke: Stroke, radius: int = 4) -> Drawer:
    return lambda x, y: (Box(Rect(x, y, 28, 16), radius, fill, stroke),)


def _sample_arrow(x: int, y: int) -> tuple[Shape, ...]:
    return (Arrow(((x, y + 8), (x + 28 - ARROW_HEAD, y + 8)), (x + 28, y + 8), style.CHAIN_STROKE),)


def _legend(width: int, top: int) -> tuple[Group, int]:
    """The key, flowed left to right and wrapped; returns it and the y below it."""
    key = Text(MARGIN, _baseline(top, BODY_LINE, 13), "Key", 13, style.INK, bold=True)
    shapes: list[Shape] = [key]
    items: list[tuple[Drawer | None, str]] = [(None, "Evidence per CMOC (line weight):")]
    for stroke, name in zip(style.CMOC_STROKES, style.STRENGTH_NAMES, strict=True):
        items.append((_sample_box(style.CMOC_FILL, stroke, CMOC_RADIUS), name))
    items += [
        (_sample_box(style.COMPONENT_FILL, style.COMPONENT_SOLID), "Component: empirical evidence"),
        (
            _sample_box(style.COMPONENT_FILL_UNSUPPORTED, style.COMPONENT_DASHED),
            "Dashed: no empirical evidence",
        ),
        (lambda x, y: _badge(x + 14, y + 8), "Refuted by at least one document"),
        (_sample_arrow, "Chain: outcome becomes the next context"),
    ]
    x, y = MARGIN, top + BODY_LINE + 8
    for drawer, label in items:
        sample_width = 34 if drawer else 0
        item_width = sample_width + round(text_width(label, BODY_SIZE)) + 18
        if x > MARGIN and x + item_width > width - MARGIN:
            x, y = MARGIN, y + 26
        if drawer:
            shapes.extend(drawer(x, y))
        label_text = truncate(label, width - 2 * MARGIN - sample_width, BODY_SIZE)
        shapes.append(Text(x + sample_width, y + 12, label_text, BODY_SIZE, style.TEXT))
        x += item_width
    return Group("legend", "legend", tuple(shapes)), y + 16


def _describe(title: str, diagram: TheoryDiagram) -> str:
    unsupported = [clean(c.name) for c in diagram.components if c.dashed]
    refuted = sum(cmoc.refuted for cmoc in diagram.cmocs)
    parts = [
        f"{title}: {_count(len(diagram.components), 'component')}",
        _count(len(diagram.cmocs), "CMOC"),
        f"{_count(len(diagram.chains), 'chain')} between CMOCs",
    ]
    if refuted:
        parts.append(f"{_count(refuted, 'CMOC')} with refuting evidence")
    text = ", ".join(parts) + "."
    if unsupported:
        text += " Without empirical evidence (dashed): " + "; ".join(unsupported) + "."
    return clean_multiline(text)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
