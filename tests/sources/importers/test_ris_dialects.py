"""RIS exports from each vendor land in the right fields; nothing they say is lost."""

from __future__ import annotations

from retroduce.sources.records import ITEM_TYPES

from .helpers import by_title, parse_fixture, parse_text


def test_ovid_medline_uses_t1_a1_jf_n2_and_an_as_pmid() -> None:
    result = parse_fixture("ovid_medline.ris")
    assert result.format == "ris"
    assert len(result.records) == 2
    rec = by_title(result, "Leadership in integrated care")
    assert rec.authors == ["Smith, John A", "Okafor, Chidi"]
    assert rec.year == "2019"  # from "Y1  - 2019//"
    assert rec.journal == "BMC health services research"  # JF wins over JA
    assert rec.abstract.startswith("BACKGROUND: Integrated care")  # N2 is Ovid's abstract
    assert rec.doi == "10.1186/s12913-019-4123-x"  # https://dx.doi.org/… and upper case
    assert rec.database == "Ovid MEDLINE(R) ALL"
    assert rec.accession == "31234567"
    assert rec.pmid == "31234567"  # Ovid MEDLINE's AN is the PMID
    assert rec.keywords[-1] == "*Leadership"
    assert rec.issn == "1472-6963"
    assert rec.pages == "412"
    assert rec.extra["JA"] == ["BMC Health Serv Res"]  # the abbreviation is kept
    assert rec.extra["CY"] == ["England"]
    assert rec.extra["M2"][0].startswith("Smith, John A. Institute")
    second = by_title(result, "Partnership working")
    assert second.pages == "e123-e131"


def test_ebsco_cinahl_dates_with_slashes_and_doi_prefix() -> None:
    result = parse_fixture("ebsco_cinahl.ris")
    trust = by_title(result, "Trust and partnership")
    assert trust.authors == ["Brown, Kate", "García, Luis"]
    assert trust.year == "2018"  # "2018/03//"
    assert trust.journal == "Journal of Advanced Nursing"
    assert trust.pages == "600-611"
    assert trust.doi == "10.1111/jan.13456"
    assert trust.database == "rzh"
    assert trust.extra["DP"] == ["EBSCOhost"]
    assert trust.extra["N1"][0].startswith("Accession Number: 128123456")
    assert trust.extra["M3"] == ["Article"]
    assert trust.pmid == ""  # "U2 - PMID: …" is kept in extra, not guessed
    assert trust.extra["U2"] == ["PMID: 29000001."]
    coordination = by_title(result, "Coordination of care")
    assert coordination.year == "2019"  # "2019///"
    assert coordination.doi == "10.1111/scs.12610"  # "doi:10.1111/SCS.12610"
    assert coordination.pages == "301-310"
    assert coordination.journal == "Scandinavian Journal of Caring Sciences"  # JO alone


def test_scopus_t2_journal_and_unhyphenated_issn() -> None:
    rec = parse_fixture("scopus.ris").records[0]
    assert rec.journal == "International Journal of Integrated Care"
    assert rec.year == "2020"
    assert rec.issn == "15684156"
    assert rec.publisher == "Ubiquity Press"
    assert rec.language == "English"
    assert rec.database == "Scopus"
    assert rec.url.startswith("https://www.scopus.com/inward/record.uri?eid=2-s2.0-")
    assert rec.keywords == ["integrated care", "realist synthesis"]
    assert rec.extra["C7"] == ["5"]
    assert rec.extra["J2"] == ["Int. J. Integr. Care"]
    assert rec.extra["N1"] == ["Export Date: 12 March 2024; Cited By: 7"]


def test_web_of_science_accession_and_two_issns() -> None:
    rec = parse_fixture("wos.ris").records[0]
    assert rec.accession == "WOS:000650000000007"
    assert rec.issn == "0168-8510; 1872-6054"
    assert rec.year == "2021"  # PY, although DA ("JUN") comes first
    assert rec.extra["DA"] == ["JUN"]
    assert rec.journal == "HEALTH POLICY"
    assert rec.pages == "745-752"


def test_embase_keeps_its_identifiers_in_extra() -> None:
    rec = parse_fixture("embase.ris").records[0]
    assert rec.title.startswith("Clinician engagement")
    assert rec.authors == ["Dubois, Claire", "Silva, Ana"]
    assert rec.year == "2020"
    assert rec.doi == "10.1108/jica-01-2020-0001"
    assert rec.issn == "1476-9018"  # "(electronic)" dropped
    assert rec.url.startswith("http://www.embase.com/search/results")  # L2 when no UR
    assert rec.extra["ID"] == ["2005123456"]
    assert rec.extra["U2"] == ["L2005123456"]


