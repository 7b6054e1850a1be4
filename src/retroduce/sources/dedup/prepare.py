"""One normalised view of a record, computed once so that comparing pairs does no parsing."""

from __future__ import annotations

from dataclasses import dataclass, field

from retroduce.sources.dedup import fields, text
from retroduce.sources.records import DedupRecord

# Titles shorter than this (in characters, spaces removed) are too generic ("Editorial",
# "Introduction", "Letter to the editor") to identify a work on their own.
SHORT_TITLE = 25
# Titles that recur in every issue of a journal and so identify nothing by themselves.
GENERIC_TITLES = frozenset(
    {
        "editorial",
        "guest editorial",
        "editorial comment",
        "editor s comments",
        "letter to the editor",
        "letters to the editor",
        "letter",
        "reply",
        "response",
        "correspondence",
        "introduction",
        "preface",
        "foreword",
        "book review",
        "book reviews",
        "news",
        "abstracts",
        "meeting abstracts",
        "poster abstracts",
        "erratum",
        "correction",
        "corrigendum",
        "comment",
        "commentary",
        "in memoriam",
        "obituary",
        "contents",
        "table of contents",
        "index",
        "announcements",
        "reviewers",
        "acknowledgement",
        "acknowledgements",
    }
)


@dataclass(slots=True)
class Prepared:
    index: int
    id: str
    title: str  # normalised, words separated by one space
    compact: str  # the title without spaces: block keys and exact comparisons
    numbers: tuple[str, ...]  # numbers in the title ("part 2", "covid 19")
    series: tuple[str, ...]  # "part 2", "phase 3": the place in a series
    markers: frozenset[str]  # erratum, reply, comment, protocol… announced by the title
    display_title: str  # the cleaned original, for human-readable reasons
    authors: frozenset[str]  # folded name words (initials dropped)
    first_author: str  # folded family name of the first author
    n_authors: int
    year: int | None
    venue: tuple[tuple[str, ...], ...]
    volume: str
    number: str
    page_first: str
    page_last: str
    doi: str
    isbn: str
    kind: str
    # The start of the abstract as given: normalised only when a pair gets that far (`abstract`).
    abstract_source: str
    _abstract: str | None = field(default=None, repr=False, compare=False)

    @property
    def abstract(self) -> str:
        """The normalised start of the abstract ("" when there is none)."""
        if self._abstract is None:
            source = self.abstract_source
            self._abstract = text.words(source) if source else ""
        return self._abstract

    @property
    def short_title(self) -> bool:
        return len(self.compact) < SHORT_TITLE

    @property
    def generic_title(self) -> bool:
        return self.title in GENERIC_TITLES or len(self.compact) < 12


def prepare(record: DedupRecord, index: int) -> Prepared:
    cleaned, erratum_citation = text.clean_title(record.title or "")
    folded = text.fold(cleaned)
    title = text.normalise_folded_title(folded)
    names = fields.author_names(record.author or "")
    page_first, page_last = fields.normalise_pages(record.pages or "")
    year = fields.normalise_year(record.year or "")
    # Some exports put the year into the pages field; a "page" equal to the year is noise.
    if year is not None and page_first == str(year) and page_last == page_first:
        page_first = page_last = ""
    volume = fields.first_int(record.volume or "")
    if year is not None and volume == str(year):
        volume = ""  # the year copied into the volume field
    compact = title.replace(" ", "")
    # Most titles hold no digit at all (letters only), and then neither numbers nor a series.
    numbered = not compact.isalpha()
    return Prepared(
        index=index,
        id=record.id,
        title=title,
        compact=compact,
        numbers=text.title_numbers(title) if numbered else (),
        series=text.series_numbers(title) if numbered else (),
        markers=text.folded_title_markers(folded, erratum_citation),
        display_title=cleaned.strip(),
        authors=fields.author_tokens(record.author or ""),
        first_author=fields.family_name(names[0]) if names else "",
        n_authors=len(names),
        year=year,
        venue=fields.venue_variants(record.journal or ""),
        volume=volume,
        number=fields.first_int(record.number or ""),
        page_first=page_first,
        page_last=page_last,
        doi=fields.normalise_doi(record.doi or ""),
        isbn=fields.normalise_isbn(record.isbn or ""),
        kind=fields.item_kind(record.entry_type or ""),
        abstract_source=record.abstract[:400] if record.abstract else "",
    )
