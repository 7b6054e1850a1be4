"""EndNote XML (File > Export > XML): xml/records/record.

Text is often wrapped in <style face="normal" font="default" size="100%"> elements; only the
text counts. EndNote keeps both ISSN and ISBN in <isbn>, and the DOI in
<electronic-resource-num>. Unmapped leaf elements land in `extra` under their path
("pub-location", "urls/pdf-urls/url", "custom1"…).
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from retroduce.sources.records import RecordData

from . import normalise
from .context import Context
from .types import from_label
from .xmlflat import flatten, without
from .xmlsafe import first_text, parse_records, texts

_ROOTS = frozenset(("xml", "records", "record"))
_RECORDS = frozenset(("record",))

# EndNote's numeric reference types (used when the name attribute is missing).
_REF_TYPE_NUMBERS = {
    "17": "article",
    "19": "article",
    "23": "article",
    "43": "article",
    "6": "book",
    "28": "book",
    "5": "chapter",
    "10": "conference",
    "47": "conference",
    "27": "report",
    "46": "report",
    "32": "thesis",
    "59": "dataset",
    "12": "webpage",
}

_CONSUMED = (
    "ref-type",
    "contributors/authors/author",
    "titles/title",
    "titles/secondary-title",
    "periodical/full-title",
    "dates/year",
    "pages",
    "volume",
    "number",
    "electronic-resource-num",
    "abstract",
    "keywords/keyword",
    "isbn",
    "publisher",
    "language",
    "urls/related-urls/url",
    "accession-num",
    "remote-database-name",
)


def parse_endnote_xml(ctx: Context, text: str, data: bytes, encoding: str) -> list[RecordData]:
    return parse_records(ctx, text, data, encoding, _RECORDS, _ROOTS, "EndNote XML", _record)


def _kind(element: Element) -> str:
    ref_type = element.find("ref-type")
    if ref_type is None:
        return "other"
    name = ref_type.get("name", "")
    kind = from_label(name) if name else "other"
    if kind == "other":
        kind = _REF_TYPE_NUMBERS.get((ref_type.text or "").strip(), "other")
    return kind


def _record(element: Element) -> RecordData:
    kind = _kind(element)
    authors = texts(element, "contributors/authors/author")
    if not authors:
        # An edited book has only secondary authors (editors); they stay in extra as well.
        authors = texts(element, "contributors/secondary-authors/author")
    # For a book section, secondary-title is the book; for an article, the journal, which
    # EndNote also writes in periodical/full-title.
    journal = first_text(element, "periodical/full-title") or first_text(
        element, "titles/secondary-title"
    )
    flat = flatten(element)
    if first_text(element, "periodical/full-title"):
        consumed = tuple(c for c in _CONSUMED if c != "titles/secondary-title")
    else:
        consumed = tuple(c for c in _CONSUMED if c != "periodical/full-title")
    identifiers = texts(element, "isbn")
    issns, isbns, other_ids = normalise.issn_isbn(identifiers)
    doi = ""
    for value in texts(element, "electronic-resource-num"):
        doi = normalise.doi(value)
        if doi:
            break
    if not doi:
        consumed = tuple(c for c in consumed if c != "electronic-resource-num")
    year = first_text(element, "dates/year")
    database = first_text(element, "remote-database-name")
    accession = first_text(element, "accession-num")
    pmid = accession if accession.isdigit() and "pubmed" in database.lower() else ""
    urls = texts(element, "urls/related-urls/url")
    extra = without(flat, consumed)
    if other_ids:
        extra["isbn"] = other_ids  # neither an ISSN nor an ISBN: kept as given
    if len(urls) > 1:
        extra["urls/related-urls/url"] = urls[1:]
    return RecordData(
        title=first_text(element, "titles/title"),
        authors=authors,
        year=normalise.year(year) if year else "",
        journal=journal,
        volume=first_text(element, "volume"),
        number=first_text(element, "number"),
        pages=normalise.pages(first_text(element, "pages")),
        doi=doi,
        abstract=first_text(element, "abstract"),
        keywords=texts(element, "keywords/keyword"),
        item_type=kind,
        issn="; ".join(issns),
        isbn="; ".join(isbns),
        publisher=first_text(element, "publisher"),
        language=first_text(element, "language"),
        url=urls[0] if urls else "",
        pmid=pmid,
        database=database,
        accession=accession,
        extra=extra,
    )
