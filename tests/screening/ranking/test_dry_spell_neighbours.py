"""Once the ranking has gone a tenth of the records without an include, neighbours count.

Until then the default model ranks exactly as ELAS u4 does; after that, a record whose nearest
records look like includes moves up, even when it shares no word with any labelled include.
"""

from __future__ import annotations

from retroduce.screening.ranking import Prioritiser

INCLUDE = "tizanidine prophylaxis of chronic daily headache"
EXCLUDES = [
    "soil erosion after heavy rainfall",
    "compiler optimisation of nested loops",
    "bridge cable fatigue under traffic",
    "protein folding in yeast",
]
# Unlabelled records that look like the include, and one (STRAGGLER) that shares no word with the
# include but several with them: its nearest records are include-like.
LOOKALIKES = [
    "tizanidine for daily headache in adults, spasticity outcome",
    "headache prophylaxis with tizanidine, spasticity outcome",
    "chronic headache and tizanidine, spasticity outcome",
]
STRAGGLER = "baclofen spasticity outcome"
FILLER = [f"unrelated topic number {word}" for word in "abcdefghijklmnopqrstuvwxyz"]


def _texts() -> list[str]:
    # The straggler comes last, so that among equal u4 scores it is offered last.
    return [INCLUDE, *EXCLUDES, *LOOKALIKES, *FILLER, STRAGGLER]


def _labels() -> dict[int, int]:
    return {0: 1, **{1 + i: 0 for i in range(len(EXCLUDES))}}


def test_before_the_dry_spell_the_order_is_elas_u4s():
    texts = _texts()
    default = Prioritiser(texts, model="default", seed=3)
    u4 = Prioritiser(texts, model="elas_u4", seed=3)
    tenth = len(texts) // 10 + 1  # 38 texts: 3.8, so 4 labels without an include switch it on
    assert default.rank(_labels(), since_include=tenth - 1) == u4.rank(_labels())
    assert default.rank(_labels(), since_include=tenth) != u4.rank(_labels())


def test_after_the_dry_spell_a_record_among_include_like_records_moves_up():
    texts = _texts()
    straggler = len(texts) - 1
    prioritiser = Prioritiser(texts, model="default", seed=3)
    before = prioritiser.rank(_labels(), since_include=0).index(straggler)
    after = prioritiser.rank(_labels(), since_include=len(texts)).index(straggler)
    assert before == len(texts) - len(_labels()) - 1  # last of the unlabelled under u4
    assert after < len(LOOKALIKES) + 1  # now straight after the look-alikes, before the filler
