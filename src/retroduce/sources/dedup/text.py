"""Text normalisation shared by every field: Unicode folding, markup removal, title keys.

Everything here is a pure function over one string, so it is cheap to test and the same record
always normalises the same way whichever database exported it.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Letters that NFKD does not decompose into "base letter + accent", so they would survive folding
# and make "Søren" and "Soren" differ. Typographic quotes and dashes are mapped so that
# punctuation stripping treats them like their ASCII forms.
_FOLD_TABLE = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
    }
)

_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,60}>")
# LaTeX commands such as \textit or \emph; accent commands (\" \' \^) are handled by the
# punctuation strip because their argument letter survives.
_LATEX_COMMAND = re.compile(r"\\[a-zA-Z]+\*?")
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower-case and strip accents: "Müller Ørsted" -> "muller orsted". Non-Latin scripts stay."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_TABLE))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def strip_markup(text: str) -> str:
    """Remove HTML tags and entities and LaTeX commands, keeping the visible text."""
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if "\\" in text:
        text = _LATEX_COMMAND.sub(" ", text)
    return text


def words(text: str) -> str:
    """Folded text with every run of punctuation or space collapsed to one space."""
    return _NON_WORD.sub(" ", fold(strip_markup(text))).strip()


# Notes that MEDLINE and Ovid append to titles ("[Erratum appears in Chest 1993;103:1640]",
# "[Comment in: ...]"). They describe links to *other* records, so they must neither count as
# title text nor make the article look like an erratum. Exports often cut them off unterminated.
_LINK_NOTE = re.compile(
    r"\.?\s*\[\s*(?:erratum|comment|update|retraction|retracted|corrected|republished|"
    r"summary for patients|see also|expression of concern)\b[^\]]*(?:\]|$)",
    re.IGNORECASE,
)
# "[Review] [42 refs]", "[abstract no: 134]", "(author's transl)", "[Article in German]" and the
# like: database annotations that one export has and another lacks.
_ANNOTATION = re.compile(
    r"\[\s*review\s*\]|\[\s*\d+\s*refs?\s*\]|\[\s*abstract(?: no:? \d+)?\s*\]|"
    r"\(\s*author'?s transl\s*\)|\[\s*article in [a-z ,]+\]|\(\s*review\s*\)\s*$|"
    r"\breview\s+\d+\s+refs\s*$",
    re.IGNORECASE,
)
# A language tag at the end: "Title. [German]" or "Title [Chinese]".
_LANGUAGE_TAG = re.compile(r"\.?\s*\[[A-Z][a-z]+(?:,? [A-Z][a-z]+)*\]\s*$")
# Trailing annotations without digits: "[careers]", "(multiple letters)", "(AHUS)". Ones with
# digits ("(Part 2)") stay, because the numbers tell parts of a series apart.
_TRAILING_NOTE = re.compile(r"(?<=\S)\s*-?\s*(?:\[[^\]\d]*\]|\([^)\d]*\))\s*\.?\s*$")
# A reference or footnote mark after the last word: "… representation 1", "… [1]", "… **".
_FOOTNOTE = re.compile(r"(?:\s*\[1\]|\s*\*+|(?<=[a-z]{4}) 1)\s*$")
_NUMBERING_WORD = re.compile(r"\b(part|type|phase|study|stage|grade|trial|wave|volume|no)\s*\W*$")
# Errata indexed under the original's title with its citation appended: Web of Science writes
# "Title (vol 360, pg 542, 2009)", Embase "Title (New England Journal of Medicine (2009) 360
# (542-544))". The citation is removed from the title and the record marked as an erratum.
_ERRATUM_CITATION = re.compile(
    r"\s*\((?:vol\.?\s*\d+[^()]*\bpg\.?\s*\w+[^()]*|[^()]+\(\d{4}\)\s*\d+[^()]*\([^()]*\d[^()]*\))\)"
    r"\s*\.?\s*$",
    re.IGNORECASE,
)

# Roman numerals are rewritten so that "Part II" and "Part 2" compare equal; "i", "v" and "x"
# alone are ordinary words or letters, so they only count after a word that introduces a number.
_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9"}
_ROMAN_AFTER = re.compile(r"\b(part|phase|type|stage|grade|study|trial|section)\s+(i|v|x)\b")
_ROMAN_ALONE = re.compile(r"\b(ii|iii|iv|vi|vii|viii|ix)\b")
_NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "first": "1",
    "second": "2",
    "third": "3",
}
_PART_WORD = re.compile(r"\b(part|phase|study)\s+(one|two|three|four|five|six)\b")
_DIGITS = re.compile(r"\d+")


def clean_title(raw: str) -> tuple[str, bool]:
    """(the title without link notes, annotations and markup, still cased; erratum citation?)"""
    title = raw.strip().strip('"').strip()
    erratum = False
    if "[" in title or "(" in title or "review" in title.lower():
        title = _LINK_NOTE.sub("", title)
        title = _ANNOTATION.sub("", title)
        title = _LANGUAGE_TAG.sub("", title)
        stripped = _ERRATUM_CITATION.sub("", title)
        erratum = stripped != title
        title = stripped
    for _ in range(2):  # "Title (multiple letters) [1]"
        footnote = _FOOTNOTE.search(title)
        if footnote and not _NUMBERING_WORD.search(title[: footnote.start()]):
            title = title[: footnote.start()]
        if title.endswith((")", "]")):
            title = _TRAILING_NOTE.sub("", title)
    return strip_markup(title), erratum


def normalise_title(cleaned: str) -> str:
    """Comparable title text: folded, punctuation-free, numbers unified ("Part II" -> "part 2")."""
    text = _NON_WORD.sub(" ", fold(cleaned).replace("&", " and ")).strip()
    if _ROMAN_AFTER.search(text):
        text = _ROMAN_AFTER.sub(
            lambda m: (
                f"{m.group(1)} {'1' if m.group(2) == 'i' else '5' if m.group(2) == 'v' else '10'}"
            ),
            text,
        )
    if _ROMAN_ALONE.search(text):
        text = _ROMAN_ALONE.sub(lambda m: _ROMAN[m.group(1)], text)
    if _PART_WORD.search(text):
        text = _PART_WORD.sub(lambda m: f"{m.group(1)} {_NUMBER_WORDS[m.group(2)]}", text)
    return text


_SERIES = re.compile(
    r"\b(part|phase|study|trial|wave|paper|chapter|volume|section|stage|series|experiment)\s+(\d+)\b"
)


def series_numbers(normalised: str) -> tuple[str, ...]:
    """ "part 2", "phase 3"…: numbers that place a work in a series. Never a data slip."""
    return tuple(f"{m.group(1)} {m.group(2)}" for m in _SERIES.finditer(normalised))


def title_numbers(normalised: str) -> tuple[str, ...]:
    """The numbers in a title, in order, without leading zeros: they tell "Part 1" from "Part 2"."""
    found = _DIGITS.findall(normalised)
    return tuple(n.lstrip("0") or "0" for n in found) if found else ()


# Kinds of notice that are separate publications about an article: they share its title and
# often its authors, so they are the classic false merge. Matched on the cleaned title only.
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "erratum",
        re.compile(
            r"^\W*(erratum|errata|corrigendum|correction)\b|\b(erratum|corrigendum)\s*(to|for|:)"
        ),
    ),
    (
        "retraction",
        re.compile(
            r"^\W*(retraction|retracted|withdrawn|notice of retraction)\b|\bretraction (of|notice)\b"
        ),
    ),
    (
        "comment",
        re.compile(
            r"^\W*(comment|commentary|re|letter)\b\s*(on|to|:)|\bcomment(ary)? on\b|^\W*in response to\b"
        ),
    ),
    (
        "reply",
        re.compile(
            r"^\W*(reply|response|authors?'? reply|author'?s response)\b|\breply to\b|\bin reply\b"
            r"|\W(reply|authors?'? response)\W*$"
        ),
    ),
    (
        "protocol",
        re.compile(
            r"\bprotocol\b|\bstudy design\b|\bdesign and rationale\b|\brationale and design\b"
        ),
    ),
    ("abstract", re.compile(r"^\W*abstracts?\b\s*[:.]")),
)


def title_markers(cleaned: str, erratum_citation: bool = False) -> frozenset[str]:
    """Which notice kinds a title announces ("erratum", "reply", "protocol"…); empty for most."""
    text = fold(cleaned)
    found = {name for name, pattern in _MARKERS if pattern.search(text)}
    if erratum_citation:
        found.add("erratum")
    return frozenset(found)
