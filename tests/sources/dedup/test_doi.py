"""The DOI: strong evidence when shared, a veto when different."""

from __future__ import annotations

from tests.sources.dedup.factory import record, run, together


def test_same_doi_in_different_notations_merges_despite_other_differences():
    a = record("a", doi="https://doi.org/10.1056/NEJMOA042473", author="", journal="")
    b = record(
        "b",
        doi="10.1056/nejmoa042473.",
        title="Intrapleural fibrinolytic therapy in pleural infection among adults: randomized trial",
        pages="",
        volume="",
    )
    result = run(a, b)
    assert together(result, "a", "b")


def test_different_dois_never_merge_even_with_identical_titles():
    a = record("a", doi="10.1002/14651858.CD002312.pub3")
    b = record("b", doi="10.1002/14651858.CD002312.pub4")
    result = run(a, b)
    assert result.clusters == []
    assert len(result.candidates) == 1
    assert "different DOIs" in result.candidates[0].reasons


def test_same_title_updated_in_another_year_is_not_merged():
    a = record("a", year="2008", doi="", volume="", pages="CD006828")
    b = record("b", year="2012", doi="", volume="", pages="CD006828")
    result = run(a, b)
    assert result.clusters == []
    assert any("years differ: 2008 vs 2012" in p.reasons for p in result.candidates)
