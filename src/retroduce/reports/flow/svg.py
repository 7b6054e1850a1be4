"""The document flow diagram as a standalone SVG document.

Drawn by the programme-theory diagram's SVG helpers from the shared layout: presentation
attributes only (no style attribute, <style> or <script>, for the pages' strict CSP), every piece
of text escaped, arrow heads as one <marker>, ids prefixed by a hash of the input so two drawings
can share a page and the same counts always give the same bytes.
"""

from __future__ import annotations

from retroduce.theory.diagram.markup import document, document_id, tag

# The theory package's group and marker writers; it has no public "render a Layout as SVG" yet.
from retroduce.theory.diagram.svg import _group, _marker

from .layout import flow_layout
from .model import FlowCounts


def flow_svg(counts: FlowCounts, title: str = "Document flow") -> str:
    placed = flow_layout(counts, title)
    prefix = document_id("flow", counts, placed.title)
    marker = f"{prefix}-arrow"
    defs = tag("defs", {}, _marker(marker, placed))
    body = "".join(_group(group, False, marker) for group in placed.groups)
    return document(
        placed.width, placed.height, prefix, placed.title, placed.description, defs + body, "img"
    )
