"""Until the labels hold an include and an exclude, the order is a seeded random one."""

from __future__ import annotations

import numpy as np

from retroduce.screening.ranking import Prioritiser

from .corpus import corpus


def test_no_labels_gives_a_seeded_permutation_that_depends_on_the_seed():
    texts, _ = corpus()
    first = Prioritiser(texts, seed=3).rank({})
    assert sorted(first) == list(range(len(texts)))
    assert first == Prioritiser(texts, seed=3).rank({})
    assert first != Prioritiser(texts, seed=4).rank({})
    assert first != sorted(first)


def test_one_class_only_keeps_the_same_random_order_minus_the_labelled():
    texts, labels = corpus()
    p = Prioritiser(texts, seed=3)
    start = p.rank({})
    includes = {i: 1 for i, v in enumerate(labels) if v == 1}
    assert p.rank(includes) == [i for i in start if i not in includes]


def test_both_classes_give_a_model_ranking_with_the_relevant_first():
    texts, labels = corpus()
    p = Prioritiser(texts, seed=3)
    first_in = labels.index(1)
    first_out = labels.index(0)
    ranked = p.rank({first_in: 1, first_out: 0})
    assert set(ranked) == set(range(len(texts))) - {first_in, first_out}
    # Seven relevant records remain; a working model puts them on top.
    assert sorted(labels[i] for i in ranked[:7]) == [1] * 7


def test_scores_cover_every_index():
    texts, labels = corpus()
    p = Prioritiser(texts)
    scores = p.scores({labels.index(1): 1, labels.index(0): 0})
    assert isinstance(scores, np.ndarray) and scores.shape == (len(texts),)
