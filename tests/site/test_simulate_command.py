"""`retroduce simulate FILE [--seeds N] [--model NAME] [--out FILE.jsonl]`, in-process."""

from __future__ import annotations

import gzip
import json

from typer.testing import CliRunner

from retroduce.site.cli import app
from tests.screening.ranking.corpus import write_csv

runner = CliRunner()

FIELDS = {
    "dataset",
    "seed",
    "model",
    "priors",
    "order",
    "wss95",
    "recall10",
    "loss",
    "atd",
    "seconds",
}


def test_simulate_writes_one_contract_line_per_seed(tmp_path):
    _, labels = write_csv(tmp_path / "set.csv")
    out = tmp_path / "runs.jsonl"
    result = runner.invoke(
        app, ["simulate", str(tmp_path / "set.csv"), "--seeds", "2", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["seed"] for line in lines] == [0, 1]
    for line in lines:
        assert set(line) == FIELDS
        assert line["dataset"] == "set.csv" and line["model"] == "default"
        assert sorted(line["order"] + line["priors"]) == list(range(len(labels)))


def test_simulate_without_out_prints_json_lines(tmp_path):
    write_csv(tmp_path / "set.csv")
    result = runner.invoke(app, ["simulate", str(tmp_path / "set.csv"), "--model", "elas_u4"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1 and json.loads(lines[0])["model"] == "elas_u4"


def test_simulate_refuses_an_unknown_model(tmp_path):
    write_csv(tmp_path / "set.csv")
    result = runner.invoke(app, ["simulate", str(tmp_path / "set.csv"), "--model", "nope"])
    assert result.exit_code != 0
    assert "Unknown model 'nope'" in result.output and "elas_u4" in result.output


def test_simulate_names_the_file_and_line_of_bad_input(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("title,abstract,label_included\nA,B,1\nC,D,perhaps\n")
    result = runner.invoke(app, ["simulate", str(path)])
    assert result.exit_code == 1
    assert "bad.csv, line 3" in result.output and "perhaps" in result.output


def test_simulate_refuses_a_set_without_excludes(tmp_path):
    path = tmp_path / "all_in.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"title": "A", "label_included": 1}\n'))
    result = runner.invoke(app, ["simulate", str(path)])
    assert (
        result.exit_code == 1 and "all_in.jsonl.gz" in result.output and "excluded" in result.output
    )


def test_simulate_of_a_missing_file_fails_cleanly(tmp_path):
    result = runner.invoke(app, ["simulate", str(tmp_path / "missing.csv")])
    assert result.exit_code == 1 and "missing.csv" in result.output
