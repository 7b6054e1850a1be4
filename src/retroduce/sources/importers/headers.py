"""Column headers of CSV, TSV and XLSX reference lists, and turning one row into a RecordData.

Typical inputs: Scopus CSV ("Authors", "Author full names", "Source title", "Page start"…),
Web of Science tab-delimited (two-letter tags: PT AU AF TI SO … UT) or its Excel export
("Article Title", "Source Title", "UT (Unique WOS ID)"…), Covidence CSV ("Published Year",
"Accession Number", "Covidence #"), Rayyan CSV (lower-case "title", "authors", "journal"…),
Zotero CSV ("Item Type", "Publication Title", "Abstract Note", "Manual Tags"), EndNote
tab-delimited ("Reference Type", "Secondary Title", "ISBN/ISSN") and PubMed CSV ("Journal/Book").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retroduce.sources.records import RecordData

from . import normalise
from .context import Context
from .types import from_label

# Our field -> headers that mean it, best first (Scopus and WoS offer both short and full author
# names; the full ones win and the others stay in `extra`).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": ("title", "article title", "document title", "ti", "primary title", "item title"),
    "authors": (
        "author full names",
        "af",
        "authors",
        "author",
        "au",
        "author(s)",
        "author names",
        "creators",
    ),
    "year": (
        "year",
        "publication year",
        "py",
        "published year",
        "pub year",
        "pubyear",
        "year published",
        "publication date",
        "date",
    ),
    "journal": (
        "source title",
        "journal",
        "journal title",
        "publication title",
        "journal/book",
        "journal name",
        "so",
        "secondary title",
        "source",
        "publication",
        "container title",
    ),
    "volume": ("volume", "vl", "vol", "vol."),
    "number": ("issue", "number", "is", "no", "no.", "issue number"),
    "pages": ("pages", "page range", "page numbers", "page", "pp"),
    "page_start": ("page start", "start page", "bp", "first page", "spage"),
    "page_end": ("page end", "end page", "ep", "last page", "epage"),
    "doi": ("doi", "di", "doi link", "doi url"),
    "abstract": ("abstract", "ab", "abstract note", "summary"),
    "keywords": (
        "author keywords",
        "keywords",
        "de",
        "keyword",
        "manual tags",
        "subject terms",
        "subjects",
    ),
    "issn": ("issn", "sn", "print issn", "isbn/issn", "issn/isbn"),
    "isbn": ("isbn", "bn"),
    "pmid": ("pmid", "pubmed id", "pm", "pubmed"),
    "language": ("language", "language of original document", "la", "lang"),
    "item_type": (
        "item type",
        "document type",
        "dt",
        "reference type",
        "type",
        "publication type",
        "pt",
        "type of work",
        "entrytype",  # BibTeX-shaped CSV (bib-dedupe, ASySD)
    ),
    "publisher": ("publisher", "pu", "publisher name"),
    "url": ("url", "link", "links", "ur", "full text url"),
    "accession": (
        "accession number",
        "an",
        "ut",
        "ut (unique wos id)",
        "unique-id",
        "eid",
        "accession",
    ),
    "database": ("name of database", "database", "db", "library catalog", "source database"),
}

# Keys a caller may use in an explicit column mapping.
MAPPABLE = frozenset(SYNONYMS)
_KNOWN = frozenset(h for names in SYNONYMS.values() for h in names)

_SCOPUS_ID = re.compile(r"\s*\(\d+\)\s*$")
_AFTER_INITIAL = re.compile(r"(?<=\.),\s+")


def normalise_header(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").strip().strip('"').lower().split())


def recognised(headers: list[str]) -> int:
    """How many headers we know: the format detector's score for a candidate delimiter."""
    return sum(1 for h in headers if normalise_header(h) in _KNOWN)


@dataclass
class ColumnPlan:
    columns: dict[str, int] = field(default_factory=dict)  # our field -> column index
    extra: list[tuple[int, str]] = field(default_factory=list)  # (index, header as given)
    width: int = 0


