"""The report from the recorded work: the demo's checklist and findings, an empty project, and
imported text that must not break Word or HTML."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import docx
import pytest
from django.urls import reverse
from typer.testing import CliRunner

from retroduce.reports.build import build_report
from retroduce.reports.checklist import ITEMS
from retroduce.reports.counting import flow_counts
from retroduce.reports.views import render_report
from retroduce.reports.writers import to_docx, to_html, to_markdown
from retroduce.site.cli import app
from retroduce.site.demo import DEMO_SLUG, load_demo
from retroduce.sources.importing import run_import, store_upload
from tests.sources.ris_samples import ris_file, ris_record

pytestmark = pytest.mark.django_db

EIGHT = [
    "Inspiring intent to work together",
    "Creating the conditions to work together",
    "Balancing multiple perspectives",
    "Working with power",
    "Taking a wider view",
    "A commitment to learning and development",
    "Clarifying complexity",
    "Fostering resilience",
]


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_demo_report_names_every_component_and_item_in_every_format():
    project, _ = load_demo()
    report, items, _facts = build_report(project)
    assert [i.spec.number for i in items] == list(range(1, 20))
    texts = {
        "md": to_markdown(report),
        "html": to_html(report),
        "docx": _docx_text(to_docx(report)),
    }
    for fmt, text in texts.items():
        for name in EIGHT:
            assert name in text, (fmt, name)
        for spec in ITEMS:
            assert spec.name.replace("&", "&amp;") in text or spec.name in text, (fmt, spec.name)
        # 'Fostering resilience' is reported as stakeholder input with no empirical evidence.
        section = text.split("Fostering resilience")[-1]
        assert "Stakeholder input only" in text
        assert "No empirical evidence was found for this component" in text, fmt
        assert section  # present after the heading
    assert "Illustrative feedback item" in texts["md"]


def test_an_empty_project_lists_what_is_missing_instead_of_crashing(team):
    report, items, facts = build_report(team.project)
    statuses = {i.spec.number: i.status for i in items}
    assert statuses[7] == "not yet" and statuses[12] == "not yet"
    gaps = " ".join(g for i in items for g in i.gaps)
    assert "no scoping episode logged" in gaps and "no records imported" in gaps
    for fmt in ("docx", "html", "md"):
        assert render_report(team.project, fmt)
    assert "No programme theory yet." in to_markdown(report)


def _screened_project(team):
    from retroduce.documents.services import attach_document
    from retroduce.screening import services as screening
    from retroduce.screening.services import reasons
    from retroduce.sources import episodes
    from retroduce.sources.models import Record

    owner = team.users["owner"]
    evidence = episodes.create_episode(team.project, owner, purpose="evidence", source="MEDLINE")
    expert = episodes.create_episode(
        team.project, owner, purpose="supplementary", supplementary_kind="expert", source="Dr X"
    )
    from tests.screening.conftest import TOPICS

    titles = TOPICS[:6]
    run_import(
        store_upload(
            team.project,
            owner,
            "m.ris",
            ris_file(
                *[
                    ris_record(t, [f"A{n}, B"], "2020", f"J{n}", doi=f"10.1/x{n}")
                    for n, t in enumerate(titles)
                ]
            ),
            evidence,
        ),
        owner,
    )
    run_import(
        store_upload(
            team.project,
            owner,
            "x.ris",
            ris_file(
                ris_record(titles[0], ["A, B"], "2020", "J"),
                ris_record("Expert tip on power", ["C, D"], "2019", "K"),
            ),
            expert,
        ),
        owner,
    )
    from retroduce.sources.duplicates import merge_pair, pending_pairs

    merge_pair(pending_pairs(team.project).get(), owner)  # the reviewer confirms the duplicate
    unique = list(Record.objects.filter(duplicate_of__isnull=True).order_by("pk"))
    reason = reasons(team.project)[0]
    votes = ["include", "include", "include", "include", "exclude", "exclude", "include"]
    for record, vote in zip(unique, votes, strict=False):
        screening.cast_vote(
            team.project, owner, record, "ta", vote, reason=reason if vote == "exclude" else None
        )
    included = [r for r, v in zip(unique, votes, strict=False) if v == "include"]
    screening.cast_vote(team.project, owner, included[0], "ft", "include")
    screening.cast_vote(team.project, owner, included[1], "ft", "exclude", reason=reason)
    attach_document(team.project, owner, "p3.txt", b"Full text three.\n", record=included[2])
    return unique


def test_the_flow_counts_add_up_at_every_stage(team):
    _screened_project(team)
    flow = flow_counts(team.project)
    assert flow.problems() == []
    assert flow.identified == 8 and flow.duplicates_removed == 1 and flow.screened_ta == 7
    assert (flow.excluded_ta, flow.sought_ft) == (2, 5)
    assert (flow.included, flow.excluded_ft, flow.pending_ft, flow.not_retrieved) == (1, 1, 1, 2)
    assert sum(n for _p, n in flow.included_by_purpose) == flow.included
    assert [s.purpose for s in flow.sources] == ["evidence", "supplementary"]


def test_imported_markup_and_word_breaking_characters_are_escaped(team):
    from retroduce.documents.services import attach_document, run_extraction

    owner = team.users["owner"]
    evil = 'Leaders <script>alert("x")</script> & teams\x0b\x0c\x1f'
    document = attach_document(
        team.project, owner, "e.txt", b"Some text.\n", title=evil, kind="report"
    )
    document.study_design = "<b>bold</b>"
    document.save()
    document = run_extraction(document, owner).document
    from retroduce.coding import codebook
    from retroduce.coding.codebook import live_codes
    from retroduce.coding.services import code_passage

    codebook.ensure_codebook(team.project)
    code_passage(document, owner, 0, 9, [live_codes(team.project).get(name="Context").pk])
    report, _items, _facts = build_report(team.project)
    html = to_html(report)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<b>bold</b>" not in html
    text = _docx_text(to_docx(report))
    assert 'Leaders <script>alert("x")</script> & teams' in text
    assert "\x0b" not in text and "\x1f" not in text
    assert "<script>" not in to_markdown(report)


def test_report_command_writes_each_format(tmp_path):
    load_demo()
    runner = CliRunner()
    for fmt in ("docx", "html", "md"):
        out = tmp_path / f"report.{fmt}"
        result = runner.invoke(app, ["report", DEMO_SLUG, "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
        assert "of 19 RAMESES items met" in result.output
    assert any(p.suffix == ".svg" for p in tmp_path.iterdir())
    assert runner.invoke(app, ["report", DEMO_SLUG, "--format", "pdf", "--out", "x"]).exit_code == 2


def test_reports_page_and_downloads_for_the_team_only(team):
    # The draft quotes every document and every theory version, shared or not: team only.
    stakeholder = team.client("stakeholder")
    assert stakeholder.get(reverse("reports", args=[team.project.slug])).status_code == 403
    md_url = reverse("report_download", args=[team.project.slug, "md"])
    assert stakeholder.get(md_url).status_code == 403
    client = team.client("viewer")
    page = client.get(reverse("reports", args=[team.project.slug]))
    assert page.status_code == 200 and b"RAMESES checklist" in page.content
    md = client.get(reverse("report_download", args=[team.project.slug, "md"]))
    assert zipfile.ZipFile(io.BytesIO(md.content)).namelist()[0] == "report.md"
    csv = client.get(reverse("report_table", args=[team.project.slug, "search-log", "csv"]))
    assert csv.content.decode().startswith("number,purpose")
    prisma = client.get(reverse("flow_file", args=[team.project.slug, "prisma.csv"]))
    assert prisma.status_code == 200
    assert (
        team.client("outsider").get(reverse("reports", args=[team.project.slug])).status_code == 404
    )


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")),
    reason="LibreOffice not installed (.ci/run installs libreoffice-writer-nogui)",
)
def test_the_demo_word_report_opens_in_libreoffice(tmp_path):
    project, _ = load_demo()
    source = tmp_path / "demo.docx"
    source.write_bytes(render_report(project, "docx"))
    office = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run(
        [
            office,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    from retroduce.documents.extraction import extract

    text = extract((tmp_path / "demo.pdf").read_bytes(), "demo.pdf")
    assert len(text.pages) >= 5
    assert "RAMESES checklist" in text.text and "Fostering resilience" in text.text
