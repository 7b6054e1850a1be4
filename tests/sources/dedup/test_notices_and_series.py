"""Works that share a title but are not the same work are never merged automatically."""

from __future__ import annotations

from tests.sources.dedup.factory import record, run, together

TITLE = "Outcomes of chest drain size in pleural infection"


def test_part_1_and_part_2_never_merge():
    a = record("a", title=TITLE + ": Part 1", doi="", pages="865-874")
    b = record("b", title=TITLE + ": Part 2", doi="", pages="865-874")
    c = record("c", title=TITLE + ", part II", doi="", pages="865-874")
    result = run(a, b, c)
    assert not together(result, "a", "b")
    assert not together(result, "a", "c")
    assert together(result, "b", "c")  # "part II" is "part 2"


def test_an_erratum_printed_apart_from_its_article_never_merges():
    article = record("a", title=TITLE, doi="")
    erratum = record("b", title="Erratum: " + TITLE, doi="", pages="1012")
    same_page = record("c", title="Correction to " + TITLE, doi="")
    result = run(article, erratum, same_page)
    assert result.clusters == []
    reasons = [r for pair in result.candidates for r in pair.reasons]
    assert "only one is an erratum" in reasons


def test_web_of_science_erratum_citation_marks_an_erratum():
    article = record("a", title=TITLE, doi="")
    erratum = record("b", title=TITLE + " (vol 352, pg 865, 2005)", doi="", pages="2146")
    assert not together(run(article, erratum), "a", "b")


def test_a_reply_and_a_comment_never_merge_with_the_article():
    article = record("a", title=TITLE, doi="")
    reply = record("b", title=TITLE + " - Reply", doi="")
    comment = record("c", title="Comment on: " + TITLE, doi="")
    assert run(article, reply, comment).clusters == []


def test_a_protocol_never_merges_with_the_results():
    results = record("a", title="Steroids for tuberculous pleurisy: a randomised trial", doi="")
    protocol = record(
        "b", title="Steroids for tuberculous pleurisy: a randomised trial protocol", doi=""
    )
    assert run(results, protocol).clusters == []


def test_a_conference_abstract_and_a_journal_article_in_other_venues_do_not_merge():
    article = record("a", doi="", year="2004", journal="Journal of Global IT Management")
    paper = record(
        "b",
        doi="",
        year="2003",
        journal="Americas Conference on Information Systems",
        entry_type="inproceedings",
        volume="",
        number="",
        pages="",
    )
    assert run(article, paper).clusters == []


def test_a_recurring_column_in_different_issues_does_not_merge():
    a = record("a", title="Editor's comments", doi="", pages="", number="1")
    b = record("b", title="Editor's comments", doi="", pages="", number="2")
    assert run(a, b).clusters == []
