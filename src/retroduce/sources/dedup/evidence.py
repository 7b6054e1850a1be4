"""The measurable agreement between two prepared records, computed once per pair."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from retroduce.sources.dedup.fields import names_alike, venues_compatible
from retroduce.sources.dedup.prepare import Prepared
from retroduce.sources.dedup.text import fold

# A containment ("title: subtitle" vs "title") only counts for titles at least this long.
CONTAINED_MIN = 20
# rapidfuzz's cut-off for title ratios (0..100): anything below it scores 0. It must stay below
# compare.TITLE_FLOOR * 100, so that the pairs it cuts off are ones the floor rejects anyway.
RATIO_CUTOFF = 59
# Name words this alike count as the same name ("Hiessl" vs "Hiess", a lost "ö").
NAME_ALIKE = 85
# A lead-in: one title is the other preceded by at most LEAD_IN_WORDS words, the name of a
# column or section that one database keeps in the title field ("How I did it: …", "Case study -
# …", "Viewpoint: …"). It only counts before a title of LEAD_IN_MIN characters or more (spaces
# removed), so that the shared part identifies a work on its own.
LEAD_IN_WORDS = 4
LEAD_IN_MIN = 40
# Lead-ins that announce another item about the work rather than the work itself (an editorial
# introducing a special issue, a review of a book, a summary, an update…). Errata, replies and
# comments are already told apart by `Prepared.markers`; these words are refused as well.
_NOTICE_WORDS = frozenset(
    "editorial editor editors introduction introducing preface foreword special issue section "
    "review reviews book summary abstract abstracts update updated addendum concern notice "
    "correction erratum corrigendum retraction retracted withdrawn comment commentary reply "
    "response letter letters protocol part supplement call papers".split()
)
_ARTICLES = frozenset({"the", "a", "an"})


@dataclass(slots=True)
class Evidence:
    title: float  # 0..1
    contained: bool  # one title is the other plus a subtitle or an appended translation
    lead_in: bool  # one title is the other after a short column or section name (`has_lead_in`)
    same_doi: bool
    authors: float | None  # share of the shorter author list found in the other; None: missing
    first_ok: bool  # the first authors agree
    year_gap: int | None
    venue_match: bool | None  # None when either venue is missing
    volume_match: bool
    page_match: bool  # same first page (or the same last page of a multi-page range)
    range_match: bool  # the same multi-page range
    page_conflict: bool  # first and last pages both differ
    issue_conflict: bool  # both give an issue number within a volume, and they differ
    issue_match: bool
    shifted: bool  # the same citation numbers, shifted by one field in one record
    abstract_match: bool
    isbn_match: bool

    @property
    def authors_ok(self) -> bool:
        a = self.authors
        return a is not None and ((a >= 0.5 and self.first_ok) or a >= 0.8)

    @property
    def authors_strong(self) -> bool:
        return self.authors is not None and self.authors >= 0.6 and self.first_ok

    @property
    def support(self) -> float:
        """How much of the citation agrees: venue, volume, pages, issue, abstract, ISBN."""
        total = 0.0
        if self.venue_match is not None:
            # A journal known under two names (a translation) is weak evidence against.
            total += 1.0 if self.venue_match else -0.5
        total += self.volume_match + self.page_match + self.abstract_match + self.isbn_match
        total += 0.5 * self.issue_match
        return total


def title_similarity(a: Prepared, b: Prepared) -> tuple[float, bool]:
    """(similarity 0..1, whether one title merely extends the other)."""
    if not a.compact or not b.compact:
        return 0.0, False
    if a.compact == b.compact:
        return 1.0, False
    ratio = fuzz.ratio(a.title, b.title, score_cutoff=RATIO_CUTOFF) / 100
    if ratio >= 0.9:
        return ratio, False
    short, long = (
        (a.compact, b.compact) if len(a.compact) <= len(b.compact) else (b.compact, a.compact)
    )
    # A subtitle that one database drops, or a translation that another appends.
    if len(short) >= CONTAINED_MIN and (long.startswith(short) or long.endswith(short)):
        return 0.9, True
    return ratio, False


def has_lead_in(a: Prepared, b: Prepared) -> bool:
    """One title is the other preceded by a short lead-in (see LEAD_IN_WORDS), no notice word.

    "How I did it … Upwork's CEO on how an introverted engineer learned to lead" vs "Upwork's CEO
    on how an introverted engineer learned to lead". The rapidfuzz ratio of such a pair depends on
    how long the title is (a fixed lead-in weighs more in a shorter title), so it is judged apart.
    """
    if len(a.compact) == len(b.compact):
        return False
    short, long = (a, b) if len(a.compact) < len(b.compact) else (b, a)
    if len(short.compact) < LEAD_IN_MIN or not long.title.endswith(" " + short.title):
        return False
    words = long.title[: len(long.title) - len(short.title)].split()
    if len(words) > LEAD_IN_WORDS or not _NOTICE_WORDS.isdisjoint(words):
        return False
    if len(words) == 1 and words[0] in _ARTICLES:
        return True  # "The effects of …" vs "Effects of …": databases drop a leading article
    # A column name is set off from the title by punctuation in the original ("How I did it: …",
    # "Viewpoint - …", "How did it ... …"). Words that run on into the title ("Terminal
    # complement inhibitor …" vs "Complement inhibitor …", "More on …") change what it says.
    pattern = r"\W*" + r"\W+".join(map(re.escape, words)) + r"\s*(?:[:;|/.]|-)"
    return re.match(pattern, fold(long.display_title)) is not None


def author_similarity(a: Prepared, b: Prepared) -> float | None:
    """Share of the shorter author list found in the other (0..1); None when either is missing.

    Name words match exactly or, failing that, when nearly equal (typos, lost diacritics).
    """
    if not a.authors or not b.authors:
        return None
    common = a.authors & b.authors
    smaller = min(len(a.authors), len(b.authors))
    matched = len(common)
    if matched < smaller:
        rest_b = list(b.authors - common)
        for word in a.authors - common:
            for other in rest_b:
                if names_alike(word, other, NAME_ALIKE):
                    matched += 1
                    rest_b.remove(other)
                    break
    return min(1.0, matched / smaller)


def same_author_list(a: Prepared, b: Prepared) -> bool:
    """The complete author list agrees, first author first (not merely most of it)."""
    return (
        a.n_authors == b.n_authors >= 1
        and a.first_author == b.first_author
        and a.authors == b.authors
    )


def first_authors_agree(a: Prepared, b: Prepared) -> bool:
    if not a.first_author or not b.first_author:
        return False
    if a.first_author == b.first_author:
        return True
    # Compound or mis-split family names: "garcia rodriguez" exported as "rodriguez".
    if a.first_author in b.authors or b.first_author in a.authors:
        return True
    return names_alike(a.first_author, b.first_author, NAME_ALIKE)


# Issue numbers within a volume are small; larger values in the field are usually a reference
# manager's record number (consecutive for the copies of one work), which says nothing.
MAX_ISSUE = 60


def _issues_differ(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a != b and int(a) <= MAX_ISSUE and int(b) <= MAX_ISSUE


def _shifted(a: Prepared, b: Prepared) -> bool:
    """The same citation numbers in different slots: "vol '' no 26 p 9" vs "vol 26 no 9 p 1746".

    Conference-abstract exports shift volume, issue and page by one field; the numbers still agree.
    """
    slots_a = [v for v in (a.volume, a.number, a.page_first) if v]
    slots_b = [v for v in (b.volume, b.number, b.page_first) if v]
    small, large = (slots_a, slots_b) if len(slots_a) <= len(slots_b) else (slots_b, slots_a)
    if len(small) < 2 or (a.volume, a.number, a.page_first) == (b.volume, b.number, b.page_first):
        return False
    rest = list(large)
    for value in small:
        if value not in rest:
            return False
        rest.remove(value)
    return True


def last_pages_agree(a: Prepared, b: Prepared) -> bool:
    """Both give a multi-page range ending on the same page.

    "2141-2147" vs "2142-2147": one typo in a range; the shared last page still places it.
    """
    return (
        a.page_last == b.page_last and a.page_last != a.page_first and b.page_last != b.page_first
    )


def gather(a: Prepared, b: Prepared, title: tuple[float, bool] | None = None) -> Evidence:
    ts, contained = title if title is not None else title_similarity(a, b)
    shifted = _shifted(a, b)
    both_pages = bool(a.page_first) and bool(b.page_first)
    first_same = both_pages and a.page_first == b.page_first
    last_same = both_pages and last_pages_agree(a, b)
    return Evidence(
        title=ts,
        contained=contained,
        lead_in=ts < 1.0 and has_lead_in(a, b),
        same_doi=bool(a.doi) and a.doi == b.doi,
        authors=author_similarity(a, b),
        first_ok=first_authors_agree(a, b),
        year_gap=abs(a.year - b.year) if a.year is not None and b.year is not None else None,
        venue_match=venues_compatible(a.venue, b.venue) if a.venue and b.venue else None,
        volume_match=bool(a.volume) and a.volume == b.volume,
        page_match=first_same or last_same,
        range_match=first_same and last_same,
        page_conflict=both_pages and not first_same and not last_same and not shifted,
        issue_conflict=_issues_differ(a.number, b.number) and not shifted,
        shifted=shifted,
        issue_match=bool(a.number) and a.number == b.number,
        abstract_match=bool(a.abstract)
        and bool(b.abstract)
        and fuzz.ratio(a.abstract, b.abstract) >= 90,
        isbn_match=bool(a.isbn) and a.isbn == b.isbn,
    )
