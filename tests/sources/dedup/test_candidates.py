"""Uncertain pairs go to the review queue with a score and human-readable reasons."""

from __future__ import annotations

from tests.sources.dedup.factory import record, run


def test_a_grey_zone_pair_becomes_a_candidate_with_reasons():
    a = record("a", doi="")
    # Same title and authors, but the year is one off and nothing in the citation confirms it.
    b = record("b", doi="", year="2006", volume="", number="", pages="", journal="")
    result = run(a, b)
    assert result.clusters == []
    [pair] = result.candidates
    assert {pair.a, pair.b} == {"a", "b"}
    assert 0.0 < pair.score < 0.9
    assert "identical titles" in pair.reasons
    assert "years differ: 2005 vs 2006" in pair.reasons


def test_a_missing_title_is_left_to_a_person():
    a = record("a", doi="")
    b = record("b", title="", doi="")
    result = run(a, b)
    assert result.clusters == []
    [pair] = result.candidates
    assert "one title is missing" in pair.reasons and "same pages" in pair.reasons


def test_similar_titles_report_their_similarity():
    a = record("a", doi="")
    b = record(
        "b",
        doi="",
        title="Intrapleural fibrinolytic treatment for pleural infections in adults",
        pages="",
        volume="",
    )
    result = run(a, b)
    reasons = [r for pair in result.candidates for r in pair.reasons]
    assert any(r.startswith("titles ") and r.endswith("% alike") for r in reasons)


def test_unrelated_records_are_neither_merged_nor_candidates():
    a = record("a")
    b = record(
        "b",
        title="Cost of hospital parking for staff",
        author="Roe, R.",
        doi="",
        pages="12-14",
        volume="3",
    )
    result = run(a, b)
    assert result.clusters == [] and result.candidates == []


def test_progress_is_reported_up_to_completion():
    calls: list[tuple[int, int, str]] = []
    from retroduce.sources.dedup import find_duplicates

    find_duplicates([record("a"), record("b")], report=lambda d, t, m: calls.append((d, t, m)))
    assert calls and all(done <= total for done, total, _ in calls)
    assert {message for _, _, message in calls} >= {"Normalising records", "Clustering"}
