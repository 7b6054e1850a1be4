"""The document flow diagram of a realist review (RAMESES item 12) and its PRISMA 2020 counts.

Pure functions of frozen values, no Django: the caller counts, these modules draw (SVG, PNG) and
export (the PRISMA2020 R package / Shiny app CSV). The PNG is drawn with Pillow's bundled font.
"""

from __future__ import annotations

from .layout import flow_layout
from .model import FlowCounts, Reason, SourceCount
from .png import flow_png
from .prisma import prisma_csv
from .svg import flow_svg

__all__ = [
    "FlowCounts",
    "Reason",
    "SourceCount",
    "flow_layout",
    "flow_png",
    "flow_svg",
    "prisma_csv",
]
