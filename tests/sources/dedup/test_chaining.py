"""Transitive links cannot put two conflicting records into one cluster."""

from __future__ import annotations

from tests.sources.dedup.factory import record, run, together


def test_a_chain_through_a_record_without_doi_cannot_join_two_different_dois():
    # b (no DOI) matches both a and c; a and c carry different DOIs, so they must stay apart.
    a = record("a", doi="10.1000/one")
    b = record("b", doi="")
    c = record("c", doi="10.1000/two")
    result = run(a, b, c)
    assert not together(result, "a", "c")
    assert together(result, "a", "b") or together(result, "b", "c")
    assert any("different DOIs" in " ".join(p.reasons) for p in result.candidates)


def test_a_chain_cannot_join_records_whose_pages_differ():
    a = record("a", doi="10.1000/one", pages="865-874")
    b = record("b", doi="10.1000/one", pages="")
    c = record("c", doi="", pages="1012-1013")
    result = run(a, b, c)
    assert together(result, "a", "b")
    assert not together(result, "a", "c")


def test_every_clustered_pair_is_free_of_hard_conflicts():
    records = [
        record("a", doi=""),
        record("b", doi="", year="2006"),
        record("c", doi="", year="2007"),
        record("d", doi="", year="2005"),
    ]
    result = run(*records)
    for cluster in result.clusters:
        years = {r.year for r in records if r.id in cluster}
        assert max(map(int, years)) - min(map(int, years)) <= 1
