"""Copies of one work that differ only in how a database formatted them are merged."""

from __future__ import annotations

from tests.sources.dedup.factory import record, run, together


def test_exact_duplicates_merge_into_one_cluster():
    result = run(record("a"), record("b"), record("c"))
    assert result.clusters == [["a", "b", "c"]]
    assert result.candidates == []


def test_a_single_record_makes_no_cluster():
    result = run(record("a"))
    assert result.clusters == [] and result.candidates == []


def test_case_punctuation_and_markup_differences_merge():
    variant = record(
        "b",
        title="INTRAPLEURAL <i>fibrinolytic</i> therapy for pleural infection in adults - "
        "A randomised trial.",
        doi="",
    )
    assert together(run(record("a", doi=""), variant), "a", "b")


def test_diacritics_and_transliterated_names_merge():
    a = record("a", author="Müller, Jörg and Søren, Åsa and Nunn, Andrew", doi="")
    b = record("b", author="Mueller, J. and Soren, A. and Nunn, A.", doi="")
    assert together(run(a, b), "a", "b")


def test_author_initials_and_name_order_merge():
    a = record("a", doi="")
    b = record("b", author="N. A. Maskell and C. W. H. Davies and A. J. Nunn", doi="")
    c = record("c", author="Maskell NA, Davies CWH, Nunn AJ", doi="")
    result = run(a, b, c)
    assert together(result, "a", "b") and together(result, "a", "c")


def test_page_formats_and_journal_abbreviations_merge():
    a = record("a", doi="")
    b = record("b", pages="865-74", journal="N Engl J Med", doi="")
    c = record("c", pages="865--874", journal="The New England journal of medicine", doi="")
    result = run(a, b, c)
    assert result.clusters == [["a", "b", "c"]]


def test_a_translated_title_in_brackets_with_a_language_tag_merges():
    a = record("a", doi="")
    b = record(
        "b",
        title="[Intrapleural fibrinolytic therapy for pleural infection in adults: a randomised "
        "trial]. [German]",
        doi="",
    )
    assert together(run(a, b), "a", "b")


def test_medline_erratum_note_does_not_stop_the_original_merging():
    a = record("a", doi="")
    b = record(
        "b",
        title=BASE_TITLE + ".[Erratum appears in N Engl J Med. 2005 May 19;352(20):2146]",
        doi="",
    )
    assert together(run(a, b), "a", "b")


BASE_TITLE = "Intrapleural fibrinolytic therapy for pleural infection in adults: a randomised trial"
