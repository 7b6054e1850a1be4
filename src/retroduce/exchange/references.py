"""A project's records with their screening decisions, for the reviewers' reference managers.

Why: reviewers keep their library in EndNote or Zotero and want the records back there with what
screening decided, so a spreadsheet (CSV, XLSX) and a RIS file are written from one view of the
project: every record a reader sees (merged duplicates are folded into the record they joined,
and their searches count for it), with each stage's outcome, exclusion reason, votes, theory
components and notes, and a status in words.

The screening logic is not repeated here: outcomes come from `screening.outcomes` and the rule
for showing votes from `screening.exports`, so these files agree with the per-stage exports.
Blind mode is respected the same way: a record still waiting for votes shows no votes, no
components and no notes, and its outcome is pending. Its status reads "not screened" even when
one of two reviewers has voted, so the status does not give that vote away either.

Every spreadsheet cell goes through `core.tables.safe_cell`, so a title such as
"=HYPERLINK(...)" is text, never a formula. The RIS output is read back by our own importer in
the tests; multi-line values are collapsed to one line so no value can start a tag of its own.

Pure functions over a Project and the database, no HTTP: a view or the CLI can serve them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from retroduce.core.models import Project
from retroduce.core.tables import safe_cell, to_csv, to_xlsx
from retroduce.screening.exports import ris_type, shown_votes
from retroduce.screening.models import Decision, Stage
from retroduce.screening.outcomes import (
    Outcome,
    RecordVotes,
    eligible,
    settings_for,
    votes_by_record,
)
from retroduce.sources.models import Origin, Record

# Stages in screening order, with the prefix of their columns.
STAGES: tuple[tuple[str, str], ...] = (
    (Stage.TITLE_ABSTRACT, "title_abstract"),
    (Stage.FULL_TEXT, "full_text"),
)
STAGE_FIELDS = ("outcome", "reason", "votes", "components", "notes", "resolution")

REFERENCE_COLUMNS: list[str] = [
    "record_id",
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "abstract",
    "keywords",
    "item_type",
    "url",
    "sources",
    *[f"{key}_{name}" for _, key in STAGES for name in STAGE_FIELDS],
    "status",
]

_PARTICIPLE = {Outcome.INCLUDE: "included", Outcome.EXCLUDE: "excluded"}
_TAG = "retroduce"
_CHUNK = 2000


@dataclass
class StageView:
    """What an export may show of one record at one stage (blind mode already applied)."""

    outcome: str  # an Outcome value
    reason: str = ""  # the exclusion reason, when excluded
    votes: list[Decision] = field(default_factory=list)  # shown votes, by reviewer name
    resolution: str = ""  # "exclude by owner: note" when a conflict was resolved

    @property
    def components(self) -> list[str]:
        return sorted({c.name for d in self.votes for c in d.components.all()})

    def votes_text(self) -> str:
        return "; ".join(f"{d.reviewer.get_username()}: {d.vote}" for d in self.votes)

    def notes_text(self) -> str:
        return " | ".join(f"{d.reviewer.get_username()}: {d.note}" for d in self.votes if d.note)


def _stage_view(entry: RecordVotes | None, required: int) -> StageView:
    if entry is None:
        return StageView(Outcome.PENDING)
    outcome = entry.outcome(required)
    votes = sorted(shown_votes(entry, required), key=lambda d: d.reviewer.get_username())
    resolution = ""
    if entry.resolution is not None:
        r = entry.resolution
        by = r.resolved_by.get_username() if r.resolved_by else "a former member"
        resolution = f"{r.outcome} by {by}" + (f": {r.note}" if r.note else "")
    return StageView(
        outcome=outcome,
        reason=entry.exclusion_reason() if outcome == Outcome.EXCLUDE else "",
        votes=votes,
        resolution=resolution,
    )


def _stage_views(project: Project, stage: str) -> dict[int, StageView]:
    """Record id -> what may be shown at `stage`, for every record eligible there.

    Title/abstract lists only the records with votes: every unique record is eligible, and those
    without an entry are pending. Full text lists every eligible record (included at
    title/abstract); a record missing there is not screened at full text at all.
    """
    required = settings_for(project, stage).votes_required
    votes = votes_by_record(project, stage)
    if stage == Stage.TITLE_ABSTRACT:
        return {rid: _stage_view(entry, required) for rid, entry in votes.items()}
    ids = eligible(project, stage).values_list("pk", flat=True)
    return {rid: _stage_view(votes.get(rid), required) for rid in ids}


def _status(ta: StageView, ft: StageView | None) -> tuple[str, str]:
    """(status in words, exclusion reason) from the furthest stage the record reached."""
    for view, label in ((ft, "full text"), (ta, "title/abstract")):
        if view is None:
            continue
        if view.outcome in _PARTICIPLE:
            return f"{_PARTICIPLE[view.outcome]} at {label}", view.reason
        if view.outcome == Outcome.CONFLICT:
            return f"conflict at {label}", ""
        if view is ft:  # pending at full text, so included at title/abstract
            return "included at title/abstract, full text not screened", ""
    return "not screened", ""


def _with_reason(status: str, reason: str) -> str:
    return f"{status}: {reason}" if reason else status


def _roots(project: Project) -> dict[int, int]:
    """Merged-away record id -> the record a reader sees (merges can chain)."""
    parent = dict(
        Record.objects.filter(project=project, duplicate_of__isnull=False).values_list(
            "pk", "duplicate_of_id"
        )
    )
    roots: dict[int, int] = {}
    for start in parent:
        seen = {start}
        node = parent[start]
        while node in parent and node not in seen:
            seen.add(node)
            node = parent[node]
        roots[start] = node
    return roots


def _sources(project: Project) -> dict[int, list[str]]:
    """Record id -> the searches (or, without one, the files) that found it or its duplicates."""
    roots = _roots(project)
    found: dict[int, set[tuple[int, int, str]]] = {}
    rows = Origin.objects.filter(record__project=project).values_list(
        "record_id", "episode__number", "episode__source", "batch__file_name"
    )
    for record_id, number, source, file_name in rows:
        key = (0, number, f"#{number} {source}") if number is not None else (1, 0, file_name)
        found.setdefault(roots.get(record_id, record_id), set()).add(key)
    return {rid: [label for _, _, label in sorted(keys)] for rid, keys in found.items()}


@dataclass
class _Entry:
    record: Record
    sources: list[str]
    ta: StageView  # every unique record is screened at title/abstract
    ft: StageView | None  # None: not included at title/abstract, so not screened at full text
    status: str
    reason: str

    def stages(self) -> list[tuple[str, StageView | None]]:
        """(label, view) in screening order, matching STAGES."""
        return [("title/abstract", self.ta), ("full text", self.ft)]


def _entries(project: Project) -> Iterator[_Entry]:
    ta_views = _stage_views(project, Stage.TITLE_ABSTRACT)
    ft_views = _stage_views(project, Stage.FULL_TEXT)
    sources = _sources(project)
    records = (
        Record.objects.filter(project=project, duplicate_of__isnull=True)
        .defer("raw", "search_text", "extra")
        .order_by("pk")
    )
    for record in records.iterator(chunk_size=_CHUNK):
        ta = ta_views.get(record.pk) or StageView(Outcome.PENDING)
        ft = ft_views.get(record.pk)
        status, reason = _status(ta, ft)
        yield _Entry(record, sources.get(record.pk, []), ta, ft, status, reason)


def reference_rows(project: Project) -> Iterator[list[object]]:
    """One row per record that is not a merged duplicate, ordered by pk, in REFERENCE_COLUMNS."""
    for entry in _entries(project):
        r = entry.record
        row: list[object] = [
            r.uuid,
            r.title,
            "; ".join(str(a) for a in r.authors or []),
            r.year,
            r.journal,
            r.volume,
            r.number,
            r.pages,
            r.doi,
            r.pmid,
            r.abstract,
            "; ".join(str(k) for k in r.keywords or []),
            r.item_type,
            r.url,
            "; ".join(entry.sources),
        ]
        for _, view in entry.stages():
            if view is None:
                row += [""] * len(STAGE_FIELDS)
                continue
            row += [
                view.outcome,
                view.reason,
                view.votes_text(),
                "; ".join(view.components),
                view.notes_text(),
                view.resolution,
            ]
        row.append(_with_reason(entry.status, entry.reason))
        yield [safe_cell(v) for v in row]


def records_csv(project: Project) -> str:
    return to_csv(REFERENCE_COLUMNS, reference_rows(project))


def records_xlsx(project: Project) -> bytes:
    return to_xlsx(REFERENCE_COLUMNS, reference_rows(project), sheet="References")


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def _pages(pages: str) -> tuple[str, str]:
    """("12", "19") for "12-19" or "12–19"; (pages, "") when it is not a simple range."""
    text = pages.replace("\u2013", "-").replace("\u2014", "-")
    start, dash, end = text.partition("-")
    if dash and start.strip() and end.strip() and "-" not in end:
        return start.strip(), end.strip()
    return pages, ""


def _ris_label(ta: StageView, ft: StageView | None) -> str:
    """ASReview's label, from the furthest stage decided: included, excluded or undecided."""
    for view in (ft, ta):
        if view is not None and view.outcome in _PARTICIPLE:
            return _PARTICIPLE[view.outcome]
    return "undecided"


