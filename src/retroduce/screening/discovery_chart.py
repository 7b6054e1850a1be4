"""The discovery curve: relevant records found against records screened, as ASReview LAB draws it.

A curve that flattens is what a team looks for before it stops. So the chart draws the
stopping aid's figures beside the curve: a dashed line for what screening in random order would
find at the same rate. Its end is the records found plus the aid's estimate of those still
unseen, so the gap between the two lines is what the ranking saved. The figures are the stopping
aid's own (`queue.summary`), so blind mode hides here exactly what it hides there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from retroduce.screening.stopping import StoppingEstimate
from retroduce.theory.diagram import style
from retroduce.theory.diagram.markup import (
    dasharray,
    document,
    document_id,
    number,
    svg_line,
    svg_text,
    tag,
    tick_scale,
)

CHART_TITLE = "Relevant records found as screening goes on"
WIDTH = 520
HEIGHT = 300
LEFT = 56  # room for the y tick labels
RIGHT = 24
TOP = 64  # below the title and the legend
BOTTOM = 48  # room for the x tick labels and caption
LABEL_SIZE = 11
MAX_POINTS = 400  # the curve is sampled: 100,000 screened records need no 100,000 vertices
CURVE = "#0f766e"
RANDOM_DASH = (6, 4)


def curve_points(sequence: Sequence[bool], limit: int = MAX_POINTS) -> list[tuple[int, int]]:
    """(screened, found) from (0, 0) to the last record, at most `limit` + 1 points, evenly
    spaced over the records screened, with the first and last exact."""
    found = np.concatenate([[0], np.cumsum(np.asarray(sequence, dtype=np.int64))])
    at = np.unique(np.linspace(0, len(sequence), min(len(sequence), limit) + 1).round())
    return [(int(x), int(found[int(x)])) for x in at]


def _estimated_relevant(estimate: StoppingEstimate) -> float | None:
    """Relevant records in the stage: those found plus the estimate of those unseen (None while
    there is no estimate)."""
    if math.isnan(estimate.remaining_estimate):
        return None
    return estimate.found + estimate.remaining_estimate


def random_order_found(estimate: StoppingEstimate) -> float | None:
    """What screening in random order would have found by now: the screened share of the
    stage's estimated relevant records."""
    total = estimate.screened + estimate.unseen
    relevant = _estimated_relevant(estimate)
    if total == 0 or relevant is None:
        return None
    return estimate.screened * relevant / total


def describe(estimate: StoppingEstimate) -> str:
    total = estimate.screened + estimate.unseen
    if estimate.found == 0:
        found = f"No relevant record found yet in {estimate.screened} screened of {total}."
    else:
        found = (
            f"{estimate.found} relevant found in {estimate.screened} screened of {total}; "
            f"the last one {estimate.since_relevant} records ago."
        )
    expected = random_order_found(estimate)
    if expected is None:
        return found
    return f"{found} Screening in random order would have found about {expected:.0f} by now."


def discovery_svg(sequence: Sequence[bool], estimate: StoppingEstimate) -> str:
    """The chart as standalone SVG (presentation attributes only: pages forbid style)."""
    total = max(estimate.screened + estimate.unseen, 1)
    relevant = _estimated_relevant(estimate)
    x_step, x_top = tick_scale(total, 5)
    y_step, y_top = tick_scale(max(estimate.found + estimate.remaining_upper, 1), 5)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(value: float) -> float:
        return LEFT + value * plot_w / x_top

    def y(value: float) -> float:
        return TOP + plot_h - value * plot_h / y_top

    parts = [svg_text(16, 26, CHART_TITLE, 15, style.INK, True), _legend()]
    for value in range(0, y_top + 1, y_step):
        parts.append(svg_line(LEFT, y(value), LEFT + plot_w, y(value), style.GRID))
        parts.append(
            svg_text(LEFT - 6, y(value) + 4, str(value), LABEL_SIZE, style.MUTED, False, "end")
        )
    for value in range(0, x_top + 1, x_step):
        parts.append(svg_line(x(value), TOP + plot_h, x(value), TOP + plot_h + 4, style.MUTED))
        parts.append(
            svg_text(
                x(value), TOP + plot_h + 16, f"{value:,}", LABEL_SIZE, style.MUTED, False, "middle"
            )
        )
    parts.append(svg_line(LEFT, TOP, LEFT, TOP + plot_h, style.MUTED))
    parts.append(svg_line(LEFT, TOP + plot_h, LEFT + plot_w, TOP + plot_h, style.MUTED))
    caption = "Records screened (relevant found on the vertical axis)"
    parts.append(svg_text(LEFT, HEIGHT - 10, caption, LABEL_SIZE, style.MUTED))
    if relevant is not None:
        parts.append(
            tag(
                "line",
                {
                    "class": "random-order",
                    "x1": number(x(0)),
                    "y1": number(y(0)),
                    "x2": number(x(total)),
                    "y2": number(y(relevant)),
                    "stroke": style.MUTED,
                    "stroke-width": 1.5,
                    "stroke-dasharray": dasharray(RANDOM_DASH),
                },
            )
        )
    points = " ".join(f"{number(x(s))},{number(y(f))}" for s, f in curve_points(sequence))
    curve = {"class": "found", "points": points, "fill": "none", "stroke": CURVE}
    parts.append(tag("polyline", {**curve, "stroke-width": 2.5, "stroke-linejoin": "round"}))
    prefix = document_id(estimate, len(sequence))
    body = tag("g", {}, *parts)
    return document(WIDTH, HEIGHT, prefix, CHART_TITLE, describe(estimate), body, "img")


def _legend() -> str:
    y = 46
    solid = tag(
        "line",
        {"x1": LEFT, "y1": y, "x2": LEFT + 24, "y2": y, "stroke": CURVE, "stroke-width": 2.5},
    )
    dashed = tag(
        "line",
        {
            "x1": LEFT + 150,
            "y1": y,
            "x2": LEFT + 174,
            "y2": y,
            "stroke": style.MUTED,
            "stroke-width": 1.5,
            "stroke-dasharray": dasharray(RANDOM_DASH),
        },
    )
    return tag(
        "g",
        {"class": "legend"},
        solid,
        svg_text(LEFT + 30, y + 4, "This stage", LABEL_SIZE, style.TEXT),
        dashed,
        svg_text(
            LEFT + 180, y + 4, "Random order, at the same estimated total", LABEL_SIZE, style.TEXT
        ),
    )
