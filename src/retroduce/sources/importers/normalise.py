"""Small normalisations shared by every format: DOIs, years, pages, ISSN/ISBN, author names."""

from __future__ import annotations

import re
from urllib.parse import unquote

# A DOI is "10." + registrant code + "/" + suffix; the suffix may hold almost anything except
# whitespace (DOI Handbook 2.2). Vendors wrap it in URLs, "doi:" prefixes or a trailing "[doi]".
_DOI = re.compile(r"10\.\d{3,9}/\S+")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|21\d\d)(?!\d)")
_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx]$")
_ISBN_CHARS = re.compile(r"^[\dXx-]+$")
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-"})


def doi(value: str) -> str:
    """The bare, lower-case DOI in `value` ("10.1000/xyz"), or "" when there is none."""
    if "10." not in value:
        return ""
    text = value.strip()
    low = text.lower()
    if "doi.org/" in low or "%2f" in low:
        text = unquote(text)  # URL forms may escape the slash (https://doi.org/10.1000%2Fxyz)
    text = text.replace("[doi]", "").replace("[DOI]", "")
    match = _DOI.search(text)
    if not match:
        return ""
    # Trailing punctuation comes from sentences ("see doi:10.1/x.") rather than from DOIs.
    return match.group(0).rstrip(".,;)]}>\"'").lower()


def year(value: str) -> str:
    """Four digits when the value holds a plausible year ("2019///", "2019 Mar 5"), else as given."""
    match = _YEAR.search(value)
    return match.group(1) if match else value.strip()


def pages(value: str) -> str:
    """'123-130' from '123--130', '123–130' or ' 123 - 130 '."""
    text = value.strip().translate(_DASHES)
    if "-" in text:
        parts = [p.strip() for p in text.split("-") if p.strip()]
        return "-".join(parts)
    return text


def join_pages(start: str, end: str) -> str:
    start, end = start.strip(), end.strip()
    if start and end and end != start and "-" not in start:
        return f"{start}-{end}"
    return pages(start or end)


def expand_medline_pages(value: str) -> str:
    """MEDLINE abbreviates the end page ("123-30" means 123-130); spell it out."""
    text = pages(value)
    start, sep, end = text.partition("-")
    if sep and start.isdigit() and end.isdigit() and len(end) < len(start):
        end = start[: len(start) - len(end)] + end
        return f"{start}-{end}"
    return text


def issn_isbn(values: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Split identifier values into (ISSNs, ISBNs, values that are neither).

    RIS SN and EndNote <isbn> hold either kind, sometimes several in one value with notes:
    "1234-5678 (Print); 1234-5679 (Electronic)" or "978-0-12-345678-9".
    """
    issns: list[str] = []
    isbns: list[str] = []
    other: list[str] = []
    for value in values:
        found = False
        for token in re.split(r"[;,\s]+", value):
            token = token.strip("()[].:")
            if not token:
                continue
            if _ISSN.match(token):
                issns.append(token.upper())
                found = True
            elif _ISBN_CHARS.match(token) and len(token.replace("-", "")) in (10, 13):
                isbns.append(token.upper())
                found = True
        if not found and value.strip():
            other.append(value)
    # "1472-6963 (Print); 1472-6963 (Linking)" names one journal: keep each number once.
    return list(dict.fromkeys(issns)), list(dict.fromkeys(isbns)), other


def family_initials(name: str) -> str:
    """'Smith, JA' from MEDLINE's 'Smith JA'; names without trailing initials are kept."""
    name = name.strip()
    if "," in name:
        return name
    family, sep, initials = name.rpartition(" ")
    if sep and family and initials.isupper() and initials.isalpha() and len(initials) <= 4:
        return f"{family}, {initials}"
    return name


def given_family(name: str) -> str:
    """'Smith, John' from 'John Smith'; kept as given when it already has a comma or one word."""
    name = " ".join(name.split())
    if "," in name or " " not in name:
        return name
    given, _, family = name.rpartition(" ")
    return f"{family}, {given}"


def split_list(value: str, separators: str = ";") -> list[str]:
    """Split on any of `separators`, dropping blanks."""
    parts = [value]
    for sep in separators:
        parts = [piece for part in parts for piece in part.split(sep)]
    return [p.strip() for p in parts if p.strip()]


def clean(value: str) -> str:
    """Collapse runs of whitespace (XML indentation, wrapped lines) into single spaces."""
    return " ".join(value.split())
