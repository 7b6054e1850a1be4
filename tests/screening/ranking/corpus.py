"""A small synthetic labelled corpus for the ranking tests (written here, no shared data)."""

from __future__ import annotations

import csv
import random
from pathlib import Path

_RELEVANT = [
    "leadership",
    "integrated",
    "care",
    "teams",
    "social",
    "health",
    "collaboration",
    "managers",
    "trust",
    "power",
    "resilience",
    "professional",
]
_OTHER = [
    "software",
    "testing",
    "compiler",
    "network",
    "protein",
    "soil",
    "bridge",
    "engine",
    "galaxy",
    "battery",
    "fishery",
    "volcano",
    "traffic",
    "poetry",
    "market",
]


def corpus(size: int = 60, relevant: int = 8, seed: int = 1) -> tuple[list[str], list[int]]:
    """`size` texts ("title\\nabstract"), the first `relevant` on topic, shuffled by `seed`."""
    rng = random.Random(seed)
    rows = []
    for i in range(size):
        on_topic = i < relevant
        words = _RELEVANT if on_topic else _OTHER
        title = " ".join(rng.choice(words) for _ in range(5))
        abstract = " ".join(rng.choice(words + _OTHER) for _ in range(25))
        rows.append((f"{title}\n{abstract}", int(on_topic)))
    rng.shuffle(rows)
    return [text for text, _ in rows], [label for _, label in rows]


def write_csv(path: Path, size: int = 60, relevant: int = 8) -> tuple[list[str], list[int]]:
    texts, labels = corpus(size, relevant)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "title", "abstract", "label_included"])
        for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
            title, abstract = text.split("\n", 1)
            writer.writerow([i, title, abstract, label])
    return texts, labels