def _ris_note(label: str, view: StageView) -> str:
    parts = [f"Retroduce, {label} screening: {view.outcome}"]
    if view.reason:
        parts.append(f"reason: {view.reason}")
    if view.votes:
        parts.append(f"votes: {view.votes_text()}")
    if view.resolution:
        parts.append(f"resolved: {view.resolution}")
    if view.components:
        parts.append(f"components: {'; '.join(view.components)}")
    if view.notes_text():
        parts.append(f"notes: {view.notes_text()}")
    return ". ".join(parts)


def _ris_record(entry: _Entry) -> list[str]:
    r = entry.record
    lines = [f"TY  - {ris_type(r.item_type)}"]

    def add(tag: str, value: object) -> None:
        text = _one_line(value) if value is not None else ""
        if text:
            lines.append(f"{tag}  - {text}")

    for author in r.authors or []:
        add("AU", author)
    add("TI", r.title)
    add("PY", r.year)
    add("T2", r.journal)
    if r.item_type == "article":
        add("JO", r.journal)
    add("VL", r.volume)
    add("IS", r.number)
    start, end = _pages(r.pages)
    add("SP", start)
    add("EP", end)
    add("DO", r.doi)
    # Our importer (like EndNote's PubMed connection) reads a PMID from AN when DB names PubMed.
    add("AN", r.pmid or r.accession)
    add("DB", r.database or ("PubMed" if r.pmid else ""))
    add("AB", r.abstract)
    for keyword in r.keywords or []:
        add("KW", keyword)
    add("UR", r.url)
    for number in [*r.issn.split(";"), *r.isbn.split(";")]:
        add("SN", number)
    add("PB", r.publisher)
    add("LA", r.language)

    add("LB", _ris_label(entry.ta, entry.ft))
    add("KW", f"{_TAG}: {entry.status}")
    if entry.reason:
        add("KW", f"{_TAG}: reason: {entry.reason}")
    views = [view for _, view in entry.stages() if view is not None]
    for component in sorted({c for view in views for c in view.components}):
        add("KW", f"{_TAG}: component: {component}")
    for label, view in entry.stages():
        if view is not None and view.outcome != Outcome.PENDING:
            add("N1", _ris_note(label, view))
    lines += ["ER  - ", ""]
    return lines


def records_ris(project: Project) -> str:
    """RIS for EndNote, Zotero and ASReview: the bibliographic fields, LB with the screening
    label, KW tags ("retroduce: excluded at title/abstract", "retroduce: reason: …",
    "retroduce: component: …") and one N1 note per stage decided."""
    lines: list[str] = []
    for entry in _entries(project):
        lines += _ris_record(entry)
    return "\n".join(lines)


def records_file(project: Project, fmt: str) -> bytes:
    """The records as a file in `fmt` (ris, csv or xlsx), for the CLI and the download alike."""
    if fmt == "ris":
        return records_ris(project).encode()
    if fmt == "csv":
        return records_csv(project).encode()
    if fmt == "xlsx":
        return records_xlsx(project)
    raise ValueError(f"no reference format {fmt!r}")
