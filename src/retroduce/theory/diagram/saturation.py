"""The saturation chart: how much each theory iteration changed, as a stacked bar chart.

Fewer changes per iteration is the usual sign that the programme theory is settling, so the bars
keep the order given (oldest first) and each carries its total.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import style
from .markup import (
    document,
    document_id,
    number,
    svg_line,
    svg_text,
    tag,
    tick_scale,
    title,
)
from .text import clean, text_width, truncate, wrap

MARGIN = 24
TITLE_SIZE = 16
LABEL_SIZE = 11
LABEL_LINE = LABEL_SIZE + 4
PLOT_TOP = MARGIN + 52  # below the title and the axis caption
PLOT_HEIGHT = 240
SLOT = 76  # horizontal room per iteration
BAR_WIDTH = 40
MIN_WIDTH = 480
MAX_TICKS = 6
CHART_TITLE = "Changes per theory iteration"

Iterations = Sequence[tuple[str, Mapping[str, int]]]


@dataclass(frozen=True)
class _Axis:
    step: int
    top: int  # the value at the top of the plot
    left: int  # x of the vertical axis
    right: int

    @property
    def bottom(self) -> int:
        return PLOT_TOP + PLOT_HEIGHT

    def y(self, value: float) -> float:
        return self.bottom - value * PLOT_HEIGHT / self.top


def saturation_svg(iterations: Iterations) -> str:
    rows = [
        (clean(label) or f"Iteration {i + 1}", dict(counts))
        for i, (label, counts) in enumerate(iterations)
    ]
    for label, counts in rows:
        for name, value in counts.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{label}: {name!r} must be a count, got {value!r}")
    prefix = document_id(rows)
    heading = svg_text(MARGIN, MARGIN + TITLE_SIZE, CHART_TITLE, TITLE_SIZE, style.INK, True)
    if not rows:
        message = svg_text(MIN_WIDTH / 2, 90, "No iterations yet", 14, style.MUTED, anchor="middle")
        description = f"{CHART_TITLE}: no iterations yet."
        return document(MIN_WIDTH, 140, prefix, CHART_TITLE, description, heading + message, "img")

    # Series keep the order in which they first appear, so colours are stable between renders.
    series = list(dict.fromkeys(name for _, counts in rows for name in counts))
    palette = style.SERIES_COLOURS
    colours = {name: palette[i % len(palette)] for i, name in enumerate(series)}
    totals = [sum(counts.values()) for _, counts in rows]
    step, top = tick_scale(max(totals), MAX_TICKS)
    widest_tick = text_width(str(top), LABEL_SIZE)
    left = MARGIN + math.ceil(widest_tick) + 8
    width = max(MIN_WIDTH, left + len(rows) * SLOT + MARGIN)
    axis = _Axis(step, top, left, width - MARGIN)
    slot = (axis.right - left) / len(rows)  # a few bars spread over the minimum width

    parts = [heading, _axis(axis)]
    for index, (label, counts) in enumerate(rows):
        centre = left + (index + 0.5) * slot
        parts.append(_bar(axis, label, counts, series, colours, centre))
    legend, height = _legend(series, colours, width, axis.bottom + 2 * LABEL_LINE + 16)
    parts.append(legend)
    description = _describe(rows)
    return document(width, height, prefix, CHART_TITLE, description, "".join(parts), "img")


def _axis(axis: _Axis) -> str:
    parts = []
    for value in range(0, axis.top + 1, axis.step):
        y = axis.y(value)
        parts.append(svg_line(axis.left, y, axis.right, y, style.GRID))
        parts.append(
            svg_text(axis.left - 6, y + 4, str(value), LABEL_SIZE, style.MUTED, anchor="end")
        )
    parts.append(svg_line(axis.left, PLOT_TOP, axis.left, axis.bottom, style.MUTED))
    parts.append(svg_line(axis.left, axis.bottom, axis.right, axis.bottom, style.MUTED))
    caption_y = MARGIN + TITLE_SIZE + 20
    parts.append(svg_text(MARGIN, caption_y, "Number of changes", LABEL_SIZE, style.MUTED))
    return tag("g", {"class": "axis"}, *parts)


def _bar(
    axis: _Axis,
    label: str,
    counts: dict[str, int],
    series: list[str],
    colours: dict[str, str],
    centre: float,
) -> str:
    total = sum(counts.values())
    parts = [title(_summary(label, counts))]
    stacked = 0
    for name in series:
        value = counts.get(name, 0)
        if not value:
            continue
        y_top, y_bottom = axis.y(stacked + value), axis.y(stacked)
        stacked += value
        # A thin dark outline keeps light colours (the yellow) visible against the white page.
        rect = {
            "x": number(centre - BAR_WIDTH / 2),
            "y": number(y_top),
            "width": BAR_WIDTH,
            "height": number(y_bottom - y_top),
            "fill": colours[name],
            "stroke": style.INK,
            "stroke-width": 0.5,
            "data-series": name,
        }
        parts.append(tag("rect", rect))
    total_y = axis.y(total) - 5
    parts.append(svg_text(centre, total_y, str(total), LABEL_SIZE, style.INK, True, "middle"))
    for i, text in enumerate(wrap(label, SLOT - 6, LABEL_SIZE, max_lines=2)):
        y = axis.bottom + (i + 1) * LABEL_LINE
        parts.append(svg_text(centre, y, text, LABEL_SIZE, style.TEXT, anchor="middle"))
    return tag("g", {"class": "bar", "data-iteration": label, "data-total": total}, *parts)


def _legend(series: list[str], colours: dict[str, str], width: int, top: int) -> tuple[str, int]:
    """The series key, flowed left to right and wrapped; returns it and the drawing's height."""
    parts = []
    x, y = MARGIN, top
    for name in series:
        label = truncate(clean(name) or "(unnamed)", width - 2 * MARGIN - 18, LABEL_SIZE)
        item_width = 18 + math.ceil(text_width(label, LABEL_SIZE)) + 16
        if x > MARGIN and x + item_width > width - MARGIN:
            x, y = MARGIN, y + 20
        swatch = {
            "x": x,
            "y": y,
            "width": 12,
            "height": 12,
            "fill": colours[name],
            "stroke": style.INK,
            "stroke-width": 0.5,
        }
        parts.append(tag("rect", swatch))
        parts.append(svg_text(x + 18, y + 10, label, LABEL_SIZE, style.TEXT))
        x += item_width
    return tag("g", {"class": "legend"}, *parts), y + 12 + MARGIN


def _summary(label: str, counts: dict[str, int]) -> str:
    total = sum(counts.values())
    detail = ", ".join(f"{clean(name)} {value}" for name, value in counts.items() if value)
    return f"{label}: {total} in total" + (f" ({detail})" if detail else " (no changes)")


def _describe(rows: list[tuple[str, dict[str, int]]]) -> str:
    summaries = ". ".join(_summary(label, counts) for label, counts in rows)
    return f"Stacked bar chart of changes per theory iteration. {summaries}."
