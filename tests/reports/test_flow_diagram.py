"""The document flow diagram (SVG, PNG) and its PRISMA 2020 CSV, without a database."""

from __future__ import annotations

import csv
import dataclasses
import io
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from retroduce.reports.flow import (
    FlowCounts,
    Reason,
    SourceCount,
    flow_layout,
    flow_png,
    flow_svg,
    prisma_csv,
)
from retroduce.reports.flow.prisma import HEADER, neutralise

NS = {"svg": "http://www.w3.org/2000/svg"}
HOSTILE = '<script>alert(1)</script> & "q"'
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EMPTY = FlowCounts(sources=(), identified=0, duplicates_removed=0, screened_ta=0, excluded_ta=0)


def review() -> FlowCounts:
    sources = (
        SourceCount("Google Scholar scoping", 20, "scoping"),
        SourceCount("MEDLINE (theory)", 15, "theory"),
        SourceCount("MEDLINE (evidence)", 140, "evidence"),
        SourceCount("Embase (evidence)", 95, "evidence"),
        SourceCount("Web of Science (refinement)", 25, "refinement"),
        SourceCount("Citation chasing (supplementary)", 30, "supplementary"),
        SourceCount("Expert suggestion", 8, "supplementary"),
        SourceCount("Grey literature websites", 12, "supplementary"),
    )
    return FlowCounts(
        sources=sources,
        identified=345,
        duplicates_removed=85,
        screened_ta=260,
        excluded_ta=190,
        excluded_ta_reasons=(Reason("Not about partnerships", 150),),
        sought_ft=66,
        not_retrieved=3,
        assessed_ft=63,
        excluded_ft=25,
        excluded_ft_reasons=(Reason("No data on mechanisms", 18), Reason("Opinion piece", 7)),
        included=36,
        included_by_purpose=(("evidence", 24), ("theory", 6), ("supplementary", 6)),
        pending_ta=4,
        pending_ft=2,
    )


def many_sources(count: int = 30) -> FlowCounts:
    purposes = ("evidence", "theory", "supplementary", "scoping", "refinement")
    sources = tuple(
        SourceCount(f"Source number {i} with a fairly long name", i + 1, purposes[i % 5])
        for i in range(count)
    )
    total = sum(source.records for source in sources)
    return FlowCounts(sources, total, 0, total, total)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def all_text(root: ET.Element) -> str:
    """The drawn text, lines joined by spaces so wrapped labels read whole again."""
    return " ".join(element.text or "" for element in root.iter(f"{{{NS['svg']}}}text"))


# problems()


def test_consistent_counts_have_no_problems():
    assert review().problems() == []
    assert EMPTY.problems() == []
    assert many_sources().problems() == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"identified": 346}, ("identified (346)", "sum", "sources (345)")),
        ({"duplicates_removed": 80}, ("duplicates (80)", "260 were screened")),
        ({"excluded_ta": 189}, ("title and abstract screening", "259")),
        ({"not_retrieved": 4}, ("full-text retrieval", "66 sought")),
        ({"included": 35}, ("full-text assessment", "63 assessed")),
        ({"excluded_ta_reasons": (Reason("x", 191),)}, ("title and abstract exclusion", "191")),
        ({"excluded_ft_reasons": (Reason("x", 24),)}, ("full-text exclusion reasons", "24")),
        ({"included_by_purpose": (("evidence", 30),)}, ("by purpose", "30", "36")),
    ],
)
def test_problems_name_the_stage_that_does_not_add_up(change, words):
    problems = dataclasses.replace(review(), **change).problems()
    assert len(problems) >= 1
    assert any(all(word in problem for word in words) for problem in problems), problems


def test_reasons_are_optional_at_title_and_abstract_but_not_at_full_text():
    assert dataclasses.replace(review(), excluded_ta_reasons=()).problems() == []
    problems = dataclasses.replace(review(), excluded_ft_reasons=()).problems()
    assert problems == ["full-text exclusion reasons add up to 0, but 25 full texts were excluded"]


def test_negative_counts_are_problems():
    problems = dataclasses.replace(EMPTY, duplicates_removed=-1, screened_ta=1).problems()
    assert "duplicates_removed is negative (-1)" in problems


# SVG


