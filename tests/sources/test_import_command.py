"""`retroduce import PROJECT FILE… [--episode N]`."""

from __future__ import annotations

from typer.testing import CliRunner

from retroduce.core.models import Event
from retroduce.site.cli import app
from retroduce.sources import episodes
from retroduce.sources.models import ImportBatch, Record
from tests.sources.ris_samples import LEADERSHIP, LEADERSHIP_AGAIN, POWER, ris_file

runner = CliRunner()


def test_import_files_into_an_episode(team, tmp_path):
    episode = episodes.create_episode(
        team.project, team.users["owner"], purpose="evidence", source="Scopus"
    )
    first, second = tmp_path / "scopus-1.ris", tmp_path / "scopus-2.ris"
    first.write_bytes(ris_file(LEADERSHIP, POWER))
    second.write_bytes(ris_file(LEADERSHIP_AGAIN))
    result = runner.invoke(app, ["import", "icl", str(first), str(second), "--episode", "1"])
    assert result.exit_code == 0, result.output
    assert "imported 2 records" in result.output and "imported 1 records" in result.output
    assert Record.objects.filter(origins__episode=episode).count() == 3
    assert Record.objects.filter(duplicate_of__isnull=False).count() == 1
    assert Event.objects.filter(verb="imported").first().actor_name.startswith("cli:")


def test_a_refused_file_names_the_reason_and_exits_non_zero(team, tmp_path):
    bad = tmp_path / "empty.ris"
    bad.write_bytes(b"")
    result = runner.invoke(app, ["import", "icl", str(bad)])
    assert result.exit_code == 1
    assert "Refused, nothing imported" in result.output and "empty.ris" in result.output
    assert not Record.objects.exists()
    assert ImportBatch.objects.get().status == "failed"


def test_unknown_project_or_episode_fails_clearly(team, tmp_path):
    path = tmp_path / "a.ris"
    path.write_bytes(ris_file(POWER))
    assert "No project with the slug" in runner.invoke(app, ["import", "nope", str(path)]).output
    result = runner.invoke(app, ["import", "icl", str(path), "--episode", "9"])
    assert result.exit_code == 1 and "has no search episode 9" in result.output
    missing = runner.invoke(app, ["import", "icl", str(tmp_path / "absent.ris")])
    assert missing.exit_code == 1 and "cannot be read" in missing.output
