"""CSL-JSON from Zotero and others: names, dates, containers, types, exact source text."""

from __future__ import annotations

import json

from .helpers import by_title, failure, parse_fixture, parse_text


def test_zotero_csl_json() -> None:
    result = parse_fixture("zotero.json")
    assert result.format == "csl-json"
    rec = by_title(result, "RAMESES")
    assert rec.authors == ["Wong, Geoff", "von Berg, Ludwig", "RAMESES Project Team"]
    assert rec.year == "2013"
    assert rec.journal == "BMC Medicine"
    assert (rec.volume, rec.number, rec.pages) == ("11", "1", "21")
    assert rec.doi == "10.1186/1741-7015-11-21"
    assert rec.issn == "1741-7015"
    assert rec.pmid == "23360677"
    assert rec.database == "PubMed"
    assert rec.keywords == ["realist synthesis", "reporting standards"]
    assert rec.item_type == "article"
    assert rec.extra["id"] == ["http://zotero.org/users/1/items/ABCD1234"]
    assert rec.line == 2
    assert json.loads(rec.raw)["PMID"] == "23360677"


def test_chapter_with_editors_and_raw_date() -> None:
    rec = by_title(parse_fixture("zotero.json"), "Realist methodology")
    assert rec.item_type == "chapter"
    assert rec.authors == ["Emmel, Nick", "Greenhalgh, Joanne"]  # editors, for want of authors
    assert rec.year == "2018"
    assert rec.isbn == "978-1-4739-1134-7"
    assert rec.extra["publisher-place"] == ["London"]


def test_report_with_literal_author_and_nested_extra() -> None:
    rec = by_title(parse_fixture("zotero.json"), "Framework")
    assert rec.authors == ["World Health Organization"]
    assert rec.year == "2016"
    assert rec.item_type == "report"
    assert rec.extra["custom"] == ['{"nested": [1, 2]}']


def test_a_single_item_object_is_accepted() -> None:
    text = '{"type": "book", "title": "One book", "issued": {"date-parts": [[1999]]}}'
    rec = parse_text("one.json", text).records[0]
    assert (rec.title, rec.item_type, rec.year) == ("One book", "book", "1999")


def test_truncated_json_is_refused() -> None:
    text = '[{"title": "A"}, {"title": "B", "author": [{"family": "Do'
    error = failure("cut.json", text.encode())
    assert "truncated" in error.reason or "not valid" in error.reason


def test_items_must_be_objects_and_names_lists() -> None:
    assert "item 2 is not a JSON object" in failure("x.json", b'[{"title": "A"}, 3]').reason
    error = failure("x.json", b'[{"title": "A", "author": "Smith"}]')
    assert "'author' should be a list of names" in error.reason


def test_an_empty_list_has_no_records() -> None:
    assert "no references were found" in failure("empty.json", b"[ ]").reason
