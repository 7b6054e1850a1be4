"""Colours, line weights and type sizes shared by the diagram and the chart.

Text colours are chosen for at least WCAG AA (4.5:1) on the fill they sit on; the test suite
checks the pairs listed in TEXT_ON_FILL so a palette change cannot quietly break that.
"""

from __future__ import annotations

from dataclasses import dataclass

FONT_FAMILY = "Helvetica, Arial, 'Liberation Sans', sans-serif"

BACKGROUND = "#ffffff"
INK = "#102a43"  # titles and headers
TEXT = "#243b53"  # body text
MUTED = "#486581"  # secondary text ("No CMOCs yet", axis labels)
COMPONENT_FILL = "#eef3f8"
COMPONENT_FILL_UNSUPPORTED = "#fbf6ea"  # warm tint: a second cue besides the dashes
COMPONENT_STROKE = "#334e68"
CMOC_FILL = "#ffffff"
CHAIN = "#0f766e"
WARNING = "#b3261e"
WARNING_TEXT = "#ffffff"
GRID = "#d9e2ec"

TEXT_ON_FILL = (
    (INK, BACKGROUND),
    (TEXT, BACKGROUND),
    (MUTED, BACKGROUND),
    (INK, COMPONENT_FILL),
    (INK, COMPONENT_FILL_UNSUPPORTED),
    (MUTED, COMPONENT_FILL),
    (MUTED, COMPONENT_FILL_UNSUPPORTED),
    (TEXT, CMOC_FILL),
    (WARNING_TEXT, WARNING),
)


@dataclass(frozen=True)
class Stroke:
    colour: str
    width: float
    dash: tuple[int, ...] = ()  # on/off lengths in diagram units; empty for a solid line


COMPONENT_SOLID = Stroke(COMPONENT_STROKE, 2)
COMPONENT_DASHED = Stroke(COMPONENT_STROKE, 2, (8, 5))
CHAIN_STROKE = Stroke(CHAIN, 2)

# Index = evidence strength. Weight and darkness both grow, so strength reads in greyscale too.
CMOC_STROKES = (
    Stroke("#829ab1", 1, (2, 3)),
    Stroke("#627d98", 1),
    Stroke("#486581", 2),
    Stroke("#334e68", 3),
    Stroke("#102a43", 4),
)
STRENGTH_NAMES = ("no evidence", "1", "2", "3", "4 strong")

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
SERIES_COLOURS = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#000000",
)
