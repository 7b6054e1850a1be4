"""PubMed's MEDLINE format (.nbib): six-character tags, wrapped lines, DOIs among identifiers."""

from __future__ import annotations

from .helpers import by_title, failure, parse_fixture, parse_text


def test_pubmed_export_fields() -> None:
    result = parse_fixture("pubmed.nbib")
    assert result.format == "nbib"
    assert len(result.records) == 2
    rec = by_title(result, "Leadership in integrated care")
    # Continuation lines are indented by six spaces and join the previous value.
    assert rec.title == "Leadership in integrated care: a realist review of how and why it works."
    assert rec.abstract.endswith("We did a realist review. RESULTS: Trust mattered.")
    assert rec.authors == ["Smith, John A", "Okafor, Chidi"]  # FAU, the full names
    assert rec.extra["AU"] == ["Smith JA", "Okafor C"]
    assert rec.year == "2019"
    assert rec.journal == "BMC health services research"
    assert rec.extra["TA"] == ["BMC Health Serv Res"]
    assert rec.volume == "19"
    assert rec.number == "1"
    assert rec.pages == "412-430"  # MEDLINE's "412-30" spelled out
    assert rec.doi == "10.1186/s12913-019-4123-x"
    assert rec.extra["LID"] == ["412"]
    assert rec.extra["AID"] == ["412 [pii]"]
    assert rec.pmid == "31234567"
    assert rec.database == "PubMed"
    assert rec.issn == "1472-6963"
    assert rec.language == "eng"
    assert rec.keywords == ["integrated care", "realist review", "Humans", "*Leadership"]
    assert rec.item_type == "article"
    assert rec.extra["PT"] == ["Journal Article", "Review"]
    assert rec.extra["SO"][0].startswith("BMC Health Serv Res. 2019 Jun 24")
    assert rec.line == 1
    assert rec.raw.startswith("PMID- 31234567\nOWN - NLM")
    assert rec.raw.endswith("doi: 10.1186/s12913-019-4123-x.")


def test_short_author_names_and_group_authors() -> None:
    rec = by_title(parse_fixture("pubmed.nbib"), "Trust and partnership")
    assert rec.authors == ["Brown, K", "van der Berg, JA", "Integrated Care Study Group"]
    assert rec.line == 44
    assert rec.doi == "10.1111/jan.13456"


def test_book_publication_types() -> None:
    text = (
        "PMID- 20301000\nTI  - Chapter 3\nBTI - Integrating Health and Social Care\n"
        "PT  - Review\nPT  - Book Chapter\nDP  - 2016\n"
    )
    rec = parse_text("book.nbib", text).records[0]
    assert rec.item_type == "chapter"
    assert rec.journal == "Integrating Health and Social Care"


def test_tag_before_the_first_pmid_is_refused_with_its_line() -> None:
    error = failure("bad.nbib", b"\nTI  - Orphan title\nPMID- 1\nTI  - Fine\n")
    assert error.line == 2
    assert "'TI' line is outside any record" in error.reason
