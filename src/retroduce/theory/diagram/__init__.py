"""Server-side drawings of a programme theory: the CMOC diagram (SVG and PNG) and the saturation
chart. Pure functions of frozen values, no Django, nothing fetched from anywhere.

to_png is imported lazily: it needs Pillow, which the SVG output does not.
"""

from __future__ import annotations

from typing import Any

from .layout import Layout, layout
from .model import Chain, CmocBox, ComponentBox, TheoryDiagram
from .saturation import saturation_svg
from .svg import to_svg

__all__ = [
    "Chain",
    "CmocBox",
    "ComponentBox",
    "Layout",
    "TheoryDiagram",
    "layout",
    "saturation_svg",
    "to_png",
    "to_svg",
]


def __getattr__(name: str) -> Any:
    if name == "to_png":
        from .png import to_png

        return to_png
    raise AttributeError(name)
