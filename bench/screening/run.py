"""Screening prioritisation benchmark: Retroduce against ASReview LAB 3.0.8 (ELAS u4), side by side.

    .venv/bin/python bench/screening/run.py [--data DIR] [--sets Sep_2021,kitchenham_2010]
                                            [--seeds 5] [--model default] [--synthetic 100000]
                                            [--skip-asreview] [--skip-timing]

For every labelled set under DIR (default ../shared/data/screening, or
$RETRODUCE_SCREENING_DATA): the CSVs in open_licensed/ and the .jsonl.gz in synergy_openalex/.
For each seed s both tools start from the same priors (the `retroduce simulate` contract:
default_rng(s), one included row, then one excluded row), are retrained after every label, and
screen until the last relevant record. Ours runs as `retroduce simulate` in this interpreter;
ASReview runs its own Simulate (asreview_runner.py) in bench/.venv-asreview, created from PyPI on
first use. The two run at the same time, one per core, so both see the same load. Both orders
are scored by one function (retroduce.screening.ranking.metrics), so the metrics are comparable.

ASReview reads a CSV: a .jsonl.gz set is converted (title, rebuilt abstract, label_included) into
a temporary folder outside the repository and deleted straight after. Outputs (JSONL of both
tools, the summary JSON) go to bench/out/screening/ (git-ignored); the recall-curve figure goes
to bench/screening/recall_curves.png.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
OUT = REPO / "bench" / "out" / "screening"
VENV = REPO / "bench" / ".venv-asreview"
PEER = ["asreview==3.0.8", "matplotlib==3.11.2"]

sys.path.insert(0, str(REPO / "src"))

from report import summarise, write_tables  # noqa: E402
from timing import time_both  # noqa: E402

from retroduce.screening.ranking.datasets import read_labelled  # noqa: E402
from retroduce.screening.ranking.simulation import draw_priors  # noqa: E402


def venv_python() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"Creating {VENV} with {' '.join(PEER)} from PyPI …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PEER], check=True)
    return python


def datasets(data: Path, wanted: set[str]) -> list[Path]:
    files = sorted((data / "open_licensed").glob("*.csv"))
    files += sorted((data / "synergy_openalex").glob("*.jsonl.gz"))
    return [f for f in files if not wanted or f.name.split(".")[0] in wanted]


def as_csv(path: Path, folder: Path) -> Path:
    """A CSV that ASReview reads; the .jsonl.gz abstracts are rebuilt into a temporary file."""
    if path.suffix == ".csv":
        return path
    data = read_labelled(path)
    target = folder / (path.name.split(".")[0] + ".csv")
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "abstract", "label_included"])
        for text, label in zip(data.texts, data.labels, strict=True):
            title, abstract = text.split("\n", 1)
            writer.writerow([title, abstract, label])
    return target


def ours_command(path: Path, seeds: int, model: str, out: Path) -> list[str]:
    retroduce = Path(sys.executable).parent / "retroduce"
    return [str(retroduce), "simulate", str(path), "--seeds", str(seeds), "--model", model,
            "--out", str(out)]  # fmt: skip


def run_pair(path: Path, seeds: int, model: str, skip_asreview: bool) -> tuple[list, list]:
    """Both tools on one set, concurrently; returns (ours, asreview) JSON lines."""
    name = path.name.split(".")[0]
    ours_out = OUT / f"{name}_retroduce.jsonl"
    peer_out = OUT / f"{name}_asreview.jsonl"
    labels = read_labelled(path).labels
    specs = [f"{s},{a},{b}" for s in range(seeds) for a, b in [draw_priors(labels, s)]]
    folder = Path(tempfile.mkdtemp(prefix="retroduce-bench-"))
    try:
        peer = None
        if not skip_asreview:
            source = as_csv(path, folder)
            command = [str(venv_python()), str(HERE / "asreview_runner.py"), str(source), *specs]
            peer = subprocess.Popen(  # noqa: S603
                command, stdout=open(peer_out, "w"), stderr=subprocess.PIPE, text=True
            )
        mine = subprocess.run(  # noqa: S603
            ours_command(path, seeds, model, ours_out), capture_output=True, text=True
        )
        if mine.returncode != 0:
            raise SystemExit(f"retroduce simulate failed on {path}:\n{mine.stderr[-3000:]}")
        if peer is not None:
            _, errors = peer.communicate()
            if peer.returncode != 0:
                raise SystemExit(f"ASReview failed on {path}:\n{errors[-3000:]}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the rebuilt abstracts never stay on disk
    ours = [json.loads(line) for line in ours_out.read_text().splitlines() if line.strip()]
    theirs = []
    if not skip_asreview:
        theirs = [json.loads(line) for line in peer_out.read_text().splitlines() if line.strip()]
    return ours, theirs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    default_data = os.environ.get(
        "RETRODUCE_SCREENING_DATA", str(REPO.parent / "shared" / "data" / "screening")
    )
    parser.add_argument("--data", type=Path, default=Path(default_data))
    parser.add_argument("--sets", default="", help="comma-separated set names (default: all)")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--model", default="default")
    parser.add_argument("--synthetic", type=int, default=100_000, help="0 skips the 100k timing")
    parser.add_argument("--skip-asreview", action="store_true")
    parser.add_argument("--skip-timing", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    wanted = {s for s in args.sets.split(",") if s}
    files = datasets(args.data, wanted)
    if not files:
        print(f"No labelled sets under {args.data}")
    runs: dict[str, dict] = {}
    for path in files:
        started = time.perf_counter()
        ours, theirs = run_pair(path, args.seeds, args.model, args.skip_asreview)
        labels = read_labelled(path).labels
        runs[path.name.split(".")[0]] = {"labels": labels, "ours": ours, "asreview": theirs}
        print(
            f"{path.name}: {len(labels)} records, {time.perf_counter() - started:.0f} s", flush=True
        )
    summary = summarise(runs)
    timings = {}
    if not args.skip_timing:
        timings = time_both(
            args.model, [2_000] + ([args.synthetic] if args.synthetic else []),
            None if args.skip_asreview else venv_python(),
        )  # fmt: skip
    (OUT / "summary.json").write_text(json.dumps({"sets": summary, "timing": timings}, indent=1))
    print(write_tables(summary, timings, args.seeds))
    if runs and not args.skip_asreview:
        curves = OUT / "curves.json"
        curves.write_text(json.dumps({k: v["curves"] for k, v in summary.items()}))
        subprocess.run(  # noqa: S603
            [
                str(venv_python()),
                str(HERE / "plot.py"),
                str(curves),
                str(HERE / "recall_curves.png"),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
