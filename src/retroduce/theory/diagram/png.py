"""The programme-theory diagram as a PNG, drawn with Pillow from the same layout as the SVG.

Text uses the scalable font bundled inside Pillow (ImageFont.load_default(size=...), Pillow 10.1
or later), so rendering needs no system font and gives the same pixels on every machine with the
same Pillow version.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from . import style
from .layout import Arrow, Box, Circle, Layout, Rect, Shape, Text, layout
from .model import TheoryDiagram
from .style import Stroke

_ARC_STEPS = 8  # segments per rounded corner when an outline is walked for dashes


def to_png(diagram: TheoryDiagram, scale: float = 2.0, width: int = 1200) -> bytes:
    """PNG bytes of round(layout width * scale) by round(layout height * scale) pixels."""
    if not 0.25 <= scale <= 8:
        raise ValueError("scale must be between 0.25 and 8")
    return render_png(layout(diagram, width), scale)


def render_png(placed: Layout, scale: float) -> bytes:
    size = (round(placed.width * scale), round(placed.height * scale))
    image = Image.new("RGB", size, style.BACKGROUND)
    painter = _Painter(ImageDraw.Draw(image), scale)
    for group in placed.groups:
        for shape in group.shapes:
            painter.draw(shape)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


class _Painter:
    def __init__(self, draw: ImageDraw.ImageDraw, scale: float) -> None:
        self.canvas = draw
        self.scale = scale

    def _px(self, value: float) -> float:
        return value * self.scale

    def _width(self, stroke: Stroke) -> int:
        return max(1, round(stroke.width * self.scale))

    def draw(self, shape: Shape) -> None:
        if isinstance(shape, Box):
            self._box(shape)
        elif isinstance(shape, Text):
            self._text(shape)
        elif isinstance(shape, Circle):
            cx, cy, r = self._px(shape.cx), self._px(shape.cy), self._px(shape.r)
            self.canvas.ellipse((cx - r, cy - r, cx + r, cy + r), fill=shape.fill)
        else:
            self._arrow(shape)

    def _box(self, box: Box) -> None:
        width = self._width(box.stroke)
        r = box.rect
        # SVG centres a stroke on the edge, Pillow draws it inside the box: grow by half a stroke.
        half = width / 2
        bounds = (
            self._px(r.x) - half,
            self._px(r.y) - half,
            self._px(r.right) + half,
            self._px(r.bottom) + half,
        )
        radius = self._px(box.radius)
        if not box.stroke.dash:
            self.canvas.rounded_rectangle(
                bounds, radius, fill=box.fill, outline=box.stroke.colour, width=width
            )
            return
        self.canvas.rounded_rectangle(bounds, radius, fill=box.fill)
        pattern = [self._px(length) for length in box.stroke.dash]
        for dash in _dashes(_outline(r, box.radius, self.scale), pattern):
            self.canvas.line(dash, fill=box.stroke.colour, width=width, joint="curve")

    def _text(self, text: Text) -> None:
        font = _font(max(1, round(self._px(text.size))))
        anchor = "ms" if text.anchor == "middle" else "ls"
        # The bundled font has no bold face; a thin stroke of the same colour stands in for it.
        stroke = max(1, round(self.scale * 0.3)) if text.bold else 0
        self.canvas.text(
            (self._px(text.x), self._px(text.y)),
            text.text,
            fill=text.colour,
            font=font,
            anchor=anchor,
            stroke_width=stroke,
            stroke_fill=text.colour,
        )

    def _arrow(self, arrow: Arrow) -> None:
        points = [(self._px(x), self._px(y)) for x, y in arrow.points]
        width = self._width(arrow.stroke)
        self.canvas.line(points, fill=arrow.stroke.colour, width=width, joint="curve")
        (bx, by), (tx, ty) = points[-1], (self._px(arrow.tip[0]), self._px(arrow.tip[1]))
        # As wide as it is long, matching the SVG marker's 10x10 triangle.
        nx, ny = -(ty - by) / 2, (tx - bx) / 2
        head = [(tx, ty), (bx + nx, by + ny), (bx - nx, by - ny)]
        self.canvas.polygon(head, fill=arrow.stroke.colour)


def _outline(rect: Rect, radius: int, scale: float) -> list[tuple[float, float]]:
    """The rounded rectangle's edge as a closed polyline, clockwise from the top-left corner."""
    x0, y0, x1, y1 = rect.x * scale, rect.y * scale, rect.right * scale, rect.bottom * scale
    r = min(radius * scale, (x1 - x0) / 2, (y1 - y0) / 2)
    corners = (
        (x1 - r, y0 + r, -90),
        (x1 - r, y1 - r, 0),
        (x0 + r, y1 - r, 90),
        (x0 + r, y0 + r, 180),
    )
    points: list[tuple[float, float]] = []
    for cx, cy, start in corners:
        for step in range(_ARC_STEPS + 1):
            angle = math.radians(start + 90 * step / _ARC_STEPS)
            points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    points.append(points[0])
    return points


def _dashes(
    points: list[tuple[float, float]], pattern: list[float]
) -> list[list[tuple[float, float]]]:
    """Cut a polyline into the 'on' pieces of a repeating on/off dash pattern."""
    dashes: list[list[tuple[float, float]]] = []
    index, left, on = 0, pattern[0], True
    current: list[tuple[float, float]] = [points[0]]
    for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
        segment = math.hypot(bx - ax, by - ay)
        done = 0.0
        while segment - done > left:
            done += left
            t = done / segment
            point = (ax + (bx - ax) * t, ay + (by - ay) * t)
            if on:
                dashes.append([*current, point])
            current = [point]
            index = (index + 1) % len(pattern)
            left, on = pattern[index], not on
        left -= segment - done
        current.append((bx, by))
    if on and len(current) > 1:
        dashes.append(current)
    return dashes
