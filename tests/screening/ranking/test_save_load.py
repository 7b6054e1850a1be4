"""A saved Prioritiser ranks exactly as the one that saved it."""

from __future__ import annotations

import pytest

from retroduce.screening.ranking import MODELS, Prioritiser

from .corpus import corpus


@pytest.mark.parametrize("model", sorted(MODELS))
def test_round_trip_gives_identical_ranks(tmp_path, model):
    texts, labels = corpus()
    p = Prioritiser(texts, model=model, seed=5)
    path = tmp_path / "stage.features"  # no .npz suffix: the exact name must be kept
    p.save(path)
    assert path.exists() and not (tmp_path / "stage.features.npz").exists()
    loaded = Prioritiser.load(path)
    some = {i: v for i, v in enumerate(labels) if i % 4 == 0}
    assert loaded.rank(some) == p.rank(some)
    assert loaded.rank({}) == p.rank({})
    assert (loaded.scores(some) == p.scores(some)).all()


def test_load_refuses_a_file_that_is_not_a_saved_prioritiser(tmp_path):
    import numpy as np

    path = tmp_path / "other.npz"
    np.savez(path, meta=np.asarray('{"format": "x"}'))
    with pytest.raises(ValueError):
        Prioritiser.load(path)


def test_unknown_model_names_the_choices():
    with pytest.raises(ValueError, match="default"):
        Prioritiser(["a\nb"], model="nope")
