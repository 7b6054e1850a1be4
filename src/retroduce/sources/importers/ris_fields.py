"""Mapping one RIS record's tags onto RecordData; every tag not used lands in `extra`.

Vendors disagree about tags, so each field takes the first of several candidates:
- title: TI (Scopus, WoS, Zotero, EndNote) or T1 (Ovid, EBSCO, Embase);
- journal: JF (full name, Ovid/EBSCO/Embase), T2 (Scopus, WoS, Zotero, EndNote), JO, JA, J2;
- year: PY, then Y1 ("2019///" in EBSCO, "2019//" in Ovid and Embase), then DA;
- abstract: AB, then N2 (Ovid, Embase and older EndNote put the abstract in N2);
- DOI: DO, given bare, as "doi:…" or as a URL (Ovid writes https://dx.doi.org/…); when it is
  absent a DOI found in UR, L3, L2 or M3 is used;
- authors: AU and A1; editors (A2, ED) only when a record has no author, and they stay in extra.
A candidate that is not chosen (JA when JF was used, DA beside PY) stays in `extra` too.
"""

from __future__ import annotations

from retroduce.sources.records import RecordData

from . import normalise
from .types import RIS_TYPES

_DOI_ELSEWHERE = ("UR", "L3", "L2", "M3")


def _first(fields: dict[str, list[str]], tags: tuple[str, ...]) -> str:
    """The first value of the first tag present; the tag's other values stay for `extra`."""
    for tag in tags:
        values = fields.pop(tag, None)
        if values is None:
            continue
        if len(values) == 1:
            if values[0]:
                return values[0]
            continue  # an empty value ("VL  - "): nothing to keep
        kept = [v for v in values if v]
        if kept:
            if len(kept) > 1:
                fields[tag] = kept[1:]
            return kept[0]
    return ""


def _more(fields: dict[str, list[str]], tag: str, values: list[str]) -> str:
    """The rare case of a single-candidate tag given more than once: the first non-empty value
    is used and the others stay for `extra`."""
    kept = [v for v in values if v]
    if len(kept) > 1:
        fields[tag] = kept[1:]
    return kept[0] if kept else ""


# Candidate tags for each field, best first (see the module docstring).
_TITLE = ("TI", "T1", "CT")
_JOURNAL = ("JF", "T2", "JO", "JA", "J2")
_YEAR = ("PY", "Y1", "DA")
_ABSTRACT = ("AB", "N2")
_NUMBER = ("IS", "CP")
_URL = ("UR", "LK", "L2")
_DATABASE = ("DB", "DP")


def build_record(fields: dict[str, list[str]], raw: str, line: int) -> RecordData:
    """Consume the mapped tags of `fields`; what is left becomes `extra`.

    Called once per record, so it avoids per-field helper calls where a dict.pop will do.
    """
    pop = fields.pop
    ty = pop("TY")[0]
    kind = RIS_TYPES.get(ty.upper())
    if kind is None:
        kind = "other"
        if ty:
            fields["TY"] = [ty]  # an unknown type code is kept, not lost

    authors = pop("AU", None) or []
    a1 = pop("A1", None)
    if a1:
        authors = authors + a1
    if "" in authors:
        authors = [a for a in authors if a]
    keywords = pop("KW", None) or []
    if "" in keywords:
        keywords = [k for k in keywords if k]

    doi = ""
    doi_values = pop("DO", None)
    if doi_values:
        doi = normalise.doi(doi_values[0])
        if not doi:
            fields["DO"] = doi_values  # not a DOI after all: kept as given
        elif len(doi_values) > 1:
            fields["DO"] = doi_values[1:]
    if not doi:
        doi = _doi_elsewhere(fields)

    issn = isbn = ""
    sn = pop("SN", None)
    if sn:
        value = sn[0]
        if len(sn) == 1 and len(value) == 9 and value[4] == "-" and value[:4].isdigit():
            issn = value  # the common case, "1472-6963", without the general parser
        else:
            issns, isbns, other = normalise.issn_isbn(sn)
            issn, isbn = "; ".join(issns), "; ".join(isbns)
            if other:
                fields["SN"] = other
    if not isbn and "BN" in fields:
        isbn = _more(fields, "BN", pop("BN"))

    if not authors:
        # An edited book lists only its editors; they are the best "authors" we have.
        authors = [v for v in (fields.get("A2") or fields.get("ED") or ()) if v]
    title = _first(fields, _TITLE)
    if not title and kind == "book":
        title = _first(fields, ("BT",))
    journal = _first(fields, _JOURNAL)
    if not journal and kind != "book":
        journal = _first(fields, ("BT",))

    year = _first(fields, _YEAR)
    if year and not (len(year) == 4 and year.isdigit()):
        year = normalise.year(year)
    # Single-candidate tags, inlined: "" when absent, the value when given once (the norm).
    v = pop("SP", None)
    start = "" if v is None else v[0] if len(v) == 1 else _more(fields, "SP", v)
    v = pop("EP", None)
    end = "" if v is None else v[0] if len(v) == 1 else _more(fields, "EP", v)
    v = pop("VL", None)
    volume = "" if v is None else v[0] if len(v) == 1 else _more(fields, "VL", v)
    v = pop("PB", None)
    publisher = "" if v is None else v[0] if len(v) == 1 else _more(fields, "PB", v)
    v = pop("LA", None)
    language = "" if v is None else v[0] if len(v) == 1 else _more(fields, "LA", v)
    v = pop("AN", None)
    accession = "" if v is None else v[0] if len(v) == 1 else _more(fields, "AN", v)
    if end and start and end != start and start.isdigit():
        pages = f"{start}-{end}"
    elif end or "-" in start or "\u2013" in start:
        pages = normalise.join_pages(start, end)
    else:
        pages = start

    database = _first(fields, _DATABASE)
    pmid = ""
    # Ovid MEDLINE and EndNote's PubMed connection put the PMID in AN.
    if accession and database and accession.isdigit() and len(accession) <= 9:
        low = database.lower()
        if "medline" in low or "pubmed" in low:
            pmid = accession

    return RecordData(
        title=title,
        authors=authors,
        year=year,
        journal=journal,
        volume=volume,
        number=_first(fields, _NUMBER),
        pages=pages,
        doi=doi,
        abstract=_first(fields, _ABSTRACT),
        keywords=keywords,
        item_type=kind,
        issn=issn,
        isbn=isbn,
        publisher=publisher,
        language=language,
        url=_first(fields, _URL),
        pmid=pmid,
        database=database,
        accession=accession,
        extra=fields,
        raw=raw,
        line=line,
    )


def _doi_elsewhere(fields: dict[str, list[str]]) -> str:
    for tag in _DOI_ELSEWHERE:
        for value in fields.get(tag, ()):
            found = normalise.doi(value)
            if found:
                return found
    return ""
