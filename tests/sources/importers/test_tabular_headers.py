"""CSV and TSV exports: vendors' headers are recognised, unknown columns kept, rows exact."""

from __future__ import annotations

from .helpers import by_title, failure, parse_fixture, parse_text


def test_scopus_csv() -> None:
    result = parse_fixture("scopus.csv")
    assert result.format == "csv"
    assert result.encoding == "utf-8-sig"
    rec = by_title(result, "Programme theory")
    assert rec.authors == ["Rossi, Marco", "Nguyen, Thi"]  # "Author full names", ids dropped
    assert rec.extra["Authors"] == ["Rossi M.; Nguyen T."]
    assert rec.year == "2020"
    assert rec.journal == "International Journal of Integrated Care"  # "Source title"
    assert rec.database == "Scopus"  # "Source", not the journal
    assert rec.accession == "2-s2.0-85085000000"
    assert rec.doi == "10.5334/ijic.5432"
    assert rec.pmid == "32000001"
    assert rec.issn == "15684156"
    assert rec.language == "English"
    assert rec.item_type == "article"  # "Review"
    assert rec.keywords == ["integrated care", "realist synthesis"]
    assert rec.abstract == (
        'Introduction: Integrated care pathways are "multi-level" interventions.\n'
        "A second paragraph."
    )
    assert rec.extra["Art. No."] == ["5"]
    assert rec.extra["Index Keywords"] == ["Delivery of Health Care, Integrated; human"]
    assert rec.line == 2
    assert rec.raw.startswith('"Rossi M.; Nguyen T."') and rec.raw.count("\n") == 1
    paper = by_title(result, "Learning networks")
    assert paper.pages == "45-52"  # "Page start" + "Page end"
    assert paper.item_type == "conference"
    assert paper.isbn == "978-1-4503-0000-0"
    assert paper.line == 4  # the previous row spans two lines


def test_web_of_science_tab_delimited() -> None:
    result = parse_fixture("wos_savedrecs.txt")
    assert result.format == "tsv"
    rec = by_title(result, "Governance")
    assert rec.title == 'Governance and "accountability" in integrated health and social care'
    assert rec.authors == ["Andersson, Karin", "Tanaka, Hiro"]  # AF before AU
    assert rec.journal == "HEALTH POLICY"
    assert rec.pages == "745-752"  # BP + EP
    assert rec.doi == "10.1016/j.healthpol.2021.03.010"
    assert rec.accession == "WOS:000650000000007"
    assert rec.database == "Web of Science"
    assert rec.pmid == "33900001"
    assert rec.issn == "0168-8510"
    assert rec.extra["EI"] == ["1872-6054"]
    assert rec.extra["PG"] == ["8"]  # WoS PG is a page count, not pages
    assert rec.keywords == ["governance", "integrated care"]
    assert rec.item_type == "article"


def test_covidence_export() -> None:
    result = parse_fixture("covidence.csv")
    rec = by_title(result, "Leadership")
    assert rec.authors == ["Smith JA", "Okafor C"]
    assert rec.year == "2019"  # "Published Year"
    assert rec.accession == "31234567"
    assert rec.extra["Covidence #"] == ["#12"]
    assert rec.extra["Tags"] == ["leadership; included"]
    other = by_title(result, "Trust")
    assert other.doi == "10.1111/jan.13456"
    assert other.pages == "600-611"
    assert other.extra["Notes"] == ["duplicate?"]


def test_rayyan_export_keeps_decisions_in_notes() -> None:
    rec = parse_fixture("rayyan.csv").records[0]
    assert rec.authors == ["Rossi, M", "Nguyen, T"]
    assert rec.keywords == ["integrated care", "realist synthesis"]
    assert rec.extra["notes"] == ['RAYYAN-INCLUSION: {"Geoff"=>"Included"}']
    assert rec.extra["key"] == ["rayyan-101"]


def test_semicolon_separated_csv_from_european_excel() -> None:
    text = "Title;Authors;Year;DOI\nUn titre;Dupont, A;2021;10.1000/x1\n"
    rec = parse_text("excel.csv", text).records[0]
    assert (rec.title, rec.authors, rec.year, rec.doi) == (
        "Un titre",
        ["Dupont, A"],
        "2021",
        "10.1000/x1",
    )


def test_explicit_mapping_for_unfamiliar_headers() -> None:
    text = "Name of work,Writers,When,Where\nA study,Doe J; Roe K,2010,Some Journal\n"
    mapping = {"title": "Name of work", "authors": "writers", "year": "When", "journal": "Where"}
    rec = parse_text("own.csv", text, mapping=mapping).records[0]
    assert rec.title == "A study"
    assert rec.authors == ["Doe J", "Roe K"]
    assert rec.journal == "Some Journal"
    assert rec.extra == {}


def test_mapping_naming_a_missing_column_is_refused() -> None:
    text = "Title,Year\nA,2000\n"
    error = failure("m.csv", text.encode(), mapping={"title": "Title", "doi": "Digital id"})
    assert "expects a column 'Digital id'" in error.reason


def test_mapping_naming_an_unknown_field_is_refused() -> None:
    error = failure("m.csv", b"Title,Year\nA,2000\n", mapping={"colour": "Title"})
    assert "'colour', which is not a reference field" in error.reason


def test_header_without_a_title_column_asks_for_a_mapping() -> None:
    error = failure("nums.csv", b"Year,Volume\n2000,1\n")
    assert "no column for the title, DOI or PubMed ID" in error.reason
    assert "column mapping" in error.reason


def test_unclosed_quote_names_the_row_and_says_truncated() -> None:
    text = 'Title,Year\n"Fine",2000\n"Cut off in the mid'
    error = failure("cut.csv", text.encode())
    assert error.line == 3
    assert "never closed" in error.reason


def test_row_with_more_values_than_the_header_is_refused() -> None:
    error = failure("wide.csv", b"Title,Year\nA,2000\nB, with comma,2001\n")
    assert error.line == 3
    assert "3 values but the header names 2 columns" in error.reason


def test_a_short_last_row_without_line_break_means_truncation() -> None:
    error = failure("short.csv", b"Title,Year,DOI\nA,2000,10.1/a\nB,20")
    assert "truncated" in error.reason


def test_blank_rows_are_skipped_and_header_only_files_refused() -> None:
    result = parse_text("gaps.csv", "Title,Year\n\nA,2000\n,\n")
    assert [r.title for r in result.records] == ["A"]
    error = failure("header.csv", b"Title,Year\n")
    assert "no references were found" in error.reason
