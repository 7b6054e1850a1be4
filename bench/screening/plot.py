"""Recall curves, Retroduce default against ASReview ELAS u4, one panel per set (mean over seeds).

    bench/.venv-asreview/bin/python plot.py curves.json recall_curves.png

Runs in the benchmark's virtual environment, where matplotlib is installed (it is not a
dependency of Retroduce).
"""

from __future__ import annotations

import json
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main() -> None:
    curves = json.loads(open(sys.argv[1], encoding="utf-8").read())
    names = sorted(curves, key=str.lower)
    columns = 4
    rows = math.ceil(len(names) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(12, 2.6 * rows), sharex=True, sharey=True)
    flat = axes.ravel() if hasattr(axes, "ravel") else [axes]
    for ax, name in zip(flat, names, strict=False):
        # ASReview wide and light underneath, ours dashed on top: where they coincide, both show.
        for tool, label, colour, width, style in (
            ("asreview", "ASReview ELAS u4", "#f0a98f", 3.0, "-"),
            ("ours", "Retroduce default", "#1f4f6b", 1.2, "--"),
        ):
            values = curves[name].get(tool)
            if values:
                grid = [i / (len(values) - 1) for i in range(len(values))]
                ax.plot(grid, values, label=label, color=colour, linewidth=width, linestyle=style)
        ax.plot([0, 1], [0, 1], color="#999999", linewidth=0.8, linestyle=":")
        ax.set_title(name, fontsize=9)
        ax.grid(alpha=0.3)
    for ax in flat[len(names) :]:
        ax.axis("off")
    for ax in flat[::columns]:
        ax.set_ylabel("recall")
    for ax in flat[-columns:]:
        ax.set_xlabel("share of records screened")
    flat[0].legend(loc="lower right", fontsize=8)
    figure.suptitle("Recall while screening (mean over seeds, same priors for both)", fontsize=11)
    figure.tight_layout()
    figure.savefig(sys.argv[2], dpi=72)


if __name__ == "__main__":
    main()
