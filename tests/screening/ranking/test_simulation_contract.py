"""simulate_file follows the `retroduce simulate` contract in DESIGN.md."""

from __future__ import annotations

import numpy as np

from retroduce.screening.ranking import simulate_file
from retroduce.screening.ranking.simulation import draw_priors

from .corpus import write_csv

FIELDS = {
    "dataset",
    "seed",
    "model",
    "priors",
    "order",
    "wss95",
    "recall10",
    "loss",
    "atd",
    "seconds",
}


def test_priors_are_drawn_as_the_contract_says(tmp_path):
    _, labels = write_csv(tmp_path / "set.csv")
    for seed in range(4):
        rng = np.random.default_rng(seed)
        included = [i for i, v in enumerate(labels) if v == 1]
        excluded = [i for i, v in enumerate(labels) if v == 0]
        expected = [int(rng.choice(included)), int(rng.choice(excluded))]
        assert draw_priors(labels, seed) == expected


def test_each_line_has_exactly_the_contract_fields(tmp_path):
    _, labels = write_csv(tmp_path / "set.csv")
    lines = list(simulate_file(tmp_path / "set.csv", seeds=2, model="elas_u4"))
    assert [line["seed"] for line in lines] == [0, 1]
    for line in lines:
        assert set(line) == FIELDS
        assert line["dataset"] == "set.csv" and line["model"] == "elas_u4"
        assert line["priors"] == draw_priors(labels, line["seed"])
        for key in ("wss95", "recall10", "loss", "atd", "seconds"):
            assert isinstance(line[key], float)


def test_order_is_a_permutation_of_the_rows_that_are_not_priors(tmp_path):
    _, labels = write_csv(tmp_path / "set.csv")
    (line,) = simulate_file(tmp_path / "set.csv", seeds=[7])
    assert sorted(line["order"] + line["priors"]) == list(range(len(labels)))
    assert len(set(line["order"])) == len(labels) - 2


def test_metrics_are_those_of_the_order(tmp_path):
    from retroduce.screening.ranking import metrics

    _, labels = write_csv(tmp_path / "set.csv")
    (line,) = simulate_file(tmp_path / "set.csv", seeds=1)
    ordered = [labels[i] for i in line["order"]]
    assert line["loss"] == metrics.loss(ordered)
    assert line["wss95"] == metrics.wss(ordered, 0.95)
    assert line["atd"] == metrics.atd(ordered)


def test_simulation_is_deterministic_per_seed(tmp_path):
    write_csv(tmp_path / "set.csv", size=80, relevant=10)
    for model in ("default", "elas_u4"):
        runs = [list(simulate_file(tmp_path / "set.csv", seeds=[3, 4], model=model)) for _ in "ab"]
        for first, again in zip(*runs, strict=True):
            assert first["order"] == again["order"] and first["priors"] == again["priors"]
        assert (
            runs[0][0]["priors"] != runs[0][1]["priors"]
            or runs[0][0]["order"] != runs[0][1]["order"]
        )
