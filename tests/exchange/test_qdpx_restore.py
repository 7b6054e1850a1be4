"""`retroduce restore FILE.qdpx`: a REFI-QDA project becomes a new Retroduce project."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retroduce.coding.models import Code, Fragment, Memo
from retroduce.core.models import Project
from retroduce.documents.models import Document
from retroduce.site.cli import app
from retroduce.site.demo import DEMO_SLUG, load_demo

pytestmark = pytest.mark.django_db
runner = CliRunner()
SAMPLES = Path("/work/shared/refi-qda")


def test_export_then_restore_keeps_codes_fragments_and_memos(tmp_path):
    demo, _ = load_demo()
    out = tmp_path / "demo.qdpx"
    assert (
        runner.invoke(app, ["export", DEMO_SLUG, "--format", "qdpx", "--out", str(out)]).exit_code
        == 0
    )
    # The GUIDs are the same objects, so restore into a fresh database state: drop the demo first.
    expected_fragments = {
        (str(f.uuid), f.start, f.end, f.quote, frozenset(str(c.uuid) for c in f.codes.all()))
        for f in Fragment.objects.filter(document__project=demo)
    }
    expected_codes = {
        (str(c.uuid), c.name) for c in Code.objects.filter(project=demo, merged_into__isnull=True)
    }
    expected_memos = {str(m.uuid) for m in Memo.objects.filter(project=demo)}
    _forget(demo)
    result = runner.invoke(app, ["restore", str(out), "--owner", "demo-owner"])
    assert result.exit_code == 0, result.output
    slug = result.output.strip().splitlines()[-1]
    project = Project.objects.get(slug=slug)
    # CMOCs travel as sets and come back as memos, reported; appraisals come back as such.
    assert "restored as memo “Set: CMOC 1:" in result.output
    assert "not restored: set" not in result.output and "not restored: case" not in result.output
    fragments = {
        (str(f.uuid), f.start, f.end, f.quote, frozenset(str(c.uuid) for c in f.codes.all()))
        for f in Fragment.objects.filter(document__project=project)
    }
    assert fragments == expected_fragments
    codes = {
        (str(c.uuid), c.name)
        for c in Code.objects.filter(project=project, merged_into__isnull=True)
    }
    assert expected_codes <= codes
    restored = Memo.objects.filter(project=project)
    assert {str(m.uuid) for m in restored.exclude(title__startswith="Set: ")} == expected_memos


def _forget(project):
    """Remove the exported project's coding so the same GUIDs can be restored (as on another machine)."""
    from retroduce.theory.models import EvidenceLink

    EvidenceLink.objects.filter(cmoc__component__version__project=project).delete()
    Memo.objects.filter(project=project).delete()
    Fragment.objects.filter(document__project=project).delete()
    Document.objects.filter(project=project).delete()
    for code in Code.objects.filter(project=project).order_by("-id"):
        code.delete()


@pytest.mark.skipif(
    not SAMPLES.exists(), reason="the shared REFI-QDA samples are not on this machine"
)
def test_an_atlas_ti_sample_restores_and_lists_what_it_left_out(team):
    result = runner.invoke(
        app, ["restore", str(SAMPLES / "target-atlas-project.qdpx"), "--owner", "owner"]
    )
    assert result.exit_code == 0, result.output
    project = Project.objects.get(slug=result.output.strip().splitlines()[-1])
    assert Code.objects.filter(project=project, name="Context", builtin=True).exists()


def test_a_hostile_archive_is_refused_and_nothing_is_created(team, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "project.qde", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
        )
    bad = tmp_path / "evil.qdpx"
    bad.write_bytes(buffer.getvalue())
    before = Project.objects.count()
    result = runner.invoke(app, ["restore", str(bad), "--owner", "owner"])
    assert (
        result.exit_code == 1
        and "Refused, nothing restored: evil.qdpx: project.qde: declares a DTD" in result.output
    )
    assert Project.objects.count() == before


def test_the_owner_must_be_named_when_there_are_several_accounts(team, tmp_path):
    result = runner.invoke(app, ["restore", str(tmp_path / "x.qdpx")])
    assert result.exit_code == 2 and "--owner" in result.output
