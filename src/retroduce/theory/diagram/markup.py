"""A few helpers to write SVG as text, escaping everything that comes from users.

Only presentation attributes are written (fill="...", stroke-width="..."): the pages that inline
these drawings forbid style attributes and <style> elements under their Content-Security-Policy.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from xml.sax.saxutils import escape

from . import style
from .text import xml_safe

SVG_NS = "http://www.w3.org/2000/svg"

Attrs = Mapping[str, str | int | float | None]

_ATTR_ENTITIES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def number(value: float) -> str:
    """Integers without a decimal point, other values with at most two decimals: stable output."""
    rounded = round(value, 2)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.2f}".rstrip("0")


def _attr(value: str | int | float) -> str:
    if isinstance(value, str):
        return escape(xml_safe(value), _ATTR_ENTITIES)
    return number(value)


_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")


def safe_href(href: str | None) -> str | None:
    """The link, unless it could run script (javascript:, data:, ...) when clicked.

    Links normally come from reverse(), but the drawing is inlined into pages, so a bad value
    must not become an XSS hole. Browsers ignore tabs and newlines inside a scheme, hence the
    normalised copy for the check.
    """
    if not href or not href.strip():
        return None
    match = _SCHEME.match(_URL_IGNORED.sub("", href))
    if match and match.group(1).lower() not in ("http", "https", "mailto"):
        return None
    return href.strip()


def tag(name: str, attrs: Attrs, *children: str, text: str | None = None) -> str:
    """One element; None-valued attributes are left out, text is cleaned and escaped."""
    rendered = "".join(
        f' {key}="{_attr(value)}"' for key, value in attrs.items() if value is not None
    )
    inner = "".join(children)
    if text is not None:
        inner += escape(xml_safe(text))
    if not inner:
        return f"<{name}{rendered}/>"
    return f"<{name}{rendered}>{inner}</{name}>"


def tick_scale(maximum: float, max_ticks: int) -> tuple[int, int]:
    """A 1-2-5 tick step giving at most max_ticks intervals, and the axis top it reaches."""
    maximum = max(maximum, 1)
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if math.ceil(maximum / step) <= max_ticks:
                return step, step * math.ceil(maximum / step)
        magnitude *= 10


def svg_text(
    x: float, y: float, content: str, size: float, fill: str, bold: bool = False, anchor: str = ""
) -> str:
    """A <text> element; anchor is SVG's text-anchor ("middle", "end"), empty for the default."""
    attrs: Attrs = {
        "x": number(x),
        "y": number(y),
        "font-size": size,
        "fill": fill,
        "font-weight": "bold" if bold else None,
        "text-anchor": anchor if anchor and anchor != "start" else None,
    }
    return tag("text", attrs, text=content)


def svg_line(x1: float, y1: float, x2: float, y2: float, stroke: str) -> str:
    attrs: Attrs = {"x1": number(x1), "y1": number(y1), "x2": number(x2), "y2": number(y2)}
    return tag("line", {**attrs, "stroke": stroke})


def title(text: str) -> str:
    return tag("title", {}, text=text)


def dasharray(dash: tuple[int, ...]) -> str | None:
    return " ".join(number(part) for part in dash) or None


def document_id(*parts: object) -> str:
    """A prefix for ids inside one drawing, derived from its content.

    Two drawings inlined in one page must not share ids (aria-labelledby, markers), yet the same
    input must give byte-identical output, so the prefix is a hash rather than a counter.
    """
    digest = hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"rd{digest[:10]}"


def document(
    width: int, height: int, prefix: str, label: str, description: str, body: str, role: str
) -> str:
    """The standalone <svg> root: sized, labelled for assistive technology, white background."""
    attrs: Attrs = {
        "xmlns": SVG_NS,
        "viewBox": f"0 0 {width} {height}",
        "width": width,
        "height": height,
        "role": role,
        "aria-labelledby": f"{prefix}-title {prefix}-desc",
        "font-family": style.FONT_FAMILY,
    }
    background = tag(
        "rect", {"x": 0, "y": 0, "width": width, "height": height, "fill": style.BACKGROUND}
    )
    head = tag("title", {"id": f"{prefix}-title"}, text=label) + tag(
        "desc", {"id": f"{prefix}-desc"}, text=description
    )
    return tag("svg", attrs, head, background, body) + "\n"
