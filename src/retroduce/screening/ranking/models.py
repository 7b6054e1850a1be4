"""The prioritisation models: how features are built once, and how a fit turns labels into scores.

A model is two functions. `build(texts)` makes the feature matrices (the slow part, cached by
Prioritiser.save); `score(features, idx, y, seed, since_include)` fits on the labelled rows `idx`
with labels `y` (both classes present) and returns a score for every row (the part that runs per
label). `since_include` is how many labels were given after the newest include: how long the
model has gone without finding one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from retroduce.screening.stopping import DRY_SHARE

Features = dict[str, sp.csr_matrix | np.ndarray]
Builder = Callable[[Sequence[str]], Features]
Scorer = Callable[[Features, np.ndarray, np.ndarray, int, int], np.ndarray]


@dataclass(frozen=True)
class Model:
    name: str
    description: str
    build: Builder
    score: Scorer


def balanced_weights(y: np.ndarray, ratio: float) -> np.ndarray:
    """ASReview's "balanced" sample weights: includes weigh `ratio` times the excludes in total
    (class 0 gets n1 / (ratio * n0) each), rescaled so the weights sum to the row count."""
    n_in = float((y == 1).sum())
    n_out = float((y == 0).sum())
    weights = np.where(y == 1, 1.0, n_in / (ratio * n_out))
    return weights * (len(y) / weights.sum())


# -- ELAS u4: ASReview LAB 3's default, replicated for comparison ---------------------------------


def _u4_build(texts: Sequence[str]) -> Features:
    # ASReview joins title and abstract with a space; our texts hold "title\nabstract", which the
    # default token pattern splits the same way.
    vectoriser = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, max_df=0.95)
    return {"words": vectoriser.fit_transform(texts).tocsr()}


def _u4_score(
    features: Features, idx: np.ndarray, y: np.ndarray, seed: int, since_include: int = 0
) -> np.ndarray:
    words = features["words"]
    svm = LinearSVC(C=0.11, loss="squared_hinge", random_state=seed)
    svm.fit(words[idx], y, sample_weight=balanced_weights(y, 9.8))
    return svm.decision_function(words)


ELAS_U4 = Model(
    name="elas_u4",
    description="ASReview LAB 3's default ELAS u4: TF-IDF 1-2-grams, linear SVM C=0.11, "
    "balanced 9.8 (for comparison)",
    build=_u4_build,
    score=_u4_score,
)


# -- default ---------------------------------------------------------------------------------------
# ELAS u4's configuration, which ASReview tuned on SYNERGY, plus one change that helps where u4 is
# weakest: once u4 has gone a tenth of the records without finding an include, each record's score
# is raised by the mean score of its ten nearest records (cosine over the same TF-IDF). Includes
# that share no rare words with earlier ones (Chou_2004: each names another muscle relaxant) still
# sit among records that look like includes, and the neighbours' mean finds them. Before that
# point the order is exactly u4's, so its fast start is kept. On the 13 labelled sets, 5 seeds:
# mean loss 0.0965 against u4's 0.0985, WSS@95 0.5897 against 0.5737 (bench/README.md, where every
# variant that lost is listed too).

NEIGHBOURS = 10
# DRY_SHARE: the share of the records that must pass without an include before neighbours count
# (0.1); a lower share buys WSS@95 with loss on sets where includes are frequent (bench/README.md,
# third round). The stopping aid shows the same count.
NEIGHBOUR_WEIGHT = 1.0


def nearest_neighbours(words: sp.csr_matrix, k: int = NEIGHBOURS) -> sp.csr_matrix:
    """Row i holds record i's k most similar other records (cosine), weights summing to 1.

    A top-k sparse product in C++ (sparse_dot_topn), because the full product at 100,000 records
    is 10^10 similarities: 10 minutes in SciPy, about one here on 2 cores.
    """
    from sparse_dot_topn import sp_matmul_topn

    n = words.shape[0]
    if n < 2:
        return sp.csr_matrix((n, n))
    x = words.astype(np.float32)
    # One more than k: a record is its own nearest neighbour, dropped below.
    similar = sp_matmul_topn(x, x.T.tocsr(), top_n=min(k + 1, n), n_threads=2).tocoo()
    keep = (similar.row != similar.col) & (similar.data > 0)
    graph = sp.csr_matrix(
        (similar.data[keep].astype(np.float64), (similar.row[keep], similar.col[keep])),
        shape=(n, n),
    )
    graph = _keep_top(graph, k)
    totals = np.asarray(graph.sum(axis=1)).ravel()
    return sp.diags(1.0 / np.maximum(totals, 1e-12)) @ graph


def _keep_top(graph: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """At most k entries per row (k + 1 were asked for in case a record was not its own top)."""
    counts = np.diff(graph.indptr)
    weakest = []
    for r in np.flatnonzero(counts > k):  # few rows: usually the record itself was dropped
        lo, hi = graph.indptr[r], graph.indptr[r + 1]
        weakest.append(lo + np.argsort(graph.data[lo:hi])[: hi - lo - k])
    if weakest:
        graph.data[np.concatenate(weakest)] = 0.0
        graph.eliminate_zeros()
    return graph


def _default_build(texts: Sequence[str]) -> Features:
    features = _u4_build(texts)
    features["neighbours"] = nearest_neighbours(features["words"])
    return features


def _default_score(
    features: Features, idx: np.ndarray, y: np.ndarray, seed: int, since_include: int = 0
) -> np.ndarray:
    scores = _u4_score(features, idx, y, seed)
    if since_include < DRY_SHARE * len(scores):
        return scores
    return scores + NEIGHBOUR_WEIGHT * (features["neighbours"] @ scores)


DEFAULT = Model(
    name="default",
    description="ELAS u4's TF-IDF and linear SVM, plus nearest-neighbour smoothing once a tenth "
    "of the records has passed without an include",
    build=_default_build,
    score=_default_score,
)

_REGISTRY: dict[str, Model] = {model.name: model for model in (DEFAULT, ELAS_U4)}

# name -> one-line description, for the web app's and the CLI's choices.
MODELS: dict[str, str] = {name: model.description for name, model in _REGISTRY.items()}


def get_model(name: str) -> Model:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose one of: {', '.join(MODELS)}") from None
