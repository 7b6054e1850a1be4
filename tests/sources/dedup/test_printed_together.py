"""A notice printed in the same issue, straight after its item, is one work with it.

The case digital_work's gold standard merges: an erratum on the page after the article, and a bare
"Editorial" heading before the guest editorial, each with its own DOI. Every neighbouring case
that the same gold standards keep apart must stay apart.
"""

from __future__ import annotations

from tests.sources.dedup.factory import record, run, together

TITLE = "How do requirements evolve over time? A case study of context and experience"
EDITORS = "Avison, David E. and Fitzgerald, Guy and Powell, Philip"


def _article(**changes: str):
    fields = {"title": TITLE, "pages": "151-170", "number": "2", "doi": "10.1057/s41265-016-0001-y"}
    return record("article", **{**fields, **changes})


def _erratum(**changes: str):
    fields = {
        "title": "Erratum to - " + TITLE,
        "pages": "171",
        "number": "2",
        "doi": "10.1057/s41265-017-0039-5",
    }
    return record("erratum", **{**fields, **changes})


def test_an_erratum_on_the_next_page_of_the_same_issue_merges_despite_its_own_doi():
    result = run(_article(), _erratum())
    assert together(result, "article", "erratum")


def test_an_erratum_after_a_blank_page_merges_and_one_further_on_does_not():
    assert together(run(_article(), _erratum(pages="172")), "article", "erratum")
    assert not together(run(_article(), _erratum(pages="173")), "article", "erratum")


def test_an_erratum_in_a_later_issue_stays_apart():
    result = run(_article(), _erratum(number="3", pages="171"))
    assert not together(result, "article", "erratum")


def test_an_erratum_with_another_author_list_stays_apart():
    fewer = "Maskell, Nicholas A. and Davies, Christopher W. H."
    assert not together(run(_article(), _erratum(author=fewer)), "article", "erratum")


def test_an_erratum_of_another_article_on_the_next_page_stays_apart():
    other = _erratum(title="Erratum to - Digital platforms and the governance of dementia care")
    assert not together(run(_article(), other), "article", "erratum")


def _by_editors(id: str, title: str, pages: str, doi: str):
    return record(id, title=title, author=EDITORS, pages=pages, doi=doi)


def test_a_bare_editorial_heading_merges_with_the_guest_editorial_it_opens():
    heading = _by_editors("heading", "Editorial", "271", "10.1/a")
    guest_title = "Guest Editorial Open source software - investigating the economic issues"
    guest = _by_editors("guest", guest_title, "273-276", "10.1/b")
    assert together(run(heading, guest), "heading", "guest")


def test_an_editorial_next_to_a_research_article_by_its_authors_stays_apart():
    heading = _by_editors("heading", "Editorial", "1-2", "10.1/a")
    article_title = "Reflections on information systems practice, education and research"
    article = _by_editors("article", article_title, "3-22", "10.1/b")
    assert not together(run(heading, article), "heading", "article")


def test_the_erratum_joins_no_other_copy_that_contradicts_it():
    """Another database's sparse copy of the article (a typo, no journal, volume, issue or DOI)
    merges with the article, however weak its evidence; the erratum then stays out, because it
    is a notice only beside the printed article."""
    typo = TITLE.replace("requirements", "requirments")
    other_copy = record(
        "copy", title=typo, pages="151-170", journal="", volume="", number="", doi=""
    )
    result = run(_article(), _erratum(), other_copy)
    assert together(result, "article", "copy")
    assert not together(result, "erratum", "copy")
