"""`retroduce export PROJECT --format qdpx`: the demo's coding as a REFI-QDA project."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from retroduce.coding.models import Code, Fragment, Memo
from retroduce.exchange import refi
from retroduce.exchange.refi_export import project_to_refi
from retroduce.site.cli import app
from retroduce.site.demo import DEMO_SLUG, load_demo
from retroduce.theory.models import CMOC

pytestmark = pytest.mark.django_db

XSD = Path(__file__).with_name("Project-mrt2019.xsd")


def _walk(codes):
    for code in codes:
        yield code
        yield from _walk(code.children)


def test_the_demo_exports_every_code_fragment_memo_and_cmoc(tmp_path):
    project, _ = load_demo()
    out = tmp_path / "demo.qdpx"
    result = CliRunner().invoke(app, ["export", DEMO_SLUG, "--format", "qdpx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    model, report = refi.read_qdpx(out.read_bytes(), out.name)
    assert not report.warnings
    codes = {c.guid: c for c in _walk(model.codebook)}
    live = Code.objects.filter(project=project, merged_into__isnull=True)
    assert set(codes) == {str(c.uuid) for c in live}
    # The realist kinds are folders unless passages were coded with the kind itself.
    context = live.get(name="Context", parent=None)
    intervention = live.get(name="Intervention", parent=None)
    assert codes[str(context.uuid)].is_codable and not codes[str(intervention.uuid)].is_codable
    selections = {s.guid: (src, s) for src in model.sources for s in src.selections}
    for fragment in Fragment.objects.filter(document__project=project):
        source, selection = selections[str(fragment.uuid)]
        assert source.plain_text[selection.start : selection.end] == fragment.quote
        assert set(selection.code_guids) == {str(c.uuid) for c in fragment.codes.all()}
    assert {n.guid for n in model.notes} == {
        str(m.uuid) for m in Memo.objects.filter(project=project)
    }
    latest_cmocs = CMOC.objects.filter(
        component__version__project=project, component__version__frozen=False
    )
    assert {s.guid for s in model.sets} == {str(c.uuid) for c in latest_cmocs}
    assert any(case.variable_values for case in model.cases)  # the workshop notes' appraisal


def test_the_export_validates_against_the_refi_schema():
    xmlschema = pytest.importorskip("xmlschema")
    project, _ = load_demo()
    schema = xmlschema.XMLSchema(str(XSD))
    schema.validate(refi.project_qde(project_to_refi(project)).decode())


def test_an_unknown_export_format_is_refused_with_the_choices(tmp_path):
    result = CliRunner().invoke(
        app, ["export", DEMO_SLUG, "--format", "endnote", "--out", str(tmp_path / "a.enl")]
    )
    assert result.exit_code == 2 and "choose archive, qdpx, qdc, ris, csv, xlsx" in result.output
    assert not (tmp_path / "a.enl").exists()
