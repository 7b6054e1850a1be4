"""The Prioritiser: features built once, a classifier refitted on every call, unlabelled ranked.

    p = Prioritiser(texts, model="default", seed=0)
    p.rank({3: 1, 17: 0})     # unlabelled indices, most likely relevant first
    p.rank(labels, since_include=250)  # 250 labels given since the newest include
    p.scores({3: 1, 17: 0})   # a relevance score for every index (for display)
    p.save(path); Prioritiser.load(path)

Until the labels hold both an include and an exclude there is nothing to learn from, so the order
is a seeded random permutation (the same one throughout, so it does not jump around while a
reviewer works through it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .models import Features, get_model

_FORMAT = "retroduce-prioritiser-1"


class Prioritiser:
    def __init__(self, texts: Sequence[str], *, model: str = "default", seed: int = 0) -> None:
        self.model = get_model(model)
        self.seed = int(seed)
        self.size = len(texts)
        self.features: Features = self.model.build(list(texts)) if self.size else {}

    # -- labels -----------------------------------------------------------------------------

    def _split(self, labels: Mapping[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """Labelled indices (sorted, so the fit does not depend on dict order) and their 0/1."""
        pairs = sorted((int(i), int(v)) for i, v in labels.items())
        for index, value in pairs:
            if not 0 <= index < self.size:
                raise IndexError(f"label for index {index}, but there are {self.size} texts")
            if value not in (0, 1):
                raise ValueError(f"label {value} for index {index}: labels are 1 or 0")
        idx = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        y = np.fromiter((v for _, v in pairs), dtype=np.int64, count=len(pairs))
        return idx, y

    def _random_scores(self) -> np.ndarray:
        order = np.random.default_rng(self.seed).permutation(self.size)
        scores = np.empty(self.size)
        scores[order] = 1.0 - np.arange(self.size) / max(self.size, 1)
        return scores

    def _scores(self, idx: np.ndarray, y: np.ndarray, since_include: int = 0) -> np.ndarray:
        if self.size == 0:
            return np.empty(0)
        if not (y == 1).any() or not (y == 0).any():
            return self._random_scores()
        return self.model.score(self.features, idx, y, self.seed, since_include)

    # -- API --------------------------------------------------------------------------------

    def scores(self, labels: Mapping[int, int], since_include: int = 0) -> np.ndarray:
        """A relevance score for every index; higher is more likely relevant.

        `since_include`: how many of the labels were given after the newest include (the
        default model changes its scoring once that is a tenth of the texts).
        """
        return self._scores(*self._split(labels), since_include)

    def rank(self, labels: Mapping[int, int], since_include: int = 0) -> list[int]:
        """Every unlabelled index, most likely relevant first (ties: lower index first)."""
        idx, y = self._split(labels)
        scores = self._scores(idx, y, since_include)
        pool = np.setdiff1d(np.arange(self.size), idx, assume_unique=True)
        return pool[np.argsort(-scores[pool], kind="stable")].tolist()

    def with_seed(self, seed: int) -> Prioritiser:
        """The same features under another seed (simulations reuse one vectorisation)."""
        twin = object.__new__(Prioritiser)
        twin.model, twin.size, twin.features, twin.seed = self.model, self.size, self.features, seed
        return twin

    # -- persistence ------------------------------------------------------------------------

    def save(self, path: Path | str) -> None:
        """Write the features to `path` (an .npz archive, no pickle) at exactly that name."""
        arrays: dict[str, np.ndarray] = {}
        kinds: dict[str, str] = {}
        for name, matrix in self.features.items():
            if sp.issparse(matrix):
                csr = sp.csr_matrix(matrix)
                kinds[name] = "csr"
                arrays[f"{name}.data"] = csr.data
                arrays[f"{name}.indices"] = csr.indices
                arrays[f"{name}.indptr"] = csr.indptr
                arrays[f"{name}.shape"] = np.asarray(csr.shape, dtype=np.int64)
            else:
                kinds[name] = "dense"
                arrays[f"{name}.dense"] = np.asarray(matrix)
        meta = {"format": _FORMAT, "model": self.model.name, "seed": self.seed, "size": self.size}
        meta["kinds"] = kinds
        arrays["meta"] = np.asarray(json.dumps(meta))
        # A file object, because np.savez would append ".npz" to a name that lacks it.
        with open(path, "wb") as handle:
            np.savez(handle, **arrays)

    @classmethod
    def load(cls, path: Path | str) -> Prioritiser:
        with np.load(path, allow_pickle=False) as archive:
            meta = json.loads(str(archive["meta"]))
            if meta.get("format") != _FORMAT:
                raise ValueError(f"{path}: not a saved Prioritiser")
            features: Features = {}
            for name, kind in meta["kinds"].items():
                if kind == "csr":
                    shape = tuple(int(v) for v in archive[f"{name}.shape"])
                    features[name] = sp.csr_matrix(
                        (
                            archive[f"{name}.data"],
                            archive[f"{name}.indices"],
                            archive[f"{name}.indptr"],
                        ),
                        shape=shape,
                    )
                else:
                    features[name] = archive[f"{name}.dense"]
        loaded = object.__new__(cls)
        loaded.model = get_model(meta["model"])
        loaded.seed = int(meta["seed"])
        loaded.size = int(meta["size"])
        loaded.features = features
        return loaded
