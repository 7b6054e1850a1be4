"""Passages that resemble a code's fragments, found in the uncoded parts of other documents.

    engine = SuggestionEngine({doc_id: text, ...})        # once per corpus: segment and index
    engine.suggest(positives=[quotes of the code's fragments and accepted suggestions],
                   negatives=[rejected suggestions],
                   exclude={doc_id: [(start, end), ...]})  # spans already coded with the code

The index is TF-IDF over sentence-level passages: word 1-2-grams without English stop words,
sublinear term frequency. Features are hashed (2**20 columns) instead of kept in a vocabulary:
a corpus of 1,000 papers has millions of distinct bigrams, and a dictionary of them costs more
memory and time than the matrix itself; collisions at this width are rare enough not to move a
ranking. Rows are L2-normalised, so a sparse product is a cosine similarity.

Scoring, per passage:
- only positives: the cosine to the positives' centroid (the passage looks like the code as a
  whole) plus a small weight on the nearest positive's cosine (it looks like one fragment);
- rejected suggestions lower that score by their own nearest cosine, so that a rejection moves
  its look-alikes down at once;
- with at least one rejection and two positives, a logistic regression is also trained on
  positives against rejections plus a sample of random passages (weak negatives: most passages
  are not about any one code), and its ranking is averaged with the similarity ranking;
- with an embedder, the same similarity score on embeddings is ranked and averaged in.
Each suggestion names the positive it is closest to, so the reviewer sees why it came up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import scipy.sparse as sp
from scipy.stats import rankdata
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from retroduce.coding.suggestions.segment import segment

D = TypeVar("D", bound=Hashable)
Embedder = Callable[[list[str]], np.ndarray]

N_FEATURES = 2**20
# Measured on bench/coding_suggestions.py (precision@10, mean of 8 proxy codes, 2 seeds): nearest
# 0.8 + centroid 0.2 scored 0.29, 0.5/0.5 0.34, 0.3/0.7 0.38, 0.1/0.9 0.45, centroid alone 0.44.
# With many positives the nearest one is often a stock sentence ("We searched MEDLINE ...") that
# matches passages on any topic; the centroid averages that noise away. The nearest keeps a small
# weight so that a near-copy of one fragment still comes up.
NEAREST_WEIGHT = 0.1
CENTROID_WEIGHT = 0.9
REJECTED_WEIGHT = 0.5
SOFT_NEGATIVES = 200
SOFT_NEGATIVE_WEIGHT = 0.2
# How many positives are compared with every passage at once: the dense block is passages x this.
_BLOCK = 32
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Suggestion(Generic[D]):
    doc: D
    start: int
    end: int
    text: str  # the document's text[start:end]
    score: float  # higher is more alike; comparable within one suggest() call
    closest: int  # index into the positives of the one this passage is most like
    closest_similarity: float  # cosine to that positive (0..1)


def _rank(values: np.ndarray) -> np.ndarray:
    """Scores mapped to (0, 1] by rank, so that scores on different scales can be averaged."""
    return rankdata(values, method="average") / len(values)


def _key(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


class SuggestionEngine(Generic[D]):
    """A TF-IDF index of every passage of a corpus, built once and queried many times."""

    def __init__(self, documents: Mapping[D, str]) -> None:
        self._keys: list[D] = list(documents)
        self._texts: list[str] = [documents[key] for key in self._keys]
        self._rows: dict[D, tuple[int, int]] = {}
        doc_of_row: list[int] = []
        starts: list[int] = []
        ends: list[int] = []
        passages: list[str] = []
        for number, (key, text) in enumerate(zip(self._keys, self._texts, strict=True)):
            first = len(starts)
            for start, end in segment(text):
                doc_of_row.append(number)
                starts.append(start)
                ends.append(end)
                passages.append(text[start:end])
            self._rows[key] = (first, len(starts))
        self._doc_of_row = np.asarray(doc_of_row, dtype=np.int32)
        self._starts = np.asarray(starts, dtype=np.int64)
        self._ends = np.asarray(ends, dtype=np.int64)
        self._hasher = HashingVectorizer(
            ngram_range=(1, 2),
            stop_words="english",
            alternate_sign=False,
            norm=None,
            n_features=N_FEATURES,
            dtype=np.float32,
        )
        self._tfidf = TfidfTransformer(sublinear_tf=True)
        self._matrix: sp.csr_matrix = sp.csr_matrix((0, N_FEATURES), dtype=np.float32)
        if passages:
            counts = self._hasher.transform(passages)
            self._matrix = self._tfidf.fit_transform(counts).astype(np.float32).tocsr()
        # Keyed by the embedder's `key` attribute (the model's name) where it has one, so that
        # passage embeddings computed in a background task survive pickling with the index.
        self._embedded: dict[object, np.ndarray] = {}

    def __len__(self) -> int:
        """The number of passages indexed."""
        return self._matrix.shape[0]

    def passages(self, doc: D) -> list[tuple[int, int]]:
        """The passages of one document, as (start, end) offsets."""
        first, last = self._rows.get(doc, (0, 0))
        starts, ends = self._starts[first:last].tolist(), self._ends[first:last].tolist()
        return list(zip(starts, ends, strict=True))

    def _vectorise(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self._tfidf.transform(self._hasher.transform(list(texts))).astype(np.float32).tocsr()

    def embed_passages(self, embed: Embedder) -> None:
        """Embed every passage now (the slow part: minutes on a CPU for a large corpus)."""
        self._embeddings(embed)

    def _embeddings(self, embed: Embedder) -> np.ndarray:
        # Embedding every passage is the slow part, so it is done once per embedder and kept
        # with the index.
        key = getattr(embed, "key", embed)
        if key not in self._embedded:
            passages = [
                self._texts[d][s:e]
                for d, s, e in zip(self._doc_of_row, self._starts, self._ends, strict=True)
            ]
            vectors = np.asarray(embed(passages), dtype=np.float32)
            self._embedded[key] = normalize(vectors) if len(passages) else vectors
        return self._embedded[key]

    @staticmethod
    def _similarity(
        matrix: sp.csr_matrix | np.ndarray,
        positives: sp.csr_matrix | np.ndarray,
        negatives: sp.csr_matrix | np.ndarray | None,
    ) -> np.ndarray:
        """Nearest-positive cosine + centroid cosine - nearest-rejection cosine, per passage."""
        nearest = _nearest(matrix, positives)
        centroid = normalize(np.asarray(positives.sum(axis=0)).reshape(1, -1))
        towards = np.asarray(matrix @ centroid.T).ravel()
        score = NEAREST_WEIGHT * nearest + CENTROID_WEIGHT * towards
        if negatives is not None and negatives.shape[0]:
            score -= REJECTED_WEIGHT * _nearest(matrix, negatives)
        return score

    def _classifier(self, positives: sp.csr_matrix, negatives: sp.csr_matrix) -> np.ndarray:
        rng = np.random.default_rng(0)  # the same sample every call: suggestions are repeatable
        size = min(SOFT_NEGATIVES, len(self))
        sample = self._matrix[np.sort(rng.choice(len(self), size=size, replace=False))]
        features = sp.vstack([positives, negatives, sample]).tocsr()
        labels = np.r_[np.ones(positives.shape[0]), np.zeros(negatives.shape[0] + size)]
        weights = np.r_[
            np.ones(positives.shape[0] + negatives.shape[0]), np.full(size, SOFT_NEGATIVE_WEIGHT)
        ]
        # Only the columns the training rows use can get a weight; fitting on those alone keeps
        # the solver's vectors at a few thousand entries instead of 2**20.
        columns = np.unique(features.indices)
        model = LogisticRegression(C=10.0, class_weight="balanced", max_iter=1000)
        model.fit(features[:, columns], labels, sample_weight=weights)
        coefficients = np.zeros(self._matrix.shape[1], dtype=np.float32)
        coefficients[columns] = model.coef_.ravel()
        return np.asarray(self._matrix @ coefficients).ravel()

    def _excluded(self, exclude: Mapping[D, Sequence[tuple[int, int]]]) -> np.ndarray:
        blocked = np.zeros(len(self), dtype=bool)
        for doc, spans in exclude.items():
            first, last = self._rows.get(doc, (0, 0))
            if first == last:
                continue
            starts, ends = self._starts[first:last], self._ends[first:last]
            for start, end in spans:
                blocked[first:last] |= (starts < end) & (ends > start)
        return blocked

    def _top(self, score: np.ndarray, k: int, known: set[str]) -> list[int]:
        """The k best rows with a finite score whose text is not already known."""
        wanted = min(len(self), k + len(known) + 1)
        while True:
            if wanted < len(self):
                top = np.argpartition(-score, wanted - 1)[:wanted]
            else:
                top = np.arange(len(self))
            # Ties are broken by corpus order, so the same query always returns the same list.
            top = top[np.lexsort((top, -score[top]))]
            chosen: list[int] = []
            for row in top.tolist():
                if not np.isfinite(score[row]):
                    return chosen
                doc = int(self._doc_of_row[row])
                if _key(self._texts[doc][self._starts[row] : self._ends[row]]) in known:
                    continue
                chosen.append(row)
                if len(chosen) == k:
                    return chosen
            if wanted >= len(self):
                return chosen
            # Known texts occur more often than there were known texts (copies across documents).
            wanted = min(len(self), wanted * 4)

    def suggest(
        self,
        positives: Sequence[str],
        negatives: Sequence[str] = (),
        exclude: Mapping[D, Sequence[tuple[int, int]]] | None = None,
        k: int = 10,
        embed: Embedder | None = None,
    ) -> list[Suggestion[D]]:
        """The k passages most like `positives` and unlike `negatives`, outside `exclude`.

        Passages whose text is one of the positives or negatives are never suggested: those are
        already coded, accepted or rejected wherever they occur.
        """
        positives = [p for p in positives if p.strip()]
        negatives = [n for n in negatives if n.strip()]
        if not positives or not len(self) or k <= 0:
            return []
        pos = self._vectorise(positives)
        neg = self._vectorise(negatives) if negatives else None
        score = self._similarity(self._matrix, pos, neg)
        if neg is not None and len(positives) >= 2:
            score = (_rank(score) + _rank(self._classifier(pos, neg))) / 2
        pos_embedded = None
        if embed is not None:
            passages = self._embeddings(embed)
            pos_embedded = normalize(np.asarray(embed(positives), dtype=np.float32))
            neg_embedded = (
                normalize(np.asarray(embed(negatives), dtype=np.float32)) if negatives else None
            )
            semantic = self._similarity(passages, pos_embedded, neg_embedded)
            score = (_rank(score) + _rank(semantic)) / 2

        blocked = self._excluded(exclude or {})
        score = np.where(blocked, -np.inf, score)
        known = {_key(text) for text in (*positives, *negatives)}
        chosen = self._top(score, k, known)
        if not chosen:
            return []

        # Which positive explains each suggestion: cosine on TF-IDF, averaged with the embedding
        # cosine when there is one.
        closeness = (self._matrix[chosen] @ pos.T).toarray()
        if embed is not None and pos_embedded is not None:
            closeness = (closeness + self._embeddings(embed)[chosen] @ pos_embedded.T) / 2
        suggestions: list[Suggestion[D]] = []
        for i, row in enumerate(chosen):
            doc = int(self._doc_of_row[row])
            start, end = int(self._starts[row]), int(self._ends[row])
            nearest = int(np.argmax(closeness[i]))
            suggestions.append(
                Suggestion(
                    doc=self._keys[doc],
                    start=start,
                    end=end,
                    text=self._texts[doc][start:end],
                    score=float(score[row]),
                    closest=nearest,
                    closest_similarity=float(closeness[i, nearest]),
                )
            )
        return suggestions


def _nearest(matrix: sp.csr_matrix | np.ndarray, others: sp.csr_matrix | np.ndarray) -> np.ndarray:
    """Per row of `matrix`, the highest cosine to any row of `others` (both L2-normalised)."""
    best = np.zeros(matrix.shape[0], dtype=np.float32)
    for first in range(0, others.shape[0], _BLOCK):
        block = matrix @ others[first : first + _BLOCK].T
        dense = block.toarray() if sp.issparse(block) else np.asarray(block)
        np.maximum(best, dense.max(axis=1), out=best)
    return best
