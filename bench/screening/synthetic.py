"""A synthetic labelled screening set for timing: made-up words, topics, 3% relevant.

    python synthetic.py OUT.csv --records 100000 [--seed 11]

Only numpy and the standard library, so that both Retroduce's interpreter and the ASReview
virtual environment can run it. The texts are not meant to be realistic to read, only realistic
in shape for a TF-IDF model: a Zipf-distributed background vocabulary of 40,000 made-up words, 60
topics of 400 words each, a 12-word title and a 180-word abstract per record (about the sizes of
real title/abstract records), and relevant records drawn from one topic.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]


def vocabulary(rng: np.random.Generator, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES, size=int(rng.integers(2, 5)))))
    return sorted(words)


def generate(path: Path, records: int, seed: int = 11, prevalence: float = 0.03) -> None:
    rng = np.random.default_rng(seed)
    words = np.asarray(vocabulary(rng, 40_000))
    background = 1.0 / np.arange(1, len(words) + 1) ** 1.05
    background /= background.sum()
    topics = [rng.choice(len(words), size=400, replace=False) for _ in range(60)]
    relevant = rng.random(records) < prevalence
    topic_of = np.where(relevant, 0, rng.integers(1, len(topics), size=records))
    topic_words = np.stack(topics)
    length = 12 + 180  # title words, then abstract words
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "title", "abstract", "label_included"])
        # Drawn in chunks: one weighted draw per word would take minutes for 100,000 records.
        for start in range(0, records, 5000):
            stop = min(start + 5000, records)
            count = stop - start
            generic = rng.choice(len(words), size=(count, length), p=background)
            own = topic_words[topic_of[start:stop, None], rng.integers(0, 400, (count, length))]
            # A third of a record's words come from its topic (more in the title).
            share = np.r_[np.full(12, 0.4), np.full(180, 0.3)]
            tokens = words[np.where(rng.random((count, length)) < share, own, generic)]
            for row, i in enumerate(range(start, stop)):
                title = " ".join(tokens[row, :12])
                abstract = " ".join(tokens[row, 12:])
                writer.writerow([i, title, abstract, int(relevant[i])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    generate(args.out, args.records, args.seed)


if __name__ == "__main__":
    main()
