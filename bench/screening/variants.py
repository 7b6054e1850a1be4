"""Fast loop for trying prioritisation variants: our simulation only, no ASReview run.

    .venv/bin/python bench/screening/variants.py VARIANT [--seeds 2] [--sets Sep_2021,Oud_2018]
                                                 [--procs 1] [--data DIR]

Runs `simulate_order` (the loop of `retroduce simulate`, same priors: default_rng(s), one included
row, then one excluded row) with the variant's features and scorer on every labelled set, and
prints loss and WSS@95 per set and their mean over sets. `u4` is ELAS u4's configuration, which
reproduces ASReview's own runs to the fourth decimal (see bench/README.md), so comparing a variant
with `u4` here, on the same seeds, compares it with ASReview without running it. Per-seed results
(orders as row indices only, never text) go to bench/out/screening/variants/ (git-ignored).

The variants are the ones measured for issue 4 (bench/README.md, "What was tried"). Only
`knn_late` beats u4 on both mean loss (by 2%, the target is 10%) and mean WSS@95; with STREAK=0.1
and KNN_ALPHA=1 it is the package's default model (`models.DEFAULT`), with the same figures on all
13 sets (the variant starts its streak after the priors, the model counts the prior exclude).
Settings come from the environment: STREAK (labels since the newest include, as a share of the
set when below 1), KNN_ALPHA (weight of the neighbours' mean score), KNN_K (neighbours), RAMP=1
(weight growing with the streak), BOOST (weight of the share of neighbours known to be includes),
GAPS (switch no sooner than this many times the mean labels per include), EXPAND, LSA_DIMS,
KEEP_TERMS, C_FROM (`c_grows`), RATIO_POWER (`ratio_prevalence`), NOVELTY (exploration once dry).
The variants that choose between models as labels grow (`select`, `select_cands`, and the
sentence-embedding `concat`) are in variants_selection.py, with their own settings.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.svm import LinearSVC

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
OUT = REPO / "bench" / "out" / "screening" / "variants"
sys.path.insert(0, str(REPO / "src"))

from retroduce.screening.ranking import metrics  # noqa: E402
from retroduce.screening.ranking.datasets import read_labelled  # noqa: E402
from retroduce.screening.ranking.models import balanced_weights  # noqa: E402
from retroduce.screening.ranking.simulation import draw_priors, simulate_order  # noqa: E402

Features = dict
Variant = tuple[Callable[[Sequence[str]], Features], Callable[..., np.ndarray]]


def _split(texts: Sequence[str]) -> tuple[list[str], list[str]]:
    parts = [text.partition("\n") for text in texts]
    return [p[0] for p in parts], [p[2] for p in parts]


def _vectoriser(**changes: object) -> TfidfVectorizer:
    options: dict = dict(ngram_range=(1, 2), sublinear_tf=True, min_df=1, max_df=0.95)
    options.update(changes)
    return TfidfVectorizer(**options)


def _svm(
    x: sp.csr_matrix, idx: np.ndarray, y: np.ndarray, seed: int, c: float = 0.11, ratio: float = 9.8
) -> LinearSVC:
    svm = LinearSVC(C=c, loss="squared_hinge", random_state=seed)
    return svm.fit(x[idx], y, sample_weight=balanced_weights(y, ratio))


def _rank01(scores: np.ndarray) -> np.ndarray:
    ranks = np.empty(len(scores))
    ranks[np.argsort(scores, kind="stable")] = np.arange(len(scores))
    return ranks / len(scores)


def _map_by_rank(scores: np.ndarray, proxy: np.ndarray, has: np.ndarray) -> np.ndarray:
    """Title-only rows get the full-text score at the percentile their proxy (title) score
    holds among the proxy scores of the rows with an abstract."""
    if has.all() or not has.any():
        return scores
    reference = np.sort(proxy[has])
    at = np.searchsorted(reference, proxy[~has]) / len(reference)
    mapped = scores.copy()
    mapped[~has] = np.quantile(np.sort(scores[has]), np.clip(at, 0, 1))
    return mapped


# -- features --------------------------------------------------------------------------------


def build_words(texts: Sequence[str]) -> Features:
    return {"words": _vectoriser().fit_transform(texts).tocsr()}


def build_min_df2(texts: Sequence[str]) -> Features:
    return {"words": _vectoriser(min_df=2).fit_transform(texts).tocsr()}


def build_fields(texts: Sequence[str]) -> Features:
    """Whole text, the title on its own (own vocabulary and in the whole text's), has-abstract."""
    titles, abstracts = _split(texts)
    vectoriser = _vectoriser()
    words = vectoriser.fit_transform(texts).tocsr()
    return {
        "words": words,
        "title": _vectoriser().fit_transform(titles).tocsr(),
        "title_view": vectoriser.transform(titles).tocsr(),
        "has": np.array([bool(a.strip()) for a in abstracts]),
        "nnz": np.diff(words.indptr).astype(float),
    }


def build_chars(texts: Sequence[str]) -> Features:
    """Word 1-2-grams and character 3-5-grams within words, each block scaled by 1/sqrt(2) so a
    row keeps unit length: spelling variants and word stems (randomis/randomiz, child/children)
    share features that whole words do not."""
    words = _vectoriser().fit_transform(texts)
    chars = _vectoriser(analyzer="char_wb", ngram_range=(3, 5)).fit_transform(texts)
    return {"words": (sp.hstack([words, chars]) / np.sqrt(2)).tocsr()}


def build_knn(texts: Sequence[str], k: int = 0) -> Features:
    """u4's features and each record's k most similar records (cosine), weights summing to 1."""
    words = _vectoriser().fit_transform(texts).tocsr()
    return {"words": words, "knn": _neighbours(words, k or KNN_K)}


KNN_K = int(os.environ.get("KNN_K", "10"))
EXPAND = float(os.environ.get("EXPAND", "0.5"))


def build_expanded(texts: Sequence[str]) -> Features:
    """Document expansion: each record's TF-IDF plus EXPAND times its neighbours' mean TF-IDF,
    rows renormalised; the SVM trains and scores on that ("words"), the graph kept for later."""
    words = _vectoriser().fit_transform(texts).tocsr()
    graph = _neighbours(words, KNN_K)
    expanded = (words + EXPAND * (graph @ words)).tocsr()
    norms = np.sqrt(np.asarray(expanded.multiply(expanded).sum(axis=1)).ravel())
    expanded = sp.diags(1.0 / np.maximum(norms, 1e-12)) @ expanded
    return {"words": expanded.tocsr(), "knn": graph}


def build_knn_lsa(texts: Sequence[str], k: int = 10) -> Features:
    """As build_knn, the neighbours found in a 100-dimension LSA of the TF-IDF (dense products,
    a few minutes at 100,000 records instead of ten)."""
    words = _vectoriser().fit_transform(texts).tocsr()
    dims = min(LSA_DIMS, words.shape[0] - 1, words.shape[1] - 1)
    reduced = TruncatedSVD(dims, random_state=0).fit_transform(words)
    reduced /= np.maximum(np.linalg.norm(reduced, axis=1, keepdims=True), 1e-12)
    return {"words": words, "knn": _neighbours(reduced, k)}


LSA_DIMS = int(os.environ.get("LSA_DIMS", "100"))
KEEP_TERMS = int(os.environ.get("KEEP_TERMS", "30"))


def build_knn_pruned(texts: Sequence[str], k: int = 10) -> Features:
    """As build_knn, the neighbours found over each record's KEEP_TERMS heaviest terms only (rows
    renormalised): a far sparser product, for the 100,000-record case."""
    words = _vectoriser().fit_transform(texts).tocsr()
    return {"words": words, "knn": _neighbours(_heaviest(words, KEEP_TERMS), k)}


def _heaviest(x: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    data, indices, indptr = [], [], [0]
    for r in range(x.shape[0]):
        lo, hi = x.indptr[r], x.indptr[r + 1]
        vals, cols = x.data[lo:hi], x.indices[lo:hi]
        if len(vals) > keep:
            top = np.argpartition(-vals, keep)[:keep]
            vals, cols = vals[top], cols[top]
        norm = np.linalg.norm(vals) or 1.0
        data.append(vals / norm)
        indices.append(cols)
        indptr.append(indptr[-1] + len(vals))
    return sp.csr_matrix(
        (np.concatenate(data), np.concatenate(indices), np.asarray(indptr)), shape=x.shape
    )


def _neighbours(vectors: sp.csr_matrix | np.ndarray, k: int) -> sp.csr_matrix:
    n = vectors.shape[0]
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for start in range(0, n, 2000):
        block = vectors[start : start + 2000] @ vectors.T
        block = block.toarray() if sp.issparse(block) else np.asarray(block)
        for r in range(block.shape[0]):
            block[r, start + r] = -1.0  # not its own neighbour
        top = np.argpartition(-block, k, axis=1)[:, :k]
        for r in range(block.shape[0]):
            sims = np.maximum(block[r, top[r]], 0.0)
            total = sims.sum() or 1.0
            rows.extend([start + r] * k)
            cols.extend(top[r].tolist())
            vals.extend((sims / total).tolist())
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, n))