def test_svg_is_a_standalone_accessible_document_with_every_count_and_label():
    counts = review()
    root = parse(flow_svg(counts, "Partnership review"))
    assert root.get("role") == "img"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root.find("svg:title", NS).text == "Partnership review"
    desc = root.find("svg:desc", NS).text
    text = all_text(root)
    for value in (345, 85, 260, 190, 150, 66, 3, 63, 25, 18, 7, 36, 24, 6, 4, 2):
        assert f"(n={value})" in text or f"({value} still being screened)" in text, value
        assert str(value) in desc
    tooltips = [title.text for title in root.findall(".//svg:g[@class='source']/svg:title", NS)]
    for source, tooltip in zip(counts.sources, tooltips, strict=True):
        assert source.label in text
        assert source.label in desc
        assert tooltip.startswith(f"{source.label}: {source.records} records")
    for label in ("Records identified", "Duplicates removed", "Records screened on title",
                  "Full texts sought", "Not retrieved", "Full texts assessed",
                  "Excluded, with reasons", "Documents included", "Evidence (n=24)",
                  "Main searches (n=295)", "Supplementary searches (n=50)",
                  "(4 still being screened)", "(2 still being screened)"):  # fmt: skip
        assert label in text, label


def test_supplementary_searches_stand_in_their_own_column_on_the_right():
    placed = flow_layout(review())
    frames = {group.key: group.shapes[0].rect for group in placed.groups if group.kind == "sources"}
    assert frames["supplementary"].x > frames["main"].right
    sources = [group for group in placed.groups if group.kind == "source"]
    expert = next(group for group in sources if "Expert" in group.tooltip)
    assert expert.shapes[0].rect.x > frames["main"].right


def test_arrows_are_paths_ending_in_one_marker():
    root = parse(flow_svg(review()))
    markers = root.findall(".//svg:defs/svg:marker", NS)
    assert len(markers) == 1
    arrows = root.findall(".//svg:g[@class='arrow']/svg:path", NS)
    # two from the source frames, four down the stages, four to the side boxes
    assert len(arrows) == 10
    assert {arrow.get("marker-end") for arrow in arrows} == {f"url(#{markers[0].get('id')})"}


def test_hostile_labels_are_escaped_and_there_is_no_style_or_script():
    counts = FlowCounts(
        sources=(SourceCount(HOSTILE, 3, "evidence"), SourceCount(HOSTILE, 2, HOSTILE)),
        identified=5,
        duplicates_removed=0,
        screened_ta=5,
        excluded_ta=4,
        excluded_ta_reasons=(Reason(HOSTILE, 4),),
        sought_ft=1,
        assessed_ft=1,
        excluded_ft=1,
        excluded_ft_reasons=(Reason(HOSTILE, 1),),
        included_by_purpose=((HOSTILE, 0),),
    )
    svg = flow_svg(counts, HOSTILE)
    root = parse(svg)
    assert root.find("svg:title", NS).text == HOSTILE
    assert HOSTILE in root.find("svg:desc", NS).text
    assert "<script" not in svg and "<style" not in svg and "style=" not in svg
    assert '&lt;script&gt;alert(1)&lt;/script&gt; &amp; "q"' in svg
    assert not [element for element in root.iter() if element.get("style") is not None]


def test_empty_project_draws_every_box_with_n_zero():
    root = parse(flow_svg(EMPTY))
    text = all_text(root)
    for label in ("Records identified (n=0)", "Duplicates removed (n=0)", "Excluded (n=0)",
                  "Full texts sought (n=0)", "Not retrieved (n=0)", "Full texts assessed (n=0)",
                  "Documents included (n=0)", "No main searches recorded",
                  "No supplementary searches recorded"):  # fmt: skip
        assert label in text, label
    assert "still being screened" not in text
    assert "0 records identified from 0 sources" in root.find("svg:desc", NS).text


def test_thirty_sources_wrap_into_rows_inside_their_frames():
    counts = many_sources(30)
    placed = flow_layout(counts)
    frames = [group.shapes[0].rect for group in placed.groups if group.kind == "sources"]
    boxes = [group.shapes[0].rect for group in placed.groups if group.kind == "source"]
    assert len(boxes) == 30
    assert len({box.y for box in boxes}) > 5
    for box in boxes:
        assert any(f.x <= box.x and box.right <= f.right and box.bottom <= f.bottom for f in frames)
    assert all(box.right <= placed.width for box in boxes)
    root = parse(flow_svg(counts))
    assert len(root.findall(".//svg:g[@class='source']", NS)) == 30


def test_long_reason_labels_keep_their_count():
    reason = Reason("A very long reason " * 20, 7)
    counts = dataclasses.replace(review(), excluded_ft_reasons=(reason, Reason("Other", 18)))
    text = all_text(parse(flow_svg(counts)))
    assert "… (n=7)" in text


def test_counts_that_do_not_add_up_are_flagged_in_the_drawing():
    counts = dataclasses.replace(review(), duplicates_removed=80)
    text = all_text(parse(flow_svg(counts)))
    assert "Check the counts" in text
    assert "Check the counts" not in all_text(parse(flow_svg(review())))


