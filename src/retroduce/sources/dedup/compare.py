"""Compare two prepared records: evidence for and against being the same work, and a verdict.

The verdict is deliberately asymmetric. A false merge loses a record from the review without
anyone noticing, while a missed duplicate costs a reviewer one extra click in the review queue,
so a pair is merged automatically only when the evidence is overwhelming and nothing contradicts
it; everything plausible but uncertain becomes a candidate with its reasons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from rapidfuzz import fuzz

from retroduce.sources.dedup.companion import printed_together
from retroduce.sources.dedup.evidence import (
    RATIO_CUTOFF,
    Evidence,
    first_authors_agree,
    gather,
    last_pages_agree,
    same_author_list,
    title_similarity,
)
from retroduce.sources.dedup.prepare import Prepared


class Decision(Enum):
    MERGE = "merge"
    REVIEW = "review"
    DISTINCT = "distinct"


@dataclass(slots=True)
class Verdict:
    decision: Decision
    score: float
    reasons: list[str] = field(default_factory=list)


# Below this title similarity (0..1) a pair is not looked at further unless a DOI or the full
# citation links it.
TITLE_FLOOR = 0.6
# Below this one, titles alone no longer make a candidate: without a shared DOI, only the same
# citation can (`_citation_may_agree`).
TITLE_CANDIDATE = 0.75

# The score of a merge by `printed_together`: see `compare`.
COMPANION_SCORE = 0.895

_KIND_LABEL = {
    "article": "journal article",
    "conference": "conference paper",
    "book": "book or chapter",
    "thesis": "thesis",
}
_MARKER_LABEL = {
    "erratum": "an erratum",
    "retraction": "a retraction or withdrawal",
    "comment": "a comment",
    "reply": "a reply",
    "protocol": "a protocol",
    "abstract": "an abstract",
}


def hard_conflicts(a: Prepared, b: Prepared, ev: Evidence) -> list[str]:
    """Differences that rule out an automatic merge whatever else agrees.

    Also checked between every two members when clusters are joined, so that A~B and B~C can
    never put A and C together when A and C contradict each other.
    """
    found: list[str] = []
    if a.doi and b.doi and not ev.same_doi:
        found.append("different DOIs")
    if ev.year_gap is not None and ev.year_gap > 1:
        found.append(f"years differ: {a.year} vs {b.year}")
    if a.markers != b.markers:
        for marker in sorted(a.markers ^ b.markers):
            found.append(f"only one is {_MARKER_LABEL[marker]}")
    # The same DOI, or the same volume and first page, pin the record down: field slips
    # (a citation appended to a title, an article number instead of pages, a supplement number in
    # the volume field) then do not make it another work.
    pinned = ev.same_doi or (ev.volume_match and ev.page_match)
    if a.compact and b.compact and a.series != b.series:
        left = ", ".join(a.series) or "none"
        right = ", ".join(b.series) or "none"
        found.append(f"different parts of a series: {left} vs {right}")
    elif a.compact and b.compact and set(a.numbers) != set(b.numbers) and not pinned:
        left = " ".join(a.numbers) or "none"
        right = " ".join(b.numbers) or "none"
        found.append(f"numbers in the titles differ: {left} vs {right}")
    if ev.page_conflict and not ev.same_doi and not _abstract_printed_twice(a, b, ev):
        found.append("different page ranges")
    if (
        a.volume
        and b.volume
        and not ev.volume_match
        and not (ev.same_doi or ev.page_match or ev.shifted)
    ):
        found.append(f"different volumes: {a.volume} vs {b.volume}")
    if ev.issue_conflict and not (ev.same_doi or ev.page_match):
        # Recurring columns ("Editor's comments") share title, author, year and volume; without
        # pages the issue is all that tells them apart. (With the same pages, a differing issue
        # is more often a reference manager's record number in the field.)
        found.append(f"different issues: {a.number} vs {b.number}")
    kinds = {a.kind, b.kind}
    if (
        a.kind in _KIND_LABEL
        and b.kind in _KIND_LABEL
        and a.kind != b.kind
        # Proceedings are books: a conference paper indexed as a chapter is the same item.
        and kinds != {"conference", "book"}
        and ev.venue_match is not True
    ):
        found.append(f"{_KIND_LABEL[a.kind]} vs {_KIND_LABEL[b.kind]}")
    return found


def _abstract_printed_twice(a: Prepared, b: Prepared, ev: Evidence) -> bool:
    """One meeting abstract on two single pages of one journal volume.

    Meeting supplements print an abstract in more than one place (the oral session and the poster
    listing, the abstract book and the programme), and databases index whichever page they took.
    Two one-page items with the same long title and the same full author list, in the same year,
    journal, volume and issue, are then one abstract whatever their page numbers. Everything is
    required to agree, because "different pages" is otherwise what tells two items apart:
    encore abstracts (one study shown at two meetings) usually differ in title or authors, or sit
    in another issue, and an erratum notice is marked or has pages after a multi-page article,
    so neither passes. A single page is a whole abstract, not a cut range.
    """
    return (
        a.page_first == a.page_last
        and b.page_first == b.page_last
        and ev.title == 1.0
        and not a.short_title
        and ev.year_gap == 0
        and ev.venue_match is True
        and ev.volume_match
        and a.number == b.number
        and a.n_authors >= 3
        and same_author_list(a, b)
    )


def compatible_for_cluster(a: Prepared, b: Prepared) -> list[str]:
    """Why a and b may not share an automatic cluster (empty list: they may)."""
    if printed_together(a, b):
        return []
    ev = gather(a, b)
    found = hard_conflicts(a, b, ev)
    if not found and a.compact and b.compact and ev.title < 0.8:
        if not (ev.same_doi or _citation_identical(ev)):
            found.append(f"titles only {ev.title:.0%} alike")
    return found


def _citation_identical(ev: Evidence) -> bool:
    """Same authors, year, journal, volume, issue and page range: the same article even when its
    title was translated or rewritten by one database. (Journals paginated per issue reuse page
    ranges, so a differing issue number rules this out.)"""
    return (
        not ev.issue_conflict
        and ev.authors_strong
        and ev.year_gap == 0
        and ev.venue_match is True
        and ev.volume_match
        and ev.range_match
    )


def _citation_may_agree(a: Prepared, b: Prepared) -> bool:
    """Whether the citation alone could still link two records whose titles are not alike.

    Without a shared DOI and with titles under TITLE_CANDIDATE (neither extending the other), a
    pair only merges by `_citation_identical` or becomes a candidate by the last clause of
    `plausible`, and both need the same year, volume and pages and agreeing first authors.
    """
    return (
        a.year is not None
        and a.year == b.year
        and bool(a.volume)
        and a.volume == b.volume
        and bool(a.page_first)
        and bool(b.page_first)
        and (a.page_first == b.page_first or last_pages_agree(a, b))
        and first_authors_agree(a, b)
    )


def compare(a: Prepared, b: Prepared) -> Verdict:
    together = printed_together(a, b)
    if together:
        # Ahead of every other test: the DOIs, pages and titles differ by design here. Scored
        # just under every ordinary merge (0.9 and up), which `safe_clusters` joins first: the
        # article's own copies gather before its notice, which cannot then keep them out.
        return Verdict(Decision.MERGE, COMPANION_SCORE, [together])
    title = title_similarity(a, b)
    if (
        a.compact
        and b.compact
        and title[0] < TITLE_CANDIDATE
        and not (a.doi and a.doi == b.doi)
        and (
            (title[0] < TITLE_FLOOR and not (a.page_first and a.page_first == b.page_first))
            or not _citation_may_agree(a, b)
        )
    ):
        # Most blocked pairs end here, before any other field is looked at: with titles this far
        # apart and no shared DOI, only the citation could still link them (and below the
        # floor, only with the same first page).
        return Verdict(Decision.DISTINCT, 0.0)
    return judge(a, b, title)


def judge(a: Prepared, b: Prepared, title: tuple[float, bool] | None = None) -> Verdict:
    """The full verdict on a pair, every field weighed (`compare` first rules out most pairs)."""
    both_titles = bool(a.compact) and bool(b.compact)
    ev = gather(a, b, title)

    conflicts = hard_conflicts(a, b, ev)
    reasons = _reasons(a, b, ev, both_titles) + conflicts

    score = 0.5 * ev.title + 0.2 * (ev.authors if ev.authors is not None else 0.5)
    score += 0.1 * (1.0 if ev.year_gap == 0 else 0.5 if ev.year_gap in (1, None) else 0.0)
    score += 0.2 * max(0.0, min(ev.support, 3.0)) / 3.0
    if ev.same_doi:
        score = max(score, 0.9)
    score = max(0.0, min(1.0, score - 0.25 * len(conflicts)))

    if not conflicts and both_titles and _overwhelming(a, b, ev):
        return Verdict(Decision.MERGE, max(score, 0.9), reasons)

    # A short title contained in a long one ("Atypical hemolytic uremic syndrome" in "Atypical
    # hemolytic uremic syndrome after transplantation") says little on its own: it only makes a
    # candidate when authors or the citation agree as well.
    # Two independent hard differences (another DOI and other pages, another year and another
    # DOI…) settle that the works differ: no need to ask a person.
    if len(conflicts) >= 2:
        return Verdict(Decision.DISTINCT, score, reasons)
    plausible = (
        (ev.same_doi and (ev.title >= TITLE_FLOOR or not both_titles))
        or (ev.title >= 0.9 and not ev.contained)
        or (
            ev.title >= TITLE_CANDIDATE
            and (ev.authors_ok or ev.support >= 2)
            and (ev.year_gap is None or ev.year_gap <= 1)
        )
        or (ev.authors_strong and ev.year_gap == 0 and ev.volume_match and ev.page_match)
    )
    if plausible:
        return Verdict(Decision.REVIEW, min(score, 0.89), reasons)
    return Verdict(Decision.DISTINCT, score, reasons)


PairFilter = Callable[[int, list[int]], list[int]]


def pair_screen(records: list[Prepared]) -> PairFilter:
    """A bulk pre-filter for blocked pairs: drops most of those `compare` calls DISTINCT at once.

    Blocks of look-alike records (a common name and year, titles from a small vocabulary) yield
    millions of pairs, nearly all with unlike titles. `keep(i, partners)` returns the partners
    of record i that can pass the first test of `compare` (a superset: the full test follows),
    at the cost of one rapidfuzz call and a few look-ups per pair instead of a `compare` call:

    - titles at least RATIO_CUTOFF alike (the floor is TITLE_FLOOR, above it);
    - one compact title inside the other (equal, extended, or missing: "" is in every string);
    - the same DOI, or the same first page, year and volume (`_citation_may_agree`).

    Indices are positions in `records` (as `Prepared.index` is).
    """
    titles = [p.title for p in records]
    compacts = [p.compact for p in records]
    # A record's own index stands for a missing value: equal to no other record's.
    dois: list[object] = [p.doi or p.index for p in records]
    citations: list[object] = [
        (p.page_first, p.year, p.volume)
        if p.page_first and p.year is not None and p.volume
        else p.index
        for p in records
    ]
    ratio = fuzz.ratio
    cutoff = RATIO_CUTOFF

    def keep(i: int, partners: list[int]) -> list[int]:
        title, compact, doi, citation = titles[i], compacts[i], dois[i], citations[i]
        return [
            j
            for j in partners
            if ratio(title, titles[j], score_cutoff=cutoff)
            or compact in compacts[j]
            or compacts[j] in compact
            or doi == dois[j]
            or citation == citations[j]
        ]

    return keep


def _reasons(a: Prepared, b: Prepared, ev: Evidence, both_titles: bool) -> list[str]:
    reasons: list[str] = []
    if ev.same_doi:
        reasons.append("same DOI")
    if not both_titles:
        reasons.append("one title is missing" if a.compact or b.compact else "both titles missing")
    elif ev.title == 1.0:
        reasons.append("identical titles")
    elif ev.contained:
        reasons.append("one title extends the other")
    else:
        reasons.append(f"titles {ev.title:.0%} alike")
    if ev.authors is None:
        reasons.append("authors missing")
    elif ev.authors >= 0.999:
        reasons.append("same authors" if ev.first_ok else "same authors, different order")
    else:
        reasons.append(
            f"authors {ev.authors:.0%} alike" + ("" if ev.first_ok else ", first authors differ")
        )
    if ev.year_gap == 0:
        reasons.append("same year")
    elif ev.year_gap == 1:
        reasons.append(f"years differ: {a.year} vs {b.year}")
    elif ev.year_gap is None:
        reasons.append("year missing")
    if ev.venue_match is not None:
        reasons.append("same journal" if ev.venue_match else "different journals")
    if ev.volume_match:
        reasons.append("same volume")
    if ev.page_match:
        reasons.append("same pages")
    if ev.abstract_match:
        reasons.append("abstracts alike")
    if ev.isbn_match:
        reasons.append("same ISBN")
    return reasons


def _overwhelming(a: Prepared, b: Prepared, ev: Evidence) -> bool:
    """The rules for an automatic merge, each a combination that chance does not produce.

    Only called for pairs without hard conflicts in which both records have a title.
    """
    short = a.short_title or b.short_title
    authors_fine = ev.authors_ok or ev.authors is None
    # A DOI is assigned to one work; with a compatible title it settles the question.
    if ev.same_doi and ev.title >= 0.8 and authors_fine and not short:
        return True
    if ev.same_doi and ev.authors_ok and ev.year_gap == 0 and (ev.page_match or ev.volume_match):
        return True
    # DOI, title and citation all agree: the author field is garbled (given names exported as
    # family names, say), not another work.
    if (
        ev.same_doi
        and ev.title >= 0.95
        and ev.year_gap == 0
        and ev.page_match
        and ev.venue_match is not False
    ):
        return True
    if _citation_identical(ev) and not short:
        return True
    if short:
        return _short_title_rule(a, b, ev)
    if ev.year_gap is None or ev.year_gap > 1:
        return False
    if ev.year_gap == 1:
        return _online_first(a, b, ev)
    if ev.title >= 0.95 and not ev.contained:
        if ev.authors_ok and ev.support >= 1:
            return True
        # Identical title and the whole citation agree; only the author list is garbled
        # (given and family names swapped, say), and the first author still agrees.
        if ev.first_ok and ev.title >= 0.97 and ev.support >= 3:
            return True
        # The same multi-page range in the same year under the same title and authors: only the
        # venue's name differs (proceedings are named a dozen ways).
        if ev.authors_ok and ev.title >= 0.97 and ev.range_match:
            return True
        if ev.authors is None and ev.title >= 0.97 and ev.support >= 2:
            return True
        # Conference papers: proceedings titles vary too much to compare; the rest must agree.
        return (
            a.kind == b.kind == "conference"
            and ev.title >= 0.97
            and ev.authors_strong
            and min(a.n_authors, b.n_authors) >= 2
        )
    # A column or section name before the title in one record only ("How I did it: …"): the
    # rest of the title is long and identical, the authors, year and journal agree, and nothing in
    # the citation differs (hard conflicts are ruled out above). A record without pages or volume
    # (a magazine's web version) cannot contradict, so the journal must agree by name.
    if ev.lead_in and ev.authors_strong and ev.venue_match is True:
        return True
    # Typos, or a subtitle one database dropped: authors and the citation must both agree, and a
    # mere containment also needs the same first page (a companion paper would differ there).
    if ev.contained and not ev.page_match:
        return False
    if ev.contained and ev.authors_strong and ev.volume_match:
        return True  # the same authors, volume and first page, and one title extends the other
    return ev.title >= 0.88 and ev.authors_strong and ev.support >= 2


def _short_title_rule(a: Prepared, b: Prepared, ev: Evidence) -> bool:
    """Short titles ("Coronary artery disease", "ESICON 2017 Abstracts") need the citation too."""
    if ev.year_gap != 0 or not (ev.title == 1.0 or ev.contained):
        return False
    if ev.authors_strong and ((ev.volume_match and ev.page_match) or ev.range_match):
        return True
    if a.generic_title or ev.venue_match is not True or not ev.volume_match:
        # "Editorial" or "Letter to the editor" recur in every issue, often without pages.
        return False
    # Abstract books and meeting supplements carry no pages: the journal, volume and issue
    # identify them, with the full author list (or no authors on either side).
    both_anonymous = not a.authors and not b.authors
    many_same_authors = ev.authors_strong and min(a.n_authors, b.n_authors) >= 2
    return ev.title == 1.0 and ev.issue_match and (both_anonymous or many_same_authors)


def _online_first(a: Prepared, b: Prepared, ev: Evidence) -> bool:
    """Years one apart: online-first vs print, or proceedings dated by the meeting vs publication.

    Only with a near-identical title, agreeing authors and the citation (or, for conference papers
    that carry no volume or pages, the venue and the full author list) agreeing too.
    """
    if ev.title < 0.95 or not ev.authors_ok:
        return False
    if ev.venue_match is True and (ev.volume_match or ev.page_match):
        return True
    if ev.volume_match and ev.page_match:
        return True
    return (
        a.kind == b.kind == "conference"
        and ev.title == 1.0
        and ev.venue_match is True
        and ev.authors_strong
        and min(a.n_authors, b.n_authors) >= 2
    )
