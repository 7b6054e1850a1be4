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


class _FoldTable(dict[int, str]):
    """`str.translate` table folding one character at a time, each worked out on first use.

    Folding a string character by character gives the same result as folding it whole: NFKD
    decomposes each character on its own, and canonical reordering only moves combining marks,
    which are all dropped.
    """

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code).translate(_FOLD_TABLE))
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        self[code] = folded
        return folded


_FOLD_CHARS = _FoldTable()


def fold(text: str) -> str:
    """Lower-case and strip accents: "Müller Ørsted" -> "muller orsted". Non-Latin scripts stay."""
    if text.isascii():
        return text.lower()
    # Lower-cased whole, not per character: "Σ" lower-cases by context.
    return text.translate(_FOLD_CHARS).lower()


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
_FOOTNOTE_ENDS = ("]", "*", "1")
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
# The words that the three patterns above start from, to skip them when a title has none.
_ROMAN_INTROS = frozenset({"part", "phase", "type", "stage", "grade", "study", "trial", "section"})
_ROMAN_LETTERS = frozenset({"i", "v", "x"})
_PART_INTROS = frozenset({"part", "phase", "study"})
# Every ASCII character that is not a letter or a digit, as a space.
_ASCII_NON_WORD = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})
_DIGITS = re.compile(r"\d+")


def clean_title(raw: str) -> tuple[str, bool]:
    """(the title without link notes, annotations and markup, still cased; erratum citation?)"""
    title = raw.strip().strip('"').strip()
    erratum = False
    if "[" in title or "(" in title:
        title = _LINK_NOTE.sub("", title)
        title = _ANNOTATION.sub("", title)
        title = _LANGUAGE_TAG.sub("", title)
        stripped = _ERRATUM_CITATION.sub("", title)
        erratum = stripped != title
        title = stripped
    elif "review" in title.lower():
        title = _ANNOTATION.sub("", title)  # "… review 42 refs": the only note without brackets
    for _ in range(2):  # "Title (multiple letters) [1]"
        # (A footnote mark ends in "]", "*" or "1": only then is the search worth making.)
        footnote = _FOOTNOTE.search(title) if title.rstrip().endswith(_FOOTNOTE_ENDS) else None
        if footnote and not _NUMBERING_WORD.search(title[: footnote.start()]):
            title = title[: footnote.start()]
        if title.endswith((")", "]")):
            title = _TRAILING_NOTE.sub("", title)
    return strip_markup(title), erratum


def normalise_title(cleaned: str) -> str:
    """Comparable title text: folded, punctuation-free, numbers unified ("Part II" -> "part 2")."""
    return normalise_folded_title(fold(cleaned))


def normalise_folded_title(folded: str) -> str:
    """`normalise_title` of a title already passed through `fold`."""
    folded = folded.replace("&", " and ")
    if folded.isascii():
        # The same as the substitution below, for ASCII text, at a third of the cost.
        found = folded.translate(_ASCII_NON_WORD).split()
        text = " ".join(found)
    else:
        text = _NON_WORD.sub(" ", folded).strip()
        found = text.split()
    # The text is now whole words and single spaces: the patterns below can only match when the
    # words they start from are there. (The first rewrites only "i", "v" and "x", which no later
    # test looks for.)
    words = set(found)
    if not (words.isdisjoint(_ROMAN_INTROS) or words.isdisjoint(_ROMAN_LETTERS)):
        text = _ROMAN_AFTER.sub(
            lambda m: (
                f"{m.group(1)} {'1' if m.group(2) == 'i' else '5' if m.group(2) == 'v' else '10'}"
            ),
            text,
        )
    if not words.isdisjoint(_ROMAN):
        text = _ROMAN_ALONE.sub(lambda m: _ROMAN[m.group(1)], text)
    if not (words.isdisjoint(_PART_INTROS) or words.isdisjoint(_NUMBER_WORDS)):
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
# Each pattern comes with words one of which it needs (or, for comments, a title starting "Re"),
# so that the patterns are only searched for in the titles that could match them.
_MARKERS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    (
        "erratum",
        ("errat", "corrig", "correction"),
        re.compile(
            r"^\W*(erratum|errata|corrigendum|correction)\b|\b(erratum|corrigendum)\s*(to|for|:)"
        ),
    ),
    (
        "retraction",
        ("retract", "withdrawn"),
        re.compile(
            r"^\W*(retraction|retracted|withdrawn|notice of retraction)\b|\bretraction (of|notice)\b"
        ),
    ),
    (
        "comment",
        ("comment", "letter", "respons"),
        re.compile(
            r"^\W*(comment|commentary|re|letter)\b\s*(on|to|:)|\bcomment(ary)? on\b|^\W*in response to\b"
        ),
    ),
    (
        "reply",
        ("reply", "respons"),
        re.compile(
            r"^\W*(reply|response|authors?'? reply|author'?s response)\b|\breply to\b|\bin reply\b"
            r"|\W(reply|authors?'? response)\W*$"
        ),
    ),
    (
        "protocol",
        ("protocol", "design"),
        re.compile(
            r"\bprotocol\b|\bstudy design\b|\bdesign and rationale\b|\brationale and design\b"
        ),
    ),
    ("abstract", ("abstract",), re.compile(r"^\W*abstracts?\b\s*[:.]")),
)
_MARKER_WORDS = tuple(word for _, words, _ in _MARKERS for word in words)
_RE_START = re.compile(r"\W*re\b")
_NO_MARKERS: frozenset[str] = frozenset()
_ERRATUM_ONLY = frozenset({"erratum"})


def title_markers(cleaned: str, erratum_citation: bool = False) -> frozenset[str]:
    """Which notice kinds a title announces ("erratum", "reply", "protocol"…); empty for most."""
    return folded_title_markers(fold(cleaned), erratum_citation)


def folded_title_markers(folded: str, erratum_citation: bool = False) -> frozenset[str]:
    """`title_markers` of a title already passed through `fold`."""
    re_start = _RE_START.match(folded) is not None
    if not (re_start or any(word in folded for word in _MARKER_WORDS)):
        return _ERRATUM_ONLY if erratum_citation else _NO_MARKERS
    found = {
        name
        for name, words, pattern in _MARKERS
        if (any(word in folded for word in words) or (re_start and name == "comment"))
        and pattern.search(folded)
    }
    if erratum_citation:
        found.add("erratum")
    return frozenset(found)