def test_output_is_deterministic():
    assert flow_svg(review()) == flow_svg(review())
    assert flow_png(review(), scale=1) == flow_png(review(), scale=1)


# PNG


@pytest.mark.parametrize(
    "counts", [review(), EMPTY, many_sources(30)], ids=["review", "empty", "30"]
)
def test_png_opens_with_pillow_at_the_layout_size(counts):
    png = flow_png(counts, scale=1.5)
    assert png.startswith(PNG_SIGNATURE)
    placed = flow_layout(counts)
    with Image.open(io.BytesIO(png)) as image:
        image.verify()
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (round(placed.width * 1.5), round(placed.height * 1.5))


def test_png_scale_is_bounded():
    with pytest.raises(ValueError):
        flow_png(EMPTY, scale=20)


# PRISMA 2020 CSV


def rows(counts: FlowCounts) -> dict[str, dict[str, str]]:
    reader = csv.DictReader(io.StringIO(prisma_csv(counts)))
    assert tuple(reader.fieldnames) == HEADER
    return {row["data"]: row for row in reader if row["data"] != "NA"}


def test_prisma_csv_has_the_template_header_and_data_names():
    text = prisma_csv(review())
    assert text.splitlines()[0] == "data,node,box,description,boxtext,tooltips,url,n"
    names = rows(review())
    for name in (
        "database_results", "register_results", "website_results", "organisation_results",
        "citations_results", "duplicates", "excluded_automatic", "excluded_other",
        "records_screened", "records_excluded", "dbr_sought_reports", "dbr_notretrieved_reports",
        "other_sought_reports", "other_notretrieved_reports", "dbr_assessed", "dbr_excluded",
        "other_assessed", "other_excluded", "new_studies", "new_reports", "total_studies",
        "total_reports",
    ):  # fmt: skip
        assert name in names, name


def test_prisma_csv_numbers_map_main_and_supplementary_searches():
    data = {name: row["n"] for name, row in rows(review()).items()}
    assert data["database_results"] == "295"
    assert data["database_specific_results"].startswith("Google Scholar scoping, 20; MEDLINE")
    assert data["citations_results"] == "30"
    assert data["organisation_results"] == "8"
    assert data["website_results"] == "12"
    assert data["register_results"] == "0"
    expected = {
        "duplicates": "85",
        "records_screened": "260",
        "records_excluded": "190",
        "dbr_sought_reports": "66",
        "dbr_notretrieved_reports": "3",
        "dbr_assessed": "63",
        "dbr_excluded": "No data on mechanisms, 18; Opinion piece, 7",
        "other_sought_reports": "0",
        "other_assessed": "0",
        "new_studies": "36",
        "total_studies": "36",
        "total_reports": "36",
    }
    assert {name: data[name] for name in expected} == expected
    assert not any(value.startswith("=") for value in data.values())


def test_prisma_csv_reason_lists_survive_the_packages_parsing():
    counts = dataclasses.replace(
        review(), excluded_ft_reasons=(Reason("Wrong setting, not primary care; other", 25),)
    )
    assert rows(counts)["dbr_excluded"]["n"] == "Wrong setting not primary care other, 25"
    unexplained = dataclasses.replace(review(), excluded_ft_reasons=(Reason("Opinion", 5),))
    assert rows(unexplained)["dbr_excluded"]["n"] == "Opinion, 5; Reason not recorded, 20"


def test_prisma_csv_neutralises_formulas_in_text_cells():
    counts = dataclasses.replace(
        review(),
        sources=(SourceCount('=HYPERLINK("http://x")', 345, "evidence"),),
        excluded_ft_reasons=(Reason("@SUM(A1)", 10), Reason("-1+1", 15)),
    )
    data = rows(counts)
    assert data["database_specific_results"]["n"].startswith("'=HYPERLINK")
    assert data["dbr_excluded"]["n"].startswith("'@SUM")
    assert data["database_results"]["n"] == "345"
    for cell in ("=1", "+1", "-1", "@1", "\t1", "\r1"):
        assert neutralise(cell) == "'" + cell
    assert neutralise("Reason, 3") == "Reason, 3"


def test_prisma_csv_of_an_empty_project():
    data = rows(EMPTY)
    assert data["database_results"]["n"] == "0"
    assert data["database_specific_results"]["n"] == ""
    assert data["dbr_excluded"]["n"] == ""
    assert data["total_studies"]["n"] == "0"


def test_the_package_imports_no_django():
    code = "import sys, retroduce.reports.flow; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