def plan_columns(ctx: Context, header: list[str], mapping: dict[str, str] | None) -> ColumnPlan:
    names = [normalise_header(h) for h in header]
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name, i)
    plan = ColumnPlan(width=len(header))
    claimed: set[int] = set()
    for ours, theirs in (mapping or {}).items():
        if ours not in MAPPABLE:
            raise ctx.fail(
                None,
                f"the column mapping names '{ours}', which is not a reference field "
                f"(use one of: {', '.join(sorted(MAPPABLE))})",
            )
        i = index.get(normalise_header(theirs))
        if i is None:
            raise ctx.fail(
                1, f"the column mapping expects a column '{theirs}', but the header has none"
            )
        plan.columns[ours] = i
        claimed.add(i)
    # Scopus has both "Source title" (the journal) and "Source" (the value "Scopus").
    if "source title" in index and "source" in index and "database" not in plan.columns:
        plan.columns["database"] = index["source"]
        claimed.add(index["source"])
    for ours, candidates in SYNONYMS.items():
        if ours in plan.columns:
            continue
        for candidate in candidates:
            i = index.get(candidate)
            if i is not None and i not in claimed:
                plan.columns[ours] = i
                claimed.add(i)
                break
    if not any(k in plan.columns for k in ("title", "doi", "pmid")):
        shown = ", ".join(repr(h.strip()) for h in header[:8] if h.strip())
        raise ctx.fail(
            1,
            "the first row is not a header we recognise: no column for the title, DOI or "
            f"PubMed ID (the columns are {shown or 'empty'}); give a column mapping",
        )
    for i, name in enumerate(header):
        if i not in claimed:
            label = name.replace("\ufeff", "").strip() or f"column {i + 1}"
            plan.extra.append((i, label))
    return plan


def split_authors(value: str) -> list[str]:
    """Authors in one cell: "A; B" (Scopus, WoS, Covidence), "A and B" (Rayyan) or Scopus's
    older "Smith J., Doe A."; Scopus author IDs "(57190000000)" are dropped."""
    value = value.strip()
    if not value:
        return []
    if ";" in value:
        parts = value.split(";")
    elif " and " in value:
        parts = value.split(" and ")
    elif _AFTER_INITIAL.search(value):
        parts = _AFTER_INITIAL.split(value)
    else:
        parts = [value]
    return [_SCOPUS_ID.sub("", p).strip() for p in parts if p.strip()]


def row_record(plan: ColumnPlan, row: list[str], raw: str, line: int) -> RecordData:
    def cell(name: str) -> str:
        i = plan.columns.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    extra: dict[str, list[str]] = {}
    for i, label in plan.extra:
        if i < len(row) and row[i].strip():
            extra.setdefault(label, []).append(row[i].strip())

    doi_cell = cell("doi")
    doi = normalise.doi(doi_cell)
    if doi_cell and not doi:
        extra.setdefault("DOI", []).append(doi_cell)
    issns, isbns, odd = normalise.issn_isbn([v for v in (cell("issn"), cell("isbn")) if v])
    if odd:
        extra.setdefault("ISSN/ISBN", []).extend(odd)
    accession = cell("accession")
    database = cell("database")
    if not database and accession.upper().startswith("WOS:"):
        database = "Web of Science"
    elif not database and accession.startswith("2-s2.0-"):
        database = "Scopus"
    year = cell("year")
    type_label = cell("item_type")
    return RecordData(
        title=cell("title"),
        authors=split_authors(cell("authors")),
        year=normalise.year(year) if year else "",
        journal=cell("journal"),
        volume=cell("volume"),
        number=cell("number"),
        pages=normalise.pages(cell("pages"))
        or normalise.join_pages(cell("page_start"), cell("page_end")),
        doi=doi,
        abstract=cell("abstract"),
        keywords=normalise.split_list(cell("keywords"), ";"),
        item_type=from_label(type_label) if type_label else "other",
        issn="; ".join(issns),
        isbn="; ".join(isbns),
        publisher=cell("publisher"),
        language=cell("language"),
        url=cell("url"),
        pmid=cell("pmid"),
        database=database,
        accession=accession,
        extra=extra,
        raw=raw,
        line=line,
    )