def test_zotero_books_chapters_and_editors() -> None:
    result = parse_fixture("zotero.ris")
    book = by_title(result, "Realist Evaluation")
    assert book.item_type == "book"
    assert book.isbn == "978-0-7619-5008-0"
    assert book.issn == ""
    assert book.pages == "235"
    chapter = by_title(result, "Realist methodology")
    assert chapter.item_type == "chapter"
    assert chapter.journal == "Doing Realist Research"  # T2 of a chapter is the book
    assert chapter.authors == ["Emmel, Nick"]
    assert chapter.extra["A2"] == ["Emmel, Nick", "Greenhalgh, Joanne"]  # editors kept apart
    rameses = by_title(result, "RAMESES")
    assert rameses.doi == "10.1186/1741-7015-11-21"
    assert rameses.extra["DA"] == ["2013/01/29/"]


def test_endnote_crlf_paragraph_abstracts_and_wrapped_lines() -> None:
    result = parse_fixture("endnote.ris")
    review = by_title(result, "What makes leadership")
    # A continuation line of a title is a wrapped line; of an abstract, a new paragraph.
    assert review.title == (
        "What makes leadership of integrated care work? A realist review of the literature"
    )
    assert review.abstract == (
        "Background\nIntegrated care is a policy priority.\nMethods\nWe did a realist review."
    )
    assert review.pages == "e016001"
    assert review.extra["ST"] == ["Integrated care leadership"]
    assert review.extra["N1"] == ["Patel, Nisha\nAhmed, Samir"]
    report = by_title(result, "Framework on integrated")
    assert report.item_type == "report"
    assert report.authors == ["World Health Organization,"]
    assert report.line == 25  # after two blank lines


def test_every_record_keeps_its_source_text_and_start_line() -> None:
    result = parse_fixture("ovid_medline.ris")
    first, second = result.records
    assert first.line == 1
    assert first.raw.startswith("TY  - JOUR\nDB  - Ovid MEDLINE(R) ALL")
    assert first.raw.endswith("ER  - ")
    assert second.line == 24
    text = (result.records[0].raw + "\n\n" + result.records[1].raw).splitlines()
    assert len(text) == 23 + second.raw.count("\n") + 1


def test_script_in_a_title_is_kept_as_text() -> None:
    rameses = by_title(parse_fixture("zotero.ris"), "RAMESES")
    assert rameses.title.endswith("<script>alert(1)</script>")
    assert "<script>alert(1)</script>" in rameses.raw


def test_separator_variations_and_spaces_around_values() -> None:
    text = (
        "TY - JOUR\n"
        "AU - Kim, Min-ji\n"
        "TI -   A title with spaces around it   \n"
        "PY -\n"
        "Y1  - 2015///\n"
        "ER -\n"
    )
    rec = parse_text("refworks.ris", text).records[0]
    assert rec.authors == ["Kim, Min-ji"]
    assert rec.title == "A title with spaces around it"
    assert rec.year == "2015"  # PY is empty, so Y1 is used


def test_unknown_tags_and_type_codes_are_kept() -> None:
    text = "TY  - XYZZ\nTI  - Odd\nZZ  - custom value\nM1  - 12\nER  - \n"
    rec = parse_text("odd.ris", text).records[0]
    assert rec.item_type == "other"
    assert rec.extra == {"TY": ["XYZZ"], "ZZ": ["custom value"], "M1": ["12"]}


def test_type_codes_map_onto_item_types() -> None:
    codes = {
        "JOUR": "article",
        "EJOUR": "article",
        "BOOK": "book",
        "CHAP": "chapter",
        "CONF": "conference",
        "CPAPER": "conference",
        "RPRT": "report",
        "THES": "thesis",
        "DATA": "dataset",
        "ELEC": "webpage",
        "GEN": "other",
    }
    text = "".join(f"TY  - {code}\nTI  - {code}\nER  - \n\n" for code in codes)
    result = parse_text("types.ris", text)
    assert {r.title: r.item_type for r in result.records} == codes
    assert all(r.item_type in ITEM_TYPES for r in result.records)


def test_doi_found_in_url_when_there_is_no_do_tag() -> None:
    text = "TY  - JOUR\nTI  - X\nUR  - https://doi.org/10.1000/ABC.123\nER  - \n"
    rec = parse_text("x.ris", text).records[0]
    assert rec.doi == "10.1000/abc.123"
    assert rec.url == "https://doi.org/10.1000/ABC.123"


def test_export_header_before_the_first_record_is_ignored_with_a_warning() -> None:
    text = (
        "Provider: Elsevier\nDatabase: ScienceDirect\nContent: text/plain; charset=UTF-8\n\n"
        "TY  - JOUR\nTI  - After the header\nER  - \n"
    )
    result = parse_text("sciencedirect.ris", text)
    assert [r.title for r in result.records] == ["After the header"]
    assert result.records[0].line == 5
    assert any("outside any record" in w and "line 1" in w for w in result.warnings)
