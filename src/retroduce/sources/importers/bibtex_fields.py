"""Mapping one BibTeX entry onto RecordData. Unmapped fields land in `extra` (lower-case names),
with the citation key under "citekey"."""

from __future__ import annotations

from retroduce.sources.records import RecordData

from . import latex, normalise
from .types import BIBTEX_TYPES

# Fields that are identifiers or addresses: braces are dropped but nothing is decoded, since
# "~" and "--" are ordinary characters in URLs.
_VERBATIM = frozenset(("doi", "url", "eprint", "pmid", "issn", "isbn", "file", "pdf"))
# Database names Scopus and others write in "source" (the Scopus BibTeX export: source={Scopus}).
_DATABASES = ("scopus", "web of science", "pubmed", "medline", "embase", "cinahl", "psycinfo")


def _split_names(value: str) -> list[str]:
    """Split on " and " outside braces ("{Smith and Jones Ltd} and Doe, A")."""
    names: list[str] = []
    depth = 0
    start = 0
    low = value.lower()
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and low.startswith(" and ", i):
            names.append(value[start:i])
            i += 5
            start = i
            continue
        elif depth == 0 and ch in "\t\n" and low[i + 1 : i + 5] == "and " and i:
            names.append(value[start:i])
            i += 5
            start = i
            continue
        i += 1
    names.append(value[start:])
    return [n.strip() for n in names if n.strip()]


def _depth0_split(value: str, sep: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(value):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return [p.strip() for p in parts]


def _name(raw: str) -> str:
    """'Family, Given' from BibTeX's 'Family, Given', 'Given Family' or 'Given von Family'."""
    if raw.startswith("{") and raw.endswith("}") and len(_depth0_split(raw, ",")) == 1:
        return latex.decode(raw)  # {World Health Organization}: a literal name
    parts = _depth0_split(raw, ",")
    if len(parts) == 2:
        return f"{latex.decode(parts[0])}, {latex.decode(parts[1])}".strip(", ")
    if len(parts) >= 3:  # "von Last, Jr, First"
        return f"{latex.decode(parts[0])}, {latex.decode(parts[2])}, {latex.decode(parts[1])}"
    words = _depth0_split(" ".join(raw.split()), " ")
    if len(words) == 1:
        return latex.decode(words[0])
    # The family name starts at the first lower-case "von" word, else it is the last word.
    split = len(words) - 1
    for k in range(1, len(words) - 1):
        if words[k][:1].islower():
            split = k
            break
    given = latex.decode(" ".join(words[:split]))
    family = latex.decode(" ".join(words[split:]))
    return f"{family}, {given}"


def _names(value: str) -> list[str]:
    return [_name(n) for n in _split_names(value) if n.lower() != "others"]


def _plain(value: str) -> str:
    return " ".join(value.replace("{", "").replace("}", "").split())


def build_record(
    kind: str, key: str, fields: list[tuple[str, str]], raw: str, line: int
) -> RecordData:
    values: dict[str, list[str]] = {}
    for name, value in fields:
        values.setdefault(name, []).append(value)

    def take(*names: str) -> str:
        for name in names:
            found = values.get(name)
            if found:
                value = found.pop(0)
                if not found:
                    del values[name]
                return _plain(value) if name in _VERBATIM else latex.decode(value)
        return ""

    item_type = BIBTEX_TYPES.get(kind, "other")
    authors = _names(values.pop("author", [""])[0]) if "author" in values else []
    if not authors and "editor" in values:
        authors = _names(values["editor"][0])  # an edited book; "editor" stays in extra too

    title = take("title")
    journal_names = ("journal", "journaltitle", "booktitle")
    if not title and item_type == "book":
        title = take("booktitle")
    year = take("year") or take("date")

    doi = normalise.doi(take("doi"))
    if not doi:
        for url in values.get("url", []):
            doi = normalise.doi(_plain(url))
            if doi:
                break

    pmid = take("pmid")
    if not pmid and values.get("eprinttype", [""])[0].lower() == "pubmed":
        pmid = take("eprint")
        values.pop("eprinttype", None)

    issns, isbns, odd_issn = normalise.issn_isbn([take("issn")] if "issn" in values else [])
    isbn = take("isbn")

    keywords: list[str] = []
    for keyword_field in ("keywords", "keyword", "author_keywords"):
        if keyword_field in values:
            keywords += normalise.split_list(take(keyword_field), ";,")

    database = ""
    source = values.get("source", [""])[0].lower()
    if any(name in source for name in _DATABASES):
        database = take("source")
    accession = take("unique-id", "accession", "eid", "an")
    if not database and accession.upper().startswith("WOS:"):
        database = "Web of Science"

    extra: dict[str, list[str]] = {"citekey": [key]} if key else {}
    if kind not in BIBTEX_TYPES:
        extra["entrytype"] = [kind]
    if odd_issn:
        extra["issn"] = odd_issn  # not shaped like an ISSN: kept as given
    record = RecordData(
        title=title,
        authors=authors,
        year=normalise.year(year) if year else "",
        journal=take(*journal_names),
        volume=take("volume"),
        number=take("number", "issue"),
        pages=normalise.pages(take("pages")),
        doi=doi,
        abstract=take("abstract"),
        keywords=keywords,
        item_type=item_type,
        issn="; ".join(issns),
        isbn="; ".join(isbns) or isbn,
        publisher=take("publisher", "institution", "school", "organization"),
        language=take("language", "langid"),
        url=take("url"),
        pmid=pmid,
        database=database,
        accession=accession,
        raw=raw,
        line=line,
    )
    for name, remaining in values.items():
        extra[name] = [_plain(v) if name in _VERBATIM else latex.decode(v) for v in remaining]
    record.extra = extra
    return record
