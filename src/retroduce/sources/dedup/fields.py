"""Normalisers for the bibliographic fields other than the title.

Exports disagree on format far more than on content: "Smith, J." vs "John Smith", "123-9" vs
"123-129", "https://doi.org/10.1/X" vs "10.1/x", "J Clin Oncol" vs "Journal of Clinical Oncology".
Each function maps those variants onto one comparable form.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote

from rapidfuzz import fuzz

from retroduce.sources.dedup.text import fold, strip_markup

# ---------------------------------------------------------------- DOI

_DOI = re.compile(r"10\.\d{4,9}/\S+")


def normalise_doi(raw: str) -> str:
    """Bare lower-case DOI ("10.1000/xyz"), or "" when the field holds none."""
    if not raw or "10." not in raw:
        return ""
    text = unquote(raw.strip()).lower()
    found = _DOI.search(text)
    if not found:
        return ""
    # Trailing punctuation and "[doi]" tags come from citation exports, not from the DOI.
    doi = found.group(0)
    doi = re.sub(r"\[doi\]$", "", doi)
    return doi.rstrip(".,;)]}>")


# ---------------------------------------------------------------- year, volume, number

_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_INT = re.compile(r"\d+")


def normalise_year(raw: str) -> int | None:
    found = _YEAR.search(raw) if raw else None
    return int(found.group(1)) if found else None


def first_int(raw: str) -> str:
    """The first whole number without leading zeros ("Vol. 038 Suppl 2" -> "38"), or ""."""
    found = _INT.search(raw) if raw else None
    return (found.group(0).lstrip("0") or "0") if found else ""


# ---------------------------------------------------------------- pages

_PAGE_RANGE = re.compile(r"([a-z]{0,3})(\d+)[a-z]?(?:\s*-+\s*([a-z]{0,3})(\d+))?")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = re.compile("|".join(_MONTHS))


def normalise_pages(raw: str) -> tuple[str, str]:
    """(first page, last page) as digit strings, expanding "123-9" to ("123", "129").

    Letter prefixes ("S12", "e1234") are dropped for comparison because databases keep or
    lose them inconsistently; the digits carry the identity.
    """
    if not raw:
        return "", ""
    text = fold(raw).replace("–", "-").replace("—", "-")
    # Spreadsheets turn "8-11" into "8-Nov"; such a field no longer says anything reliable.
    if _MONTH.search(text):
        return "", ""
    found = _PAGE_RANGE.search(text)
    if not found:
        return "", ""
    first = found.group(2).lstrip("0") or "0"
    last = (found.group(4) or "").lstrip("0")
    if last and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    if last and int(last) < int(first) and len(last) != len(first):
        last = ""  # "123-9" was expanded above; what is left is not a range
    # A reversed range of equal length ("2297-2108" for "2097-2108") is a typo in one of the two
    # numbers; both are kept so that either can agree with another record.
    return first, last or first


# ---------------------------------------------------------------- authors

# Name particles and suffixes that one export keeps inside the family name and another moves to
# the given names ("Le Quintrec, M." vs "Le, Quintrec M."): they are left out of the comparison.
_PARTICLES = frozenset(
    "de da di del della der den van von vom ter la le du dos das el al et jr sr ii iii iv "
    "and others anonymous".split()
)
# A "?" inside a name is a character lost to a wrong encoding ("Cobano?lu"); it is kept so that
# the comparison can treat it as a wildcard.
_NAME_TOKEN = re.compile(r"(?:[^\W\d_]|\?(?=[^\W\d_]))(?:[^\W\d_]|\?)+")
# The same without a "?" in the text, twice as fast; and for ASCII text, faster still.
_NAME_TOKEN_PLAIN = re.compile(r"[^\W\d_]{2,}")
_NAME_TOKEN_ASCII = re.compile(r"[A-Za-z]{2,}")


def _name_tokens(text: str) -> list[str]:
    if "?" in text:
        return _NAME_TOKEN.findall(text)
    if text.isascii():
        return _NAME_TOKEN_ASCII.findall(text)
    return _NAME_TOKEN_PLAIN.findall(text)


_NAME_SPLIT = re.compile(r"\s+and\s+|\s*;\s*|\s*&\s*|\n")
_NAME_SPLIT_AND = re.compile(r"\s+and\s+")  # the same without ";", "&" or a line break
# "Adeli K.Lewis G. F." (names run together, each ending in initials): split after an initial's
# dot when a capitalised word follows.
_RUN_TOGETHER = re.compile(r"(?<=[A-Z]\.)(?=[A-Z][a-z])")
_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")


def _german_fold(token: str) -> str:
    # "Müller" is exported both as "Muller" and "Mueller"; fold the digraphs both ways alike.
    if "e" in token:
        return token.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return token


def author_names(raw: str) -> list[str]:
    """The author field split into one string per person, in order."""
    if not raw or not raw.strip():
        return []
    text = strip_markup(raw)
    split = _NAME_SPLIT if ";" in text or "&" in text or "\n" in text else _NAME_SPLIT_AND
    parts = [p for p in split.split(text) if p.strip()]
    if len(parts) == 1 and _RUN_TOGETHER.search(text):
        parts = [p for p in _RUN_TOGETHER.split(text) if p.strip()]
    elif len(parts) == 1 and text.count(",") >= 2 and "." in text:
        # "Smith J., Doe A., Roe B." : commas separate people when every part ends in initials.
        pieces = [p.strip() for p in text.split(",")]
        if all(_INITIALS.match(p.split()[-1]) for p in pieces if p.split()):
            parts = pieces
    return [p.strip() for p in parts]


def family_name(name: str) -> str:
    """The folded family name of one person: "Smith, John" / "Smith J" / "John Smith" -> "smith"."""
    if "," in name:
        family = name.split(",", 1)[0]
    else:
        tokens = name.split()
        if not tokens:
            return ""
        # "Zhou X" or "Zhou X. Y." : trailing initials follow the family name.
        if len(tokens) > 1 and _INITIALS.match(tokens[-1]):
            while len(tokens) > 1 and _INITIALS.match(tokens[-1]):
                tokens.pop()
            family = " ".join(tokens)
        else:
            family = tokens[-1]
    found = [_german_fold(t) for t in _name_tokens(fold(family)) if t not in _PARTICLES]
    return found[-1] if found else ""


def author_tokens(raw: str) -> frozenset[str]:
    """Every name word of two letters or more, folded: compares names across formats.

    Initials are dropped, so "Zhou, Xiangdong and Lan, Jian" and "Zhou X, Lan J" share
    {zhou, lan}; overlap is then measured against the smaller set.
    """
    if not raw:
        return frozenset()
    text = fold(strip_markup(raw))
    tokens = _name_tokens(text)
    if "ae" not in text and "oe" not in text and "ue" not in text:
        return frozenset(tokens).difference(_PARTICLES)  # nothing to fold
    return frozenset([_german_fold(t) for t in tokens if t not in _PARTICLES])


# ---------------------------------------------------------------- journal / venue

_VENUE_STOPWORDS = frozenset(
    "the of and for in on at de des du la le el der die und fur i et d l a an "
    "proceedings proc official publication organ".split()
)
_BRACKETED = re.compile(r"\[[^\]]*\]|\([^)]*\)")
# "A = B" gives two names of one journal (a transliteration and a translation).
_VENUE_ALTERNATIVES = re.compile(r"\s=\s")
# "Circulation. Conference: American Heart Association…" or "Chest: The Cardiopulmonary…": the
# journal comes first, then a subtitle or the meeting whose abstracts the issue carries.
# Only a full word after the separator counts: in "J. Clin. Oncol." every piece is an abbreviation.
_VENUE_SUBTITLE = re.compile(r"(?:[.:]|\s-)\s*(?=[A-Z][a-z]{3,}\b(?!\.))")


def _venue_tokens(text: str) -> tuple[str, ...]:
    return tuple(
        t
        for t in re.sub(r"[\W_\d]+", " ", fold(_BRACKETED.sub(" ", text))).split()
        if t not in _VENUE_STOPWORDS
    )


@lru_cache(maxsize=16384)  # a few journals carry most records of a search
def venue_variants(raw: str) -> tuple[tuple[str, ...], ...]:
    """Token tuples for each name a venue field gives, stop words removed.

    "A = B" gives both names; a field with a subtitle also gives the part before it.
    """
    if not raw or not raw.strip():
        return ()
    text = strip_markup(raw).replace("&", " and ")
    variants: list[tuple[str, ...]] = []
    for part in _VENUE_ALTERNATIVES.split(text):
        tokens = _venue_tokens(part)
        if tokens and tokens not in variants:
            variants.append(tokens)
        prefix = _venue_tokens(_VENUE_SUBTITLE.split(part, maxsplit=1)[0])
        # A one-word prefix must be a real word ("Circulation"), not an abbreviation ("J").
        if prefix and len("".join(prefix)) >= 4 and prefix not in variants:
            variants.append(prefix)
    return tuple(variants)


def _abbreviates(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """True when each word of `short` is a prefix of the next words of `long`, in order.

    ISO 4 abbreviations keep word order and cut words ("J Clin Oncol" for "Journal of Clinical
    Oncology"). One extra word in the long form is tolerated (a leading acronym as in "JPEN
    Journal of…", or a dropped subtitle word when the short form has three words or more).
    """
    if len(short) > len(long):
        return False
    j = 0
    skipped = 0
    for word in short:
        while j < len(long) and not (long[j].startswith(word) or word.startswith(long[j])):
            j += 1
            skipped += 1
        if j >= len(long) or skipped > 1:
            return False
        j += 1
    tail = len(long) - j
    if skipped + tail == 0:
        return True
    return skipped + tail <= 1 and (len(short) >= 3 or (len(short) == 2 and tail == 0))


def _initialism(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """ "BMJ" for "British Medical Journal", "JAMA" for "Journal of the American Medical…"."""
    if len(short) != 1 or len(long) < 2 or len(short[0]) < 3:
        return False
    return short[0] == "".join(w[0] for w in long)


def venues_compatible(a: tuple[tuple[str, ...], ...], b: tuple[tuple[str, ...], ...]) -> bool:
    for va in a:
        for vb in b:
            if va == vb or "".join(va) == "".join(vb):  # "PLoS One" vs "PLOSONE"
                return True
            short, long = (va, vb) if len(va) <= len(vb) else (vb, va)
            if len(short) == 1:
                # One word matches only itself or an initialism: "Clin" must not match
                # every journal that starts with "Clinical".
                if _initialism(short, long):
                    return True
                continue
            if _abbreviates(short, long):
                return True
            # A transliterated name followed by its translation: "Zhonghua … Chinese Journal of
            # Tuberculosis" vs "Chinese Journal of Tuberculosis".
            if len(short) >= 3 and long[-len(short) :] == short:
                return True
    return False


# ---------------------------------------------------------------- kind of item

_CONFERENCE_TYPES = frozenset({"inproceedings", "conference", "proceedings", "conf", "cpaper"})
_ARTICLE_TYPES = frozenset({"article", "jour", "journal", "journal article", "ejour"})
_BOOK_TYPES = frozenset({"book", "inbook", "incollection", "chapter", "chap", "booklet"})
_THESIS_TYPES = frozenset({"phdthesis", "mastersthesis", "thesis"})


def item_kind(entry_type: str) -> str:
    """Coarse kind of item: "article", "conference", "book", "thesis", "other" or "" (unknown)."""
    kind = entry_type.strip().lower()
    if not kind:
        return ""
    if kind in _ARTICLE_TYPES:
        return "article"
    if kind in _CONFERENCE_TYPES:
        return "conference"
    if kind in _BOOK_TYPES:
        return "book"
    if kind in _THESIS_TYPES:
        return "thesis"
    return "other"


def normalise_isbn(raw: str) -> str:
    digits = re.sub(r"[^0-9xX]", "", raw or "")
    return digits.upper() if len(digits) in (10, 13) else ""


def names_alike(x: str, y: str, threshold: int = 85) -> bool:
    """Two folded name words that are the same name despite a typo or a lost character."""
    if x == y:
        return True
    if "?" in x or "?" in y:
        pattern, other = (x, y) if "?" in x else (y, x)
        if re.fullmatch(re.escape(pattern).replace(r"\?", "."), other):
            return True
        x, y = x.replace("?", ""), y.replace("?", "")
    return min(len(x), len(y)) >= 4 and fuzz.ratio(x, y, score_cutoff=threshold) > 0
