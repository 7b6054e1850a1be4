"""`retroduce attach PROJECT PATH… [--kind K]`: a folder of full texts from the command line."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from retroduce.core.models import Event
from retroduce.documents.models import Document
from retroduce.site.cli import app
from tests.documents.pdfs import make_pdf, make_scanned_pdf

runner = CliRunner()
pytestmark = pytest.mark.django_db


def test_a_folder_is_attached_extracted_and_reported(team, tmp_path):
    folder = tmp_path / "fulltexts"
    (folder / "sub").mkdir(parents=True)
    (folder / "paper.pdf").write_bytes(make_pdf(["Page one text.", "Page two text."]))
    (folder / "sub" / "notes.txt").write_text("Stakeholder notes.\n", encoding="utf-8")
    (folder / "scan.pdf").write_bytes(make_scanned_pdf(pages=1))
    (folder / ".DS_Store").write_bytes(b"\x00\x01")
    result = runner.invoke(app, ["attach", "icl", str(folder)])
    assert result.exit_code == 0, result.output
    assert "paper.pdf: 2 pages of text" in result.output
    assert "no text layer on page(s) 1" in result.output
    assert "3 attached" in result.output
    assert set(Document.objects.values_list("status", flat=True)) == {"ready"}
    assert Event.objects.filter(verb="attached").first().actor_name.startswith("cli:")


def test_refused_files_are_named_and_the_exit_code_says_so(team, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Fine.\n", encoding="utf-8")
    bad = tmp_path / "photo.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    result = runner.invoke(app, ["attach", "icl", str(good), str(bad), "--kind", "policy"])
    assert result.exit_code == 1
    assert "photo.png" in result.output
    assert Document.objects.get().kind == "policy"


def test_an_unknown_kind_is_refused_before_anything_is_attached(team, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Fine.\n", encoding="utf-8")
    result = runner.invoke(app, ["attach", "icl", str(good), "--kind", "novel"])
    assert result.exit_code == 2 and "Unknown kind 'novel'" in result.output
    assert not Document.objects.exists()
