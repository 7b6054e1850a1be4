"""The programme-theory diagram as a standalone SVG document.

Interactive output wraps each component and CMOC in an <a href> to its evidence page with a
<title> tooltip; static output (for Word and other exports) keeps the tooltips but no links.
No script and no CSS: everything is a presentation attribute, so the strict page CSP holds.
"""

from __future__ import annotations

from .layout import Arrow, Box, Circle, Group, Layout, Shape, Text, layout
from .markup import dasharray, document, document_id, number, safe_href, svg_text, tag, title
from .model import TheoryDiagram


def to_svg(diagram: TheoryDiagram, interactive: bool = True, width: int = 1200) -> str:
    placed = layout(diagram, width)
    prefix = document_id(diagram, width)
    marker = f"{prefix}-arrow"
    defs = tag("defs", {}, _marker(marker, placed))
    body = "".join(_group(group, interactive, marker) for group in placed.groups)
    # A role="img" hides its children from assistive technology, which would hide the links too;
    # the linked drawing is therefore a group that screen-reader users can browse.
    linked = interactive and any(safe_href(group.href) for group in placed.groups)
    role = "group" if linked else "img"
    return document(
        placed.width, placed.height, prefix, placed.title, placed.description, defs + body, role
    )


def _marker(marker_id: str, placed: Layout) -> str:
    colour = next(
        (s.stroke.colour for g in placed.groups for s in g.shapes if isinstance(s, Arrow)), None
    )
    if colour is None:
        return ""
    head = tag("path", {"d": "M0,0 L10,5 L0,10 z", "fill": colour})
    # Drawn from the end of the shaft onwards, so the tip (not the shaft) touches the box.
    attrs = {
        "id": marker_id,
        "viewBox": "0 0 10 10",
        "refX": 0,
        "refY": 5,
        "markerWidth": 8,
        "markerHeight": 8,
        "markerUnits": "userSpaceOnUse",
        "orient": "auto",
    }
    return tag("marker", attrs, head)


def _group(group: Group, interactive: bool, marker: str) -> str:
    shapes = "".join(_shape(shape, marker) for shape in group.shapes)
    tooltip = title(group.tooltip) if group.tooltip else ""
    attrs: dict[str, str | None] = {"class": group.kind}
    if group.kind in ("component", "cmoc"):
        attrs["data-id"] = group.key
    elif group.kind == "chain":
        attrs["data-source"], attrs["data-target"] = group.key.split("->", 1)
    href = safe_href(group.href) if interactive else None
    if href:
        return tag("g", attrs, tag("a", {"href": href}, tooltip, shapes))
    return tag("g", attrs, tooltip, shapes)


def _shape(shape: Shape, marker: str) -> str:
    if isinstance(shape, Box):
        r = shape.rect
        attrs = {
            "x": r.x,
            "y": r.y,
            "width": r.w,
            "height": r.h,
            "rx": shape.radius,
            "fill": shape.fill,
            "stroke": shape.stroke.colour,
            "stroke-width": shape.stroke.width,
            "stroke-dasharray": dasharray(shape.stroke.dash),
        }
        return tag("rect", attrs)
    if isinstance(shape, Text):
        return svg_text(
            shape.x, shape.y, shape.text, shape.size, shape.colour, shape.bold, shape.anchor
        )
    if isinstance(shape, Circle):
        return tag("circle", {"cx": shape.cx, "cy": shape.cy, "r": shape.r, "fill": shape.fill})
    path = "M" + " L".join(f"{number(x)},{number(y)}" for x, y in shape.points)
    attrs = {
        "d": path,
        "fill": "none",
        "stroke": shape.stroke.colour,
        "stroke-width": shape.stroke.width,
        "stroke-linejoin": "round",
        "marker-end": f"url(#{marker})",
    }
    return tag("path", attrs)
