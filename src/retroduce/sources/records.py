"""The shape every importer produces and the deduplicator consumes: plain data, no database.

Importers are pure functions over bytes (`importers.parse_file`) returning `RecordData`; the
deduplicator (`dedup.find_duplicates`) takes `DedupRecord`s. Neither touches Django models, so both
are tested without a web request and reused by the CLI, the web import and the benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ImportFailure(ValueError):
    """A file that cannot be imported. The message names the file, the line and the reason."""

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        self.file = file
        self.line = line
        self.reason = reason
        where = f"{file}, line {line}" if line else file
        super().__init__(f"{where}: {reason}")


# Normalised kinds of item; importers map their format's types onto these.
ITEM_TYPES = (
    "article",
    "book",
    "chapter",
    "conference",
    "report",
    "thesis",
    "dataset",
    "webpage",
    "other",
)


@dataclass
class RecordData:
    """One bibliographic record as parsed from a file. Empty string or empty list means absent."""

    title: str = ""
    authors: list[str] = field(default_factory=list)  # "Family, Given" where the format allows
    year: str = ""  # four digits where known, else as given
    journal: str = ""  # journal, book or proceedings title
    volume: str = ""
    number: str = ""  # issue
    pages: str = ""  # "123-130"
    doi: str = ""  # bare, lower-case: "10.1000/xyz" (no https://doi.org/ prefix)
    abstract: str = ""
    keywords: list[str] = field(default_factory=list)
    item_type: str = "other"  # one of ITEM_TYPES
    issn: str = ""
    isbn: str = ""
    publisher: str = ""
    language: str = ""
    url: str = ""
    pmid: str = ""
    database: str = ""  # the database the record says it came from (RIS DB, nbib SO…), if any
    accession: str = ""  # that database's own identifier (RIS AN, WoS UT, Embase accession…)
    extra: dict[str, list[str]] = field(
        default_factory=dict
    )  # every field we did not map, as given
    raw: str = ""  # the record's exact source text, so nothing is lost
    line: int = 0  # 1-based line where the record starts in its file (0 when not line-based)


@dataclass
class ParseResult:
    file: str
    format: str  # "ris", "nbib", "pubmed-xml", "bibtex", "endnote-xml", "csv", "tsv", "xlsx", "csl-json"
    encoding: str  # the encoding decided for this file ("utf-8", "utf-8-sig", "utf-16", "cp1252"…)
    records: list[RecordData]
    warnings: list[str] = field(default_factory=list)


@dataclass
class DedupRecord:
    """What the deduplicator looks at. `id` is the caller's key (CSV ID or database primary key)."""

    id: str
    title: str = ""
    author: str = ""  # all authors as one string, as in the CSV contract ("Smith, J and Doe, A")
    year: str = ""
    journal: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    doi: str = ""
    abstract: str = ""
    isbn: str = ""
    entry_type: str = ""


@dataclass
class CandidatePair:
    """Two records that may be the same work, with the evidence for and against."""

    a: str
    b: str
    score: float  # 0..1, how likely the two are the same work
    reasons: list[str] = field(default_factory=list)


@dataclass
class DedupResult:
    # Groups of ids merged automatically because the evidence is overwhelming (each has 2+ ids).
    clusters: list[list[str]]
    # Uncertain pairs for a person to decide (not merged).
    candidates: list[CandidatePair]
