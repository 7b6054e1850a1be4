"""PubMed XML: articles and books, structured abstracts, DOIs from the article id list."""

from __future__ import annotations

from .helpers import by_title, failure, fixture_bytes, parse_fixture


def test_article_fields() -> None:
    result = parse_fixture("pubmed.xml")
    assert result.format == "pubmed-xml"
    assert len(result.records) == 3
    rec = by_title(result, "Leadership in integrated care")
    assert rec.title == "Leadership in integrated care: a realist review."  # <i> markup dropped
    assert rec.authors == ["Smith, John A", "Müller, Jürgen", "Integrated Care Study Group"]
    assert rec.year == "2019"
    assert rec.journal == "BMC health services research"
    assert (rec.volume, rec.number, rec.pages) == ("19", "1", "412-430")
    assert rec.doi == "10.1186/s12913-019-4123-x"  # from ArticleIdList, lower-cased
    assert rec.pmid == "31234567"
    assert rec.issn == "1472-6963"
    assert rec.language == "eng"
    assert rec.keywords == ["integrated care", "Humans", "Leadership"]
    assert rec.item_type == "article"


def test_structured_abstract_keeps_its_labels() -> None:
    rec = by_title(parse_fixture("pubmed.xml"), "Leadership")
    assert (
        rec.abstract
        == "BACKGROUND: Integrated care needs leaders.\nMETHODS: We did a realist review."
    )


def test_unmapped_elements_are_kept_by_path() -> None:
    rec = by_title(parse_fixture("pubmed.xml"), "Leadership")
    assert rec.extra["PubmedData/ArticleIdList/ArticleId[pmc]"] == ["PMC6591234"]
    assert rec.extra["MedlineCitation/Article/Journal/ISOAbbreviation"] == ["BMC Health Serv Res"]
    assert rec.extra["PubmedData/PublicationStatus"] == ["epublish"]
    assert "MedlineCitation/Article/ArticleTitle" not in rec.extra


def test_medline_date_and_source_text() -> None:
    result = parse_fixture("pubmed.xml")
    rec = by_title(result, "Trust and partnership")
    assert rec.year == "2018"  # <MedlineDate>2018 Mar-Apr</MedlineDate>
    assert rec.pages == "600-611"
    assert rec.authors == ["Brown, K"]
    assert rec.doi == ""
    assert rec.raw.startswith("<PubmedArticle>") and rec.raw.endswith("</PubmedArticle>")
    assert '<PMID Version="1">29000001</PMID>' in rec.raw
    first = by_title(result, "Leadership")
    assert first.line == 4
    assert (
        rec.line
        == fixture_bytes("pubmed.xml")[
            : fixture_bytes("pubmed.xml").index(
                b'<PubmedArticle>\n  <MedlineCitation Status="PubMed-not'
            )
        ].count(b"\n")
        + 1
    )


def test_book_chapter_record() -> None:
    rec = by_title(parse_fixture("pubmed.xml"), "Chapter 3")
    assert rec.item_type == "chapter"
    assert rec.journal == "Integrating Health and Social Care"
    assert rec.publisher == "National Academies Press (US)"
    assert rec.isbn == "9780309000000"
    assert rec.year == "2016"
    assert rec.authors == ["Lefèvre, Paul"]
    assert rec.pmid == "20301000"


def test_truncated_xml_is_refused() -> None:
    data = fixture_bytes("pubmed.xml")
    error = failure("pubmed.xml", data[: data.index(b"<PubmedBookArticle>") + 40])
    assert "truncated" in error.reason or "not well-formed" in error.reason
    assert error.line is not None


def test_an_xml_file_that_is_not_pubmed_is_not_recognised() -> None:
    error = failure("other.xml", b"<?xml version='1.0'?><catalog><book/></catalog>")
    assert "not a reference file we recognise" in error.reason
    assert "<catalog>" in error.reason