# -- scorers ---------------------------------------------------------------------------------


def score_u4(f: Features, idx: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    return _svm(f["words"], idx, y, seed).decision_function(f["words"])


def score_title_block(f: Features, idx: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    x = sp.hstack([f["words"], 0.5 * f["title"]]).tocsr()
    return _svm(x, idx, y, seed).decision_function(x)


def score_title_model(f: Features, idx: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    scores = score_u4(f, idx, y, seed)
    titles = _svm(f["title"], idx, y, seed).decision_function(f["title"])
    return _map_by_rank(scores, titles, f["has"])


def score_title_view(f: Features, idx: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    svm = _svm(f["words"], idx, y, seed)
    return _map_by_rank(
        svm.decision_function(f["words"]), f["title_view"] @ svm.coef_.ravel(), f["has"]
    )


def score_length_pivot(f: Features, idx: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    svm = _svm(f["words"], idx, y, seed)
    return (f["words"] @ svm.coef_.ravel()) / np.maximum(f["nnz"], 1) ** 0.25


def score_rank_avg_lr(f: Features, idx: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    x = f["words"]
    lr = LogisticRegression(C=10, solver="liblinear", random_state=seed)
    lr.fit(x[idx], y, sample_weight=balanced_weights(y, 9.8))
    return _rank01(score_u4(f, idx, y, seed)) + _rank01(lr.decision_function(x))


def score_rank_avg_sgd(f: Features, idx: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    x = f["words"]
    sgd = SGDClassifier(loss="modified_huber", alpha=1e-4, max_iter=50, tol=None, random_state=seed)
    sgd.fit(x[idx], y, sample_weight=balanced_weights(y, 9.8))
    return _rank01(score_u4(f, idx, y, seed)) + _rank01(sgd.decision_function(x))


def score_knn_smooth(f: Features, idx: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    scores = score_u4(f, idx, y, seed)
    return scores + KNN_ALPHA * (f["knn"] @ scores)


KNN_ALPHA = float(os.environ.get("KNN_ALPHA", "0.5"))
STREAK = float(os.environ.get("STREAK", "0.02"))
GAPS = float(os.environ.get("GAPS", "0"))
RAMP = os.environ.get("RAMP", "") == "1"  # weight grows with the streak, full at STREAK
BOOST = float(os.environ.get("BOOST", "0"))  # weight of the share of neighbours that are includes
NOVELTY = float(os.environ.get("NOVELTY", "0"))  # weight of 1 - max cosine to a labelled record


def _diffused(f: Features, scores: np.ndarray) -> np.ndarray:
    """Every record's similarity-weighted mean score over all records (S = X X^T, no graph)."""
    x = f["words"]
    totals = x @ (x.T @ np.ones(x.shape[0]))
    return (x @ (x.T @ scores)) / np.maximum(totals, 1e-12)


def score_diffuse_late(f: Features, idx: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    return score_knn_late(f, idx, y, seed, smooth=_diffused)


def score_knn_late(
    f: Features,
    idx: np.ndarray,
    y: np.ndarray,
    seed: int,
    smooth: Callable | None = None,
    scores: np.ndarray | None = None,
) -> np.ndarray:
    """u4 while it keeps finding includes; u4 smoothed over neighbours once it has gone dry.

    The dry streak is the number of labels since the newest include, read from the labels seen
    (the simulation hands them over sorted by row, so the order is tracked here)."""
    state = f.setdefault("state", {})
    seen = set(idx.tolist())
    if len(seen) <= 2 or state.get("seed") != seed or not seen >= state["seen"]:
        state.update(seed=seed, seen=seen, streak=0)
    else:
        new = seen - state["seen"]
        labels = dict(zip(idx.tolist(), y.tolist(), strict=True))
        state["streak"] = 0 if any(labels[i] == 1 for i in new) else state["streak"] + len(new)
        state["seen"] = seen
    if scores is None:
        scores = score_u4(f, idx, y, seed)
    limit = STREAK * f["words"].shape[0] if STREAK < 1 else STREAK
    if GAPS:
        # Relative to the pace so far: GAPS times the mean labels per include found.
        found = max(int((y == 1).sum()), 1)
        limit = max(limit, GAPS * len(idx) / found)
    if RAMP:
        weight = KNN_ALPHA * min(1.0, state["streak"] / limit)
        return scores + weight * (f["knn"] @ scores) if weight > 0 else scores
    if state["streak"] >= limit:
        mean = smooth(f, scores) if smooth else f["knn"] @ scores
        scores = scores + KNN_ALPHA * mean
    if NOVELTY and state["streak"] >= limit:
        # Exploration once dry: records unlike anything labelled so far gain, scaled to the
        # spread of the scores (1 - the highest cosine to a labelled record).
        x = f["words"]
        nearest = (x @ x[idx].T).max(axis=1).toarray().ravel()
        scores = scores + NOVELTY * np.std(scores) * (1.0 - nearest)
    if BOOST:
        # Records with a known include among their nearest: the mean of their neighbours' labels.
        known = np.zeros(len(scores))
        known[idx[y == 1]] = 1.0
        scores = scores + BOOST * (f["knn"] @ known)
    return scores


def score_c_grows(f: Features, idx: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    """u4 with C growing with the labels: 0.11 up to C_FROM labels, then with their square root."""
    c = 0.11 * max(1.0, len(idx) / C_FROM) ** 0.5
    return _svm(f["words"], idx, y, seed, c=c).decision_function(f["words"])


C_FROM = float(os.environ.get("C_FROM", "100"))


def score_ratio_prevalence(f: Features, idx: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    """u4 with the class-weight ratio lowered as the labelled prevalence rises above 10%."""
    prevalence = float((y == 1).mean())
    ratio = 9.8 * min(1.0, 0.1 / max(prevalence, 1e-9)) ** RATIO_POWER
    return _svm(f["words"], idx, y, seed, ratio=ratio).decision_function(f["words"])


RATIO_POWER = float(os.environ.get("RATIO_POWER", "1"))


VARIANTS: dict[str, Variant] = {
    "u4": (build_words, score_u4),
    "min_df2": (build_min_df2, score_u4),
    "title_block": (build_fields, score_title_block),
    "title_model": (build_fields, score_title_model),
    "title_view": (build_fields, score_title_view),
    "length_pivot": (build_fields, score_length_pivot),
    "rank_avg_lr": (build_words, score_rank_avg_lr),
    "rank_avg_sgd": (build_words, score_rank_avg_sgd),
    "chars": (build_chars, score_u4),
    "knn_smooth": (build_knn, score_knn_smooth),
    "knn_late": (build_knn, score_knn_late),
    "knn_lsa_late": (build_knn_lsa, score_knn_late),
    "knn_pruned_late": (build_knn_pruned, score_knn_late),
    "diffuse_late": (build_words, score_diffuse_late),
    "expanded": (build_expanded, score_u4),
    "c_grows": (build_words, score_c_grows),
    "ratio_prevalence": (build_words, score_ratio_prevalence),
    "expanded_late": (build_expanded, score_knn_late),
}


def _all_variants() -> dict[str, Variant]:
    # The choosing variants build on this module's parts, so they live in their own module.
    import variants_selection

    return {**VARIANTS, **variants_selection.VARIANTS}


class _Scorer:
    """What simulate_order needs of a Prioritiser: `_scores(idx, y)`."""

    def __init__(self, features: Features, score: Callable[..., np.ndarray], seed: int) -> None:
        self.features, self.score, self.seed = features, score, seed

    def _scores(self, idx: np.ndarray, y: np.ndarray, since_include: int = 0) -> np.ndarray:
        # The variants track their own dry streak (score_knn_late), as they were measured.
        return self.score(self.features, idx, y, self.seed)


def run_set(job: tuple[Path, str, list[int]]) -> list[dict]:
    path, variant, seeds = job
    import variants_selection

    build, score = _all_variants()[variant]
    data = read_labelled(path)
    variants_selection.CURRENT_SET[0] = path.name.split(".")[0]
    truth = np.asarray(data.labels)
    features = build(data.texts)
    lines = []
    for seed in seeds:
        started = time.perf_counter()
        order = simulate_order(
            _Scorer(features, score, seed), data.labels, draw_priors(truth, seed)
        )
        seconds = time.perf_counter() - started
        ordered = truth[order]
        steps = int(np.flatnonzero(ordered == 1)[-1]) + 1
        line = {"set": path.name.split(".")[0], "seed": seed, "order": order}
        line.update(metrics.all_metrics(ordered), step_ms=1000 * seconds / steps)
        lines.append(line)
        print(f"{line['set']} seed {seed}: loss {line['loss']:.4f}", file=sys.stderr, flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("variant", choices=sorted(_all_variants()))
    default_data = os.environ.get(
        "RETRODUCE_SCREENING_DATA", str(REPO.parent / "shared" / "data" / "screening")
    )
    parser.add_argument("--data", type=Path, default=Path(default_data))
    parser.add_argument("--sets", default="", help="comma-separated set names (default: all)")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--procs", type=int, default=1)
    args = parser.parse_args()
    wanted = {s for s in args.sets.split(",") if s}
    files = sorted((args.data / "open_licensed").glob("*.csv"))
    files += sorted((args.data / "synergy_openalex").glob("*.jsonl.gz"))
    files = [f for f in files if not wanted or f.name.split(".")[0] in wanted]
    jobs = [(f, args.variant, list(range(args.seeds))) for f in files]
    with Pool(args.procs) as pool:
        lines = [line for chunk in pool.map(run_set, jobs, chunksize=1) for line in chunk]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{args.variant}.json").write_text(json.dumps(lines))
    means: dict[str, list[float]] = {"loss": [], "wss95": [], "step_ms": []}
    for name in dict.fromkeys(line["set"] for line in lines):
        mine = [line for line in lines if line["set"] == name]
        per = {key: float(np.mean([line[key] for line in mine])) for key in means}
        for key, value in per.items():
            means[key].append(value)
        print(f"{name:36s} loss {per['loss']:.4f}  WSS@95 {per['wss95']:.4f}")
    print(
        f"mean of {len(means['loss'])} sets, {args.seeds} seeds, {args.variant}: "
        f"loss {np.mean(means['loss']):.4f}  WSS@95 {np.mean(means['wss95']):.4f}  "
        f"{np.mean(means['step_ms']):.1f} ms/step"
    )


if __name__ == "__main__":
    main()
