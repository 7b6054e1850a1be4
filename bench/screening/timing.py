"""Per-retrain timings of both tools on synthetic sets (2,000 and 100,000 records)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

sys.path.insert(0, str(HERE))

from synthetic import generate  # noqa: E402


def _run(python: Path | str, tool: str, path: Path, model: str) -> dict:
    command = [str(python), str(HERE / "timing_runner.py"), tool, str(path), model]
    done = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"timing of {tool} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def time_both(model: str, sizes: list[int], asreview_python: Path | None) -> dict:
    """{size: {tool: {"build_s": s, "retrain_ms": {labels: ms}}}}; one tool at a time, so
    neither competes with the other for the two cores."""
    results: dict[int, dict] = {}
    folder = Path(tempfile.mkdtemp(prefix="retroduce-timing-"))
    try:
        for size in sizes:
            path = folder / f"synthetic_{size}.csv"
            generate(path, size)
            results[size] = {"Retroduce default": _run(sys.executable, "retroduce", path, model)}
            print(f"timed Retroduce on {size:,} records: {results[size]}", flush=True)
            if asreview_python is not None:
                results[size]["ASReview ELAS u4"] = _run(asreview_python, "asreview", path, model)
                print(f"timed ASReview on {size:,} records: {results[size]}", flush=True)
            path.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return results
