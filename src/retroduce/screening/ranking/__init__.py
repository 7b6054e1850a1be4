"""Screening prioritisation: rank unlabelled records by how likely they are to be relevant.

    from retroduce.screening.ranking import Prioritiser, simulate_file, metrics, MODELS

    p = Prioritiser(texts, model="default", seed=0)   # features built once
    p.rank(labels)      # unlabelled indices, most likely relevant first
    p.scores(labels)    # relevance score of every index
    p.save(path); Prioritiser.load(path)

`MODELS` maps each model name to a one-line description. `simulate_file` runs the simulations of
`retroduce simulate` (the contract is in DESIGN.md) and `metrics` scores an order.
"""

from __future__ import annotations

from . import metrics
from .models import MODELS
from .prioritiser import Prioritiser
from .simulation import simulate_file

__all__ = ["MODELS", "Prioritiser", "metrics", "simulate_file"]
