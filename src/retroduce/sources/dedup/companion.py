"""Notices a journal printed together with the item they belong to, in the same issue.

Two records that differ in DOI, pages and (for an erratum) kind are normally two items, and
`compare.hard_conflicts` keeps them apart. Reviewers and the gold standards we measure against
(bench/README.md, digital_work) nevertheless treat two narrow cases as one work:

- an erratum printed on the page straight after the article it corrects, in the same issue and
  under the same authors ("How do requirements evolve over time? …", pp. 151-170, then "Erratum
  to - How do requirements evolve over time? …", p. 171);
- a bare "Editorial" heading indexed on its own, directly before the guest editorial it opens,
  by the same editors.

Everything else that places an item must agree: journal, year, volume, issue and the complete
author list, and the pages must adjoin (the next page, or the one after a blank verso). An
erratum printed in a later issue, which is how most corrections appear, stays a separate item,
as the same gold standards keep it; so does an editorial next to a research article by its
authors, and two numbered parts of a series.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from retroduce.sources.dedup.evidence import same_author_list
from retroduce.sources.dedup.fields import venues_compatible
from retroduce.sources.dedup.prepare import Prepared

# The later item starts this many pages after the earlier one ends, at most: the next page, or
# the next right-hand page after a blank one.
MAX_PAGE_STEP = 2
# How alike the corrected title must be to the article's, once the erratum's own words are gone.
TITLE_ALIKE = 95
_EDITORIAL_HEADINGS = ("editorial", "guest editorial")
_EDITORIAL_STARTS = tuple(heading + " " for heading in _EDITORIAL_HEADINGS)
_ERRATUM_WORDS = frozenset(
    "erratum errata corrigendum correction corrections to of in for notice".split()
)


def printed_together(a: Prepared, b: Prepared) -> str:
    """Why a and b are one printed item (see the module docstring), or "" when they are not."""
    if not (a.volume and a.number and a.volume == b.volume and a.number == b.number):
        return ""  # the cheap test first: nearly every pair ends here
    if a.year is None or a.year != b.year or not same_author_list(a, b):
        return ""
    if not (a.venue and b.venue and venues_compatible(a.venue, b.venue)):
        return ""
    ordered = _in_page_order(a, b)
    if ordered is None:
        return ""
    earlier, later = ordered
    if _erratum_of(later, earlier):
        return "an erratum printed on the page after the article, same issue and authors"
    if _editorial_pair(earlier, later):
        return "an editorial heading printed with the editorial, same issue and authors"
    return ""


def _in_page_order(a: Prepared, b: Prepared) -> tuple[Prepared, Prepared] | None:
    """(earlier, later) when one starts 1 to MAX_PAGE_STEP pages after the other ends."""
    try:
        a_first, b_first = int(a.page_first), int(b.page_first)
        a_last = int(a.page_last or a.page_first)
        b_last = int(b.page_last or b.page_first)
    except ValueError:
        return None  # article numbers ("e1234") or roman numerals: no page order to read
    if 1 <= b_first - a_last <= MAX_PAGE_STEP:
        return a, b
    if 1 <= a_first - b_last <= MAX_PAGE_STEP:
        return b, a
    return None


def _erratum_of(notice: Prepared, article: Prepared) -> bool:
    if notice.markers != frozenset({"erratum"}) or article.markers or article.short_title:
        return False
    words = notice.title.split()
    while words and words[0] in _ERRATUM_WORDS:
        words.pop(0)
    corrected = " ".join(words)
    # Databases cut long titles at different lengths, so the shorter one need only start the other.
    short, long = sorted((corrected, article.title), key=len)
    return len(short) >= len(article.title) // 2 and (
        long.startswith(short) or fuzz.ratio(short, long[: len(short)]) >= TITLE_ALIKE
    )


def _editorial_pair(a: Prepared, b: Prepared) -> bool:
    if a.markers or b.markers:
        return False
    bare, full = (a, b) if len(a.title) <= len(b.title) else (b, a)
    return bare.title in _EDITORIAL_HEADINGS and full.title.startswith(_EDITORIAL_STARTS)
