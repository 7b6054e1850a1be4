"""Two narrow merge rules: a column name before a title, and one abstract printed on two pages.

Each rule comes with the look-alikes it must leave apart.
"""

from __future__ import annotations

from tests.sources.dedup.factory import record, run, together

# A magazine piece: one export has the web version (no volume, issue or pages), the other the
# print citation with the column name kept in the title.
PIECE = {
    "title": "How a shy engineer learned to run a company of ten thousand freelancers",
    "author": "Doe, Jane",
    "year": "2016",
    "journal": "Harvard Business Review",
    "volume": "",
    "number": "",
    "pages": "",
    "doi": "",
}


def piece(id: str, **changes: str):
    return record(id, **{**PIECE, **changes})


def test_a_column_name_before_the_title_merges():
    web = piece("a")
    printed = piece(
        "b",
        title="How I did it: " + PIECE["title"],
        author="Doe, Jane Mary",
        volume="94",
        number="5",
        pages="35-38",
    )
    dots = piece("c", title="How did it ... " + PIECE["title"])
    result = run(web, printed, dots)
    assert together(result, "a", "b") and together(result, "a", "c")


def test_words_that_run_on_into_the_title_are_not_a_column_name():
    # "Terminal complement inhibitor …" vs "Complement inhibitor …": another claim, not a label.
    base = piece("a")
    run_on = piece("b", title="Why and " + PIECE["title"])
    assert not together(run(base, run_on), "a", "b")


def test_a_lead_in_naming_another_item_does_not_merge():
    base = piece("a")
    for lead in ("Editorial: ", "Book review: ", "Introduction to the special issue: "):
        other = piece("b", title=lead + PIECE["title"])
        assert not together(run(base, other), "a", "b"), lead


def test_a_column_name_needs_the_same_journal_and_authors():
    base = piece("a")
    other_journal = piece("b", title="How I did it: " + PIECE["title"], journal="Fortune")
    other_author = piece("c", title="How I did it: " + PIECE["title"], author="Roe, Richard")
    result = run(base, other_journal, other_author)
    assert result.clusters == []


def test_a_column_name_before_a_short_title_is_not_enough():
    base = piece("a", title="Learning to lead")
    other = piece("b", title="How I did it: Learning to lead")
    assert not together(run(base, other), "a", "b")


# A meeting abstract indexed at two pages of one supplement (the oral session and the poster
# listing): same title, the same four authors, same journal, year and volume, no issue.
ABSTRACT = {
    "title": "Renal function after stopping plasma exchange in a third kidney transplant",
    "author": "Davies, J. C. and Groot, J. W. and Bemel, F. J. and Bout, A. H.",
    "year": "2011",
    "journal": "Pediatric Transplantation",
    "volume": "15",
    "number": "",
    "pages": "22",
    "doi": "",
}


def abstract(id: str, **changes: str):
    return record(id, **{**ABSTRACT, **changes})


def test_one_abstract_on_two_single_pages_of_a_volume_merges():
    oral = abstract(
        "a",
        journal="Pediatric Transplantation. Conference: 6th Congress of the Transplant Association",
    )
    poster = abstract("b", title=ABSTRACT["title"].upper(), pages="52-52")
    assert together(run(oral, poster), "a", "b")


def test_two_single_pages_need_everything_else_to_agree():
    two = "Davies, J. C. and Groot, J. W."
    pairs = {
        "encore in another issue": (
            abstract("a", number="3"),
            abstract("b", pages="52", number="9"),
        ),
        "issue on one side only": (abstract("a"), abstract("b", pages="52", number="9")),
        "another author list": (abstract("a"), abstract("b", pages="52", author=two)),
        "another volume": (abstract("a"), abstract("b", pages="52", volume="16")),
        "other words": (abstract("a"), abstract("b", pages="52", title=ABSTRACT["title"] + " too")),
        "only two authors": (abstract("a", author=two), abstract("b", pages="52", author=two)),
    }
    for reason, (a, b) in pairs.items():
        assert not together(run(a, b), "a", "b"), reason


def test_a_one_page_item_after_a_multi_page_article_stays_apart():
    # A correction notice printed under the article's own title, without an erratum marker.
    article = abstract("a", pages="1223-1229", number="5")
    notice = abstract("b", pages="2205", number="5")
    assert not together(run(article, notice), "a", "b")
