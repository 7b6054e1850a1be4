"""The body of `retroduce simulate`: JSON lines out, a rich progress bar on stderr, clean errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .datasets import DatasetError
from .models import MODELS
from .simulation import simulate_file


def run_simulate(file: Path, seeds: int, model: str | None, out: Path | None) -> int:
    """Run the simulations; returns the exit code (0 done, 1 bad input, 2 bad options)."""
    err = Console(stderr=True, soft_wrap=True)
    name = model or "default"
    if name not in MODELS:
        err.print(f"Unknown model {name!r}; choose one of: {', '.join(MODELS)}", markup=False)
        return 2
    if seeds < 1:
        err.print("--seeds must be at least 1", markup=False)
        return 2
    handle: TextIO = sys.stdout
    try:
        if out is not None:
            handle = open(out, "w", encoding="utf-8")  # noqa: SIM115 - closed in finally
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=False,
        ) as progress:
            bar = progress.add_task(f"{file.name}: reading", total=None)
            seed_no = [0]

            def report(done: int, total: int, message: str = "") -> None:
                if message:
                    progress.update(bar, description=f"{file.name}: {message}")
                    return
                if done == 0 or total == 0:
                    return
                progress.update(
                    bar,
                    description=f"{file.name}: seed {seed_no[0] + 1} of {seeds}",
                    completed=seed_no[0] * total + done,
                    total=seeds * total,
                )

            for line in simulate_file(file, seeds=seeds, model=name, report=report):
                handle.write(json.dumps(line) + "\n")
                handle.flush()
                seed_no[0] += 1
    except DatasetError as exc:
        err.print(f"Cannot simulate: {exc}", style="red", markup=False)
        return 1
    except OSError as exc:
        err.print(f"Cannot write {out}: {exc.strerror or exc}", style="red", markup=False)
        return 1
    finally:
        if handle is not sys.stdout:
            handle.close()
    return 0
