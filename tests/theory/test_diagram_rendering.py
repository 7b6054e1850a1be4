"""The programme-theory diagram and the saturation chart, rendered without a database or browser."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFont

from retroduce.theory.diagram import (
    Chain,
    CmocBox,
    ComponentBox,
    TheoryDiagram,
    layout,
    saturation_svg,
    style,
    to_png,
    to_svg,
)
from retroduce.theory.diagram.layout import Text

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert(1)</script> & "q"'
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


TEXTS = (
    (
        "When partners come from organisations with different cultures",
        "they see a shared purpose and trust that their voice counts",
        "they commit time and resources to the partnership",
    ),
    (
        "Where a neutral facilitator convenes the early meetings",
        "members feel safe to disagree",
        "tensions are surfaced and resolved before they escalate",
    ),
    (
        "When senior leaders hold the budget",
        "community members defer and stay silent",
        "decisions reflect professional rather than community priorities",
    ),
)


def cmoc(number: int, strength: int, refuted: bool = False) -> CmocBox:
    context, mechanism, outcome = TEXTS[number % len(TEXTS)]
    return CmocBox(
        id=f"cmoc-{number}",
        label=f"CMOC {number}",
        context=context,
        mechanism=mechanism,
        outcome=outcome,
        strength=strength,
        refuted=refuted,
        href=f"/p/demo/theory/cmocs/{number}/",
    )


def demo_diagram() -> TheoryDiagram:
    """Eight components as in the demo project, with 0-3 CMOCs each and two chains."""
    specs = [
        ("Inspiring intent to work together", "empirical", [(1, 4), (2, 2)]),
        ("Creating the conditions to work together", "empirical", [(3, 3), (4, 1), (5, 0)]),
        ("Balancing multiple perspectives", "empirical", [(6, 2)]),
        ("Working with power", "empirical", [(7, 3, True), (8, 1)]),
        ("Taking a wider view", "substantive", [(9, 1)]),
        ("A commitment to learning and development", "empirical", [(10, 2), (11, 4)]),
        ("Clarifying complexity", "team_inference", []),
        ("Fostering resilience", "stakeholder", []),
    ]
    components = tuple(
        ComponentBox(
            id=f"component-{index}",
            name=name,
            provenance=provenance,
            cmocs=tuple(cmoc(*spec) for spec in cmocs),
            href=f"/p/demo/theory/components/{index}/",
        )
        for index, (name, provenance, cmocs) in enumerate(specs, start=1)
    )
    chains = (Chain("cmoc-1", "cmoc-3"), Chain("cmoc-7", "cmoc-10"))
    return TheoryDiagram("Partnership working: programme theory v2 (refined)", components, chains)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def group(root: ET.Element, key: str) -> ET.Element:
    found = root.findall(f".//svg:g[@data-id='{key}']", NS)
    assert len(found) == 1, key
    return found[0]


def box_rect(root: ET.Element, key: str) -> ET.Element:
    return group(root, key).find(".//svg:rect", NS)


def assert_no_style_or_script(root: ET.Element) -> None:
    for element in root.iter():
        assert element.tag not in (f"{SVG}style", f"{SVG}script", "style", "script")
        assert "style" not in element.attrib
        assert not any(name.lower().startswith("on") for name in element.attrib)


def test_the_svg_is_a_standalone_accessible_document():
    svg = to_svg(demo_diagram(), interactive=False)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root.get("role") == "img"
    assert root[0].tag == f"{SVG}title"
    assert root[0].text == "Partnership working: programme theory v2 (refined)"
    assert root[1].tag == f"{SVG}desc"
    assert "8 components, 11 CMOCs, 2 chains" in root[1].text
    assert "Fostering resilience" in root[1].text
    assert root.get("aria-labelledby") == f"{root[0].get('id')} {root[1].get('id')}"


def test_interactive_svg_links_every_component_and_cmoc_to_its_page():
    diagram = demo_diagram()
    root = parse(to_svg(diagram))
    # Links inside role="img" would be hidden from screen readers, so a linked drawing is a group.
    assert root.get("role") == "group"
    for component in diagram.components:
        link = group(root, component.id).find("svg:a", NS)
        assert link is not None and link.get("href") == component.href
        assert link[0].tag == f"{SVG}title" and component.name in link[0].text
    for box in diagram.cmocs:
        link = group(root, box.id).find("svg:a", NS)
        assert link.get("href") == box.href
        tooltip = link.find("svg:title", NS).text
        assert box.context in tooltip and box.mechanism in tooltip and box.outcome in tooltip


def test_static_svg_keeps_every_box_and_tooltip_but_no_link():
    diagram = demo_diagram()
    root = parse(to_svg(diagram, interactive=False))
    assert root.findall(".//svg:a", NS) == []
    for key in [c.id for c in diagram.components] + [c.id for c in diagram.cmocs]:
        assert group(root, key).find("svg:title", NS) is not None


def test_cmoc_lines_are_shortened_and_the_tooltip_keeps_the_full_text():
    long = "partners " * 30
    box = CmocBox("cmoc-1", "CMOC 1", long, "mechanism", "outcome", 1, href="/c/1/")
    diagram = TheoryDiagram("T", (ComponentBox("c", "Component", "empirical", (box,)),))
    root = parse(to_svg(diagram))
    lines = [t.text for t in group(root, "cmoc-1").iter(f"{SVG}text")]
    assert lines[0] == "CMOC 1"
    assert lines[1].startswith("C: partners") and lines[1].endswith("…")
    assert len(lines[1]) <= 3 + 60
    assert lines[2:] == ["M: mechanism", "O: outcome"]
    assert long.strip() in group(root, "cmoc-1").find(".//svg:title", NS).text


def test_components_without_empirical_evidence_are_dashed():
    root = parse(to_svg(demo_diagram()))
    assert box_rect(root, "component-1").get("stroke-dasharray") is None  # empirical
    for dashed in ("component-5", "component-7", "component-8"):  # substantive, team, stakeholder
        assert box_rect(root, dashed).get("stroke-dasharray")
    assert "No CMOCs yet" in [t.text for t in group(root, "component-8").iter(f"{SVG}text")]


def test_cmoc_line_weight_grows_with_evidence_strength():
    root = parse(to_svg(demo_diagram()))
    by_strength = {1: "cmoc-4", 2: "cmoc-2", 3: "cmoc-3", 4: "cmoc-1"}
    widths = [float(box_rect(root, key).get("stroke-width")) for key in by_strength.values()]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    no_evidence = box_rect(root, "cmoc-5")
    assert no_evidence.get("stroke-dasharray")  # dotted
    assert float(no_evidence.get("stroke-width")) <= widths[0]


def test_a_refuted_cmoc_carries_a_warning_mark():
    root = parse(to_svg(demo_diagram()))
    refuted, supported = group(root, "cmoc-7"), group(root, "cmoc-8")
    assert refuted.find(".//svg:circle", NS).get("fill") == style.WARNING
    assert "!" in [t.text for t in refuted.iter(f"{SVG}text")]
    assert supported.find(".//svg:circle", NS) is None
    assert "Refuted by at least one document" in refuted.find(".//svg:title", NS).text


def test_a_chain_is_an_arrow_from_source_to_target():
    diagram = demo_diagram()
    root = parse(to_svg(diagram))
    marker = root.find("svg:defs/svg:marker", NS)
    chains = root.findall(".//svg:g[@class='chain']", NS)
    assert [(g.get("data-source"), g.get("data-target")) for g in chains] == [
        ("cmoc-1", "cmoc-3"),
        ("cmoc-7", "cmoc-10"),
    ]
    placed = layout(diagram)
    for chain_group, chain in zip(chains, diagram.chains, strict=True):
        path = chain_group.find("svg:path", NS)
        assert path.get("marker-end") == f"url(#{marker.get('id')})"
        start = tuple(int(v) for v in path.get("d")[1:].split(" L")[0].split(","))
        source, target = placed.rect_of(chain.source), placed.rect_of(chain.target)
        assert start[0] in (source.x, source.right) and source.y <= start[1] <= source.bottom
        arrow = next(g for g in placed.groups if g.key == f"{chain.source}->{chain.target}")
        tip = arrow.shapes[0].tip
        assert tip[0] in (target.x, target.right) and target.cy < tip[1] < target.bottom


def test_chains_within_one_column_and_leftwards_still_end_on_their_target():
    a = ComponentBox("a", "A", "empirical", (cmoc(1, 1), cmoc(2, 2)))
    b = ComponentBox("b", "B", "empirical", (cmoc(3, 1),))
    chains = (Chain("cmoc-1", "cmoc-2"), Chain("cmoc-3", "cmoc-1"), Chain("cmoc-2", "cmoc-1"))
    placed = layout(TheoryDiagram("T", (a, b), chains), width=700)
    first, second = placed.rect_of("cmoc-1"), placed.rect_of("cmoc-2")
    down, left, up = [g.shapes[0] for g in placed.groups if g.kind == "chain"]
    assert down.points[0][0] == first.x and down.tip[0] == second.x  # loops out on the left
    assert left.tip[0] == first.right
    assert up.tip[0] == first.x and up.tip[1] != down.points[0][1]  # in and out do not meet
    for arrow in (down, left, up):
        assert all(0 <= x <= placed.width for x, _ in arrow.points)


def test_hostile_text_is_escaped_everywhere():
    box = CmocBox("cmoc-x", HOSTILE, HOSTILE, HOSTILE, HOSTILE, 2, True, "/c/?a=1&b=2")
    component = ComponentBox("comp-x", HOSTILE, "stakeholder", (box,), "javascript:alert(1)")
    diagram = TheoryDiagram(HOSTILE, (component,))
    for interactive in (True, False):
        svg = to_svg(diagram, interactive=interactive)
        root = parse(svg)
        assert "<script" not in svg
        assert_no_style_or_script(root)
        assert root.find("svg:title", NS).text == HOSTILE
    root = parse(to_svg(diagram))
    assert group(root, "cmoc-x").find("svg:a", NS).get("href") == "/c/?a=1&b=2"
    # A script URL would run when clicked: the component is drawn, but not linked.
    assert group(root, "comp-x").find("svg:a", NS) is None


def test_no_style_attribute_or_element_anywhere():
    for svg in (
        to_svg(demo_diagram()),
        to_svg(demo_diagram(), interactive=False),
        to_svg(TheoryDiagram("Empty", ())),
        saturation_svg([("v1", {"components added": 3})]),
    ):
        assert "style=" not in svg
        assert_no_style_or_script(parse(svg))


def test_an_empty_diagram_says_so():
    root = parse(to_svg(TheoryDiagram("Nothing yet", ())))
    assert "No components yet" in [t.text for t in root.iter(f"{SVG}text")]
    assert root.get("role") == "img"


def test_the_diagram_reflows_into_fewer_columns_when_narrow():
    diagram = demo_diagram()
    wide = layout(diagram)
    assert len({wide.rect_of(c.id).x for c in diagram.components}) == 3
    narrow = layout(diagram, 400)
    assert len({narrow.rect_of(c.id).x for c in diagram.components}) == 1
    assert narrow.width == 400
    with pytest.raises(ValueError):
        layout(diagram, 100)


def test_output_is_deterministic():
    assert to_svg(demo_diagram()) == to_svg(demo_diagram())
    assert to_png(demo_diagram(), scale=1) == to_png(demo_diagram(), scale=1)
    series = [("v1", {"a": 1, "b": 2}), ("v2", {"b": 1})]
    assert saturation_svg(series) == saturation_svg(series)


def test_two_drawings_on_one_page_do_not_share_ids():
    first = parse(to_svg(demo_diagram()))
    second = parse(to_svg(TheoryDiagram("Other", demo_diagram().components)))
    first_ids = {e.get("id") for e in first.iter() if e.get("id")}
    second_ids = {e.get("id") for e in second.iter() if e.get("id")}
    assert first_ids and not first_ids & second_ids


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_png_has_the_layout_size_times_the_scale(scale):
    data = to_png(demo_diagram(), scale=scale)
    assert data.startswith(PNG_SIGNATURE)
    placed = layout(demo_diagram())
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        assert image.size == (round(placed.width * scale), round(placed.height * scale))


def test_png_draws_dashed_outlines_as_dashes():
    diagram = demo_diagram()
    placed = layout(diagram)
    with Image.open(io.BytesIO(to_png(diagram, scale=1))) as image:
        pixels = image.convert("RGB")

        def top_edge(key: str) -> list[tuple[int, int, int]]:
            rect = placed.rect_of(key)
            return [pixels.getpixel((x, rect.y)) for x in range(rect.x + 20, rect.right - 20)]

        outline = tuple(int(style.COMPONENT_STROKE[i : i + 2], 16) for i in (1, 3, 5))
        solid, dashed = top_edge("component-1"), top_edge("component-8")
        assert all(pixel == outline for pixel in solid)
        assert 0.3 < sum(pixel == outline for pixel in dashed) / len(dashed) < 0.8


def test_png_text_fits_the_room_the_layout_gave_it():
    placed = layout(demo_diagram())
    for group_ in placed.groups:
        if group_.kind != "cmoc":
            continue
        room = group_.shapes[0].rect.w - 14
        for shape in group_.shapes[1:]:
            if isinstance(shape, Text) and shape.text != "!":
                font = ImageFont.load_default(size=shape.size)
                assert font.getlength(shape.text) <= room, shape.text


def test_text_colours_meet_wcag_aa_on_their_fills():
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for text, fill in style.TEXT_ON_FILL:
        light, dark = sorted((luminance(text), luminance(fill)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (text, fill)


def test_bad_diagrams_are_refused():
    with pytest.raises(ValueError):
        CmocBox("c", "C", "c", "m", "o", strength=5)
    component = ComponentBox("a", "A", "empirical", (cmoc(1, 1),))
    with pytest.raises(ValueError):
        TheoryDiagram("T", (component,), (Chain("cmoc-1", "cmoc-404"),))
    with pytest.raises(ValueError):
        TheoryDiagram("T", (component, ComponentBox("a", "Again", "empirical")))


ITERATIONS = [
    (
        "v1 initial",
        {"components added": 8, "components changed": 0, "CMOCs added": 0, "evidence links": 0},
    ),
    (
        "v2 refined",
        {"components added": 1, "components changed": 3, "CMOCs added": 11, "evidence links": 40},
    ),
    ("v3 final", {"components added": 0, "components changed": 1, "CMOCs added": 2}),
]


def test_saturation_chart_has_one_bar_per_iteration_with_its_total():
    root = parse(saturation_svg(ITERATIONS))
    bars = root.findall(".//svg:g[@class='bar']", NS)
    assert [bar.get("data-iteration") for bar in bars] == ["v1 initial", "v2 refined", "v3 final"]
    assert [bar.get("data-total") for bar in bars] == ["8", "55", "3"]
    assert [len(bar.findall("svg:rect", NS)) for bar in bars] == [1, 4, 2]
    heights = [sum(float(r.get("height")) for r in bar.findall("svg:rect", NS)) for bar in bars]
    assert heights[1] > heights[0] > heights[2]
    desc = root.find("svg:desc", NS).text
    for total in ("v1 initial: 8 in total", "v2 refined: 55 in total", "v3 final: 3 in total"):
        assert total in desc
    legend = [t.text for t in root.find(".//svg:g[@class='legend']", NS).iter(f"{SVG}text")]
    assert legend == ["components added", "components changed", "CMOCs added", "evidence links"]
    ticks = [t.text for t in root.find(".//svg:g[@class='axis']", NS).iter(f"{SVG}text")]
    assert ticks[:-1] == ["0", "10", "20", "30", "40", "50", "60"]


def test_saturation_chart_edge_cases():
    root = parse(saturation_svg([]))
    assert "No iterations yet" in [t.text for t in root.iter(f"{SVG}text")]
    root = parse(saturation_svg([(HOSTILE, {HOSTILE: 2}), ("v2", {})]))
    assert_no_style_or_script(root)
    assert root.find(".//svg:g[@class='bar']", NS).get("data-iteration") == HOSTILE
    with pytest.raises(ValueError):
        saturation_svg([("v1", {"added": -1})])


@settings(max_examples=60, deadline=None)
@given(st.text(), st.text(), st.integers(0, 4))
def test_any_text_gives_a_well_formed_svg(name, text, strength):
    box = CmocBox("c1", text, text, name, text, strength, refuted=True, href=text or None)
    diagram = TheoryDiagram(name, (ComponentBox("k1", name, "stakeholder", (box,), href=name),))
    for svg in (to_svg(diagram), to_svg(diagram, interactive=False)):
        assert_no_style_or_script(parse(svg))
    assert_no_style_or_script(parse(saturation_svg([(name, {text: strength})])))
