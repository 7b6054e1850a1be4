"""`retroduce dedup FILE.csv --out clusters.csv` through typer's CliRunner (no database)."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from retroduce.site.cli import app

runner = CliRunner()

HEADER = "ID,title,author,year,journal,volume,number,pages,doi,gold_cluster_id\n"
ROWS = [
    'r1,Chest drains in pleural infection: a randomised trial,"Smith, John and Doe, Ann",2005,'
    "Chest,128,2,100-110,10.1/abc,x\n",
    "r2,CHEST DRAINS IN PLEURAL INFECTION - A RANDOMISED TRIAL.,Smith J; Doe A,2005,Chest,128,2,"
    "100-10,,x\n",
    'r3,A completely different study of hospital parking,"Roe, Rita",2011,BMJ,3,1,5-9,,x\n',
]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_dedup_writes_every_row_and_prints_a_summary(tmp_path):
    src = write(tmp_path / "refs.csv", HEADER + "".join(ROWS))
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, ["dedup", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 records, 2 clusters, 1 duplicates removed, 0 pairs left for review" in result.output
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["ID"] for r in rows] == ["r1", "r2", "r3"]
    clusters = {r["ID"]: r["cluster_id"] for r in rows}
    assert clusters["r1"] == clusters["r2"] != clusters["r3"]


def test_dedup_of_a_malformed_file_names_the_file_and_line(tmp_path):
    src = write(tmp_path / "refs.csv", HEADER + ROWS[0] + ROWS[0])
    result = runner.invoke(app, ["dedup", str(src), "--out", str(tmp_path / "c.csv")])
    assert result.exit_code == 1
    assert f"{src}, line 3: duplicate ID 'r1' (first on line 2)" in result.output
    assert "Traceback" not in result.output


def test_dedup_of_a_missing_file_fails_clearly(tmp_path):
    result = runner.invoke(app, ["dedup", str(tmp_path / "nope.csv"), "--out", "c.csv"])
    assert result.exit_code == 1 and "nope.csv: cannot be read" in result.output
