"""The document flow diagram as a PNG, drawn by the programme-theory diagram's Pillow painter.

Text uses the font bundled inside Pillow (ImageFont.load_default(size=...)): no system font, and
the same pixels on every machine with the same Pillow version.
"""

from __future__ import annotations

from retroduce.theory.diagram.png import render_png

from .layout import flow_layout
from .model import FlowCounts


def flow_png(counts: FlowCounts, title: str = "Document flow", scale: float = 2.0) -> bytes:
    """PNG bytes of round(layout width * scale) by round(layout height * scale) pixels."""
    if not 0.25 <= scale <= 8:
        raise ValueError("scale must be between 0.25 and 8")
    return render_png(flow_layout(counts, title), scale)
