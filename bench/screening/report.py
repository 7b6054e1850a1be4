"""Scoring both tools' orders with one function, and the Markdown tables of bench/README.md."""

from __future__ import annotations

import numpy as np

from retroduce.screening.ranking import metrics

KEYS = ("loss", "wss95", "recall10", "atd")
CURVE_POINTS = 200


def _score(labels: list[int], line: dict) -> dict:
    truth = np.asarray(labels)
    ordered = truth[line["order"]]
    found = metrics.all_metrics(ordered)
    # One retrain per record screened up to the last relevant one (both tools stop there).
    steps = int(np.flatnonzero(ordered == 1)[-1]) + 1
    found["steps"] = steps
    found["seconds"] = float(line["seconds"])
    found["step_ms"] = 1000 * float(line["seconds"]) / steps
    return found


def _curve(labels: list[int], lines: list[dict]) -> list[float]:
    """Mean recall over seeds at CURVE_POINTS evenly spaced screening fractions."""
    truth = np.asarray(labels)
    grid = np.linspace(0, 1, CURVE_POINTS)
    curves = []
    for line in lines:
        recall = np.r_[0.0, metrics.recall_curve(truth[line["order"]])]
        at = np.round(grid * (len(recall) - 1)).astype(int)
        curves.append(recall[at])
    return np.mean(curves, axis=0).round(4).tolist()


def summarise(runs: dict[str, dict]) -> dict[str, dict]:
    summary = {}
    for name, run in runs.items():
        labels = run["labels"]
        entry = {"records": len(labels), "included": int(sum(labels)), "curves": {}}
        for tool in ("ours", "asreview"):
            lines = run[tool]
            if not lines:
                continue
            scored = [_score(labels, line) for line in lines]
            entry[tool] = {
                key: float(np.mean([s[key] for s in scored]))
                for key in (*KEYS, "seconds", "steps", "step_ms")
            }
            entry[tool]["per_seed_loss"] = [round(s["loss"], 4) for s in scored]
            entry["curves"][tool] = _curve(labels, lines)
        summary[name] = entry
    return summary


def write_tables(summary: dict[str, dict], timings: dict, seeds: int) -> str:
    rows = [
        f"Seeds per set: {seeds} (0..{seeds - 1}); each figure is the mean over seeds.",
        "",
        "| set | records | incl. | tool | loss | WSS@95 | recall@10% | ATD | ms/step | total s |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    means: dict[str, dict[str, list[float]]] = {}
    for name, entry in summary.items():
        for tool, label in (("ours", "Retroduce default"), ("asreview", "ASReview ELAS u4")):
            if tool not in entry:
                continue
            m = entry[tool]
            for key in (*KEYS, "step_ms", "seconds"):
                means.setdefault(tool, {}).setdefault(key, []).append(m[key])
            rows.append(
                f"| {name} | {entry['records']} | {entry['included']} | {label} | "
                f"{m['loss']:.4f} | {m['wss95']:.4f} | {m['recall10']:.3f} | {m['atd']:.1f} | "
                f"{m['step_ms']:.1f} | {m['seconds']:.1f} |"
            )
    for tool, label in (("ours", "Retroduce default"), ("asreview", "ASReview ELAS u4")):
        if tool in means:
            m = {key: float(np.mean(values)) for key, values in means[tool].items()}
            rows.append(
                f"| **mean of {len(summary)} sets** | | | {label} | **{m['loss']:.4f}** | "
                f"**{m['wss95']:.4f}** | {m['recall10']:.3f} | {m['atd']:.1f} | "
                f"{m['step_ms']:.1f} | {sum(means[tool]['seconds']):.0f} (sum) |"
            )
    if "ours" in means and "asreview" in means:
        ours, peer = np.mean(means["ours"]["loss"]), np.mean(means["asreview"]["loss"])
        rows.append("")
        rows.append(
            f"Mean loss: {ours:.4f} (Retroduce) against {peer:.4f} (ELAS u4): "
            f"{100 * (ours / peer - 1):+.1f}%."
        )
    if timings:
        rows += [
            "",
            "| records | tool | build features s | ms per retrain (100 labels) | "
            "(1,000 labels) | (5,000 labels) |",
            "|---:|---|---:|---:|---:|---:|",
        ]
        for size, tools in timings.items():
            for tool, t in tools.items():
                per = t["retrain_ms"]
                found = [per.get(str(n), per.get(n)) for n in (100, 1000, 5000)]
                cells = " | ".join("n/a" if ms is None else f"{ms:.0f}" for ms in found)
                rows.append(f"| {int(size):,} | {tool} | {t['build_s']:.1f} | {cells} |")
    return "\n".join(rows)
