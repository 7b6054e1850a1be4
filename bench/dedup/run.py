"""Deduplication benchmark: Retroduce against bib-dedupe 0.11.0, side by side, then 100k runs.

    .venv/bin/python bench/dedup/run.py [--data DIR] [--sets respiratory,haematology]
                                        [--synthetic 100000] [--low-diversity 100000]
                                        [--skip-bibdedupe]

Each labelled dataset folder with a records.csv (default ../shared/data/dedup, or
$RETRODUCE_DEDUP_DATA) is deduplicated by both tools, each in its own process: ours with this
interpreter, bib-dedupe in bench/.venv-bibdedupe (created from PyPI on first use). Each tool times
itself the same way (from reading the CSV to having the clusters) and reports its peak memory;
both write `ID,cluster_id`, and the metrics are computed from those files by one function
(metrics.py), so the two are scored identically. Gold labels are never passed to either tool.
The data is read in place; outputs go to bench/out/ (git-ignored). The scaling runs use two
generated sets of 100,000 records: synthetic.py (perturbed duplicates and hard negatives) and
lowdiversity.py (look-alike records from tiny vocabularies, all distinct: huge blocks).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
OUT = REPO / "bench" / "out"
VENV = REPO / "bench" / ".venv-bibdedupe"
BIB_DEDUPE = "bib-dedupe==0.11.0"

sys.path.insert(0, str(HERE))

from metrics import Confusion, confusion, read_clusters, read_gold  # noqa: E402
from synthetic import generate  # noqa: E402


@dataclass
class Run:
    tool: str
    confusion: Confusion
    seconds: float
    peak_mb: float


def venv_python() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"Creating {VENV} with {BIB_DEDUPE} from PyPI …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", BIB_DEDUPE], check=True)
    return python


def run_tool(tool: str, records: Path, out: Path) -> tuple[float, float]:
    """Run one tool in its own process; returns (seconds, peak MB) as the tool measured them."""
    if tool == "retroduce":
        command = [sys.executable, str(HERE / "ours_runner.py"), str(records), str(out)]
    else:
        command = [str(venv_python()), str(HERE / "bibdedupe_runner.py"), str(records), str(out)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=OUT)
    if done.returncode != 0:
        raise SystemExit(f"{tool} failed on {records}:\n{done.stderr[-3000:]}")
    stats = json.loads(done.stdout.strip().splitlines()[-1])
    return stats["seconds"], stats["peak_mb"]


def evaluate(tool: str, name: str, records: Path) -> Run:
    out = OUT / f"{name}_{tool}.csv"
    seconds, peak = run_tool(tool, records, out)
    ids, gold = read_gold(records)
    return Run(tool, confusion(ids, gold, read_clusters(out)), seconds, peak)


def row(name: str, n: int, run: Run) -> str:
    c = run.confusion
    return (
        f"| {name} | {n} | {run.tool} | {c.tp} | {c.fp} | {c.fn} | {c.tn} | "
        f"{c.sensitivity:.3f} | {c.specificity:.4f} | {run.seconds:.2f} | {run.peak_mb:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    default_data = os.environ.get(
        "RETRODUCE_DEDUP_DATA", str(REPO.parent / "shared" / "data" / "dedup")
    )
    parser.add_argument("--data", type=Path, default=Path(default_data))
    parser.add_argument("--sets", default="", help="comma-separated folder names (default: all)")
    parser.add_argument("--synthetic", type=int, default=100_000, help="0 skips the scaling run")
    parser.add_argument(
        "--low-diversity", type=int, default=100_000, help="0 skips the look-alike run"
    )
    parser.add_argument("--skip-bibdedupe", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    wanted = {s for s in args.sets.split(",") if s}
    folders = (
        sorted(
            p
            for p in args.data.iterdir()
            if (p / "records.csv").is_file() and (not wanted or p.name in wanted)
        )
        if args.data.is_dir()
        else []
    )
    if not folders:
        print(f"No dataset folders with records.csv under {args.data}")
    header = (
        "| dataset | records | tool | TP | FP | FN | TN | sensitivity | specificity | seconds | peak MB |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [header]
    speedups = []
    for folder in folders:
        records = folder / "records.csv"
        n = len(read_gold(records)[0])
        ours = evaluate("retroduce", folder.name, records)
        lines.append(row(folder.name, n, ours))
        print(lines[-1], flush=True)
        if not args.skip_bibdedupe:
            theirs = evaluate("bib-dedupe", folder.name, records)
            lines.append(row(folder.name, n, theirs))
            print(lines[-1], flush=True)
            speedups.append((folder.name, theirs.seconds / ours.seconds))
    print()
    print("\n".join(lines))
    for name, factor in speedups:
        print(f"speed-up on {name}: {factor:.1f}x")

    if args.synthetic:
        path = OUT / f"synthetic_{args.synthetic}.csv"
        started = time.perf_counter()
        works = generate(path, args.synthetic)
        print(
            f"\nSynthetic set: {args.synthetic} records, {works} works "
            f"(generated in {time.perf_counter() - started:.1f} s, {path})"
        )
        ours = evaluate("retroduce", path.stem, path)
        print(header)
        print(row(path.stem, args.synthetic, ours))

    if args.low_diversity:
        path = OUT / f"lowdiversity_{args.low_diversity}.csv"
        started = time.perf_counter()
        # In a process of its own: a parent grown by parsing 100,000 records would be counted in
        # the runner's peak memory (Linux keeps the high-water mark of a fork across exec).
        command = [sys.executable, str(HERE / "lowdiversity.py"), str(path)]
        subprocess.run([*command, "--records", str(args.low_diversity)], check=True)
        works = len(set(read_gold(path)[1].values()))
        print(
            f"\nLook-alike set: {args.low_diversity} records, {works} works "
            f"(generated in {time.perf_counter() - started:.1f} s, {path})"
        )
        ours = evaluate("retroduce", path.stem, path)
        print(header)
        print(row(path.stem, args.low_diversity, ours))


if __name__ == "__main__":
    main()
