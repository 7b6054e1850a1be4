"""EndNote XML: <style> wrappers, ref-type names, ISSN/ISBN in one field, extra by path."""

from __future__ import annotations

from .helpers import by_title, failure, parse_fixture


def test_journal_article_fields() -> None:
    result = parse_fixture("endnote.xml")
    assert result.format == "endnote-xml"
    assert len(result.records) == 3
    rec = by_title(result, "Leadership in integrated care")
    assert rec.item_type == "article"
    assert rec.authors == ["Smith, John A.", "Okafor, Chidi"]
    assert rec.journal == "BMC Health Services Research"
    assert (rec.volume, rec.number, rec.pages, rec.year) == ("19", "1", "412-430", "2019")
    assert rec.doi == "10.1186/s12913-019-4123-x"
    assert rec.issn == "1472-6963"  # "(Electronic)" and "(Linking)": the same number once
    assert rec.keywords == ["integrated care", "leadership"]
    assert rec.abstract == "Integrated care needs leaders who work across organisations."
    assert rec.accession == "31234567"
    assert rec.database == "PubMed"
    assert rec.pmid == "31234567"
    assert rec.url == "https://www.ncbi.nlm.nih.gov/pubmed/31234567"
    assert rec.extra["custom1"] == ["include"]
    assert rec.extra["dates/pub-dates/date"] == ["Jun 24"]
    assert rec.extra["rec-number"] == ["1"]


def test_book_section_uses_secondary_title_and_keeps_editors() -> None:
    rec = by_title(parse_fixture("endnote.xml"), "Realist methodology")
    assert rec.item_type == "chapter"
    assert rec.journal == "Doing Realist Research"
    assert rec.isbn == "978-1-4739-1134-7"
    assert rec.publisher == "SAGE"
    assert rec.url == "https://example.org/a"
    assert rec.extra["urls/related-urls/url"] == ["https://example.org/b"]
    assert rec.extra["urls/pdf-urls/url"] == ["internal-pdf://emmel.pdf"]
    assert rec.extra["contributors/secondary-authors/author"] == [
        "Emmel, Nick",
        "Greenhalgh, Joanne",
    ]
    assert rec.extra["pub-location"] == ["London"]


def test_styled_fragments_inside_a_title_are_joined() -> None:
    rec = by_title(parse_fixture("endnote.xml"), "Framework")
    assert rec.title == "Framework on integrated, people-centred health services"
    assert rec.item_type == "report"
    assert rec.line == 3
    assert rec.raw.startswith("<record><rec-number>3</rec-number>")
    assert rec.raw.endswith("</record>")


def test_xml_without_records_is_not_recognised() -> None:
    error = failure("empty.xml", b"<?xml version='1.0'?><xml><settings/></xml>")
    assert "not a reference file we recognise" in error.reason
