"""Screening decisions as CSV (for analysis) and as RIS with labels (for other tools).

Blind mode is respected: a record still waiting for votes shows no votes at all.
"""

from __future__ import annotations

import csv
import io

from retroduce.core.models import Project
from retroduce.core.tables import safe_cell
from retroduce.screening.models import Decision, Stage
from retroduce.screening.outcomes import (
    Outcome,
    RecordVotes,
    eligible,
    settings_for,
    votes_by_record,
)

# Our item types (sources.records.ITEM_TYPES) as RIS TY codes, shared by every RIS export. Each
# code reads back as the same item type through the importer (sources.importers.types.RIS_TYPES).
RIS_TYPE_CODES: dict[str, str] = {
    "article": "JOUR",
    "book": "BOOK",
    "chapter": "CHAP",
    "conference": "CONF",
    "report": "RPRT",
    "thesis": "THES",
    "dataset": "DATA",
    "webpage": "ELEC",
}


def ris_type(item_type: str) -> str:
    """The RIS TY code for one of our item types; GEN (generic) for "other" and the unknown."""
    return RIS_TYPE_CODES.get(item_type, "GEN")


def is_complete(entry: RecordVotes | None, required: int) -> bool:
    """Whether a record has all the votes its stage requires (blind mode's rule for showing them)."""
    return entry is not None and entry.has_all_votes(required)


def shown_votes(entry: RecordVotes | None, required: int) -> list[Decision]:
    """The votes an export may show: none until the record has all its required votes."""
    return entry.votes if entry is not None and is_complete(entry, required) else []


def _rows(project: Project, stage: str):  # noqa: ANN202
    required = settings_for(project, stage).votes_required
    votes = votes_by_record(project, stage)
    for record in eligible(project, stage).order_by("pk"):
        entry = votes.get(record.pk)
        outcome = entry.outcome(required) if entry else Outcome.PENDING
        complete = is_complete(entry, required)
        yield record, entry, outcome, complete


def decisions_csv(project: Project, stage: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "record_id",
            "title",
            "year",
            "doi",
            "stage",
            "outcome",
            "exclusion_reason",
            "votes",
            "components",
            "notes",
        ]
    )
    for record, entry, outcome, complete in _rows(project, stage):
        shown = entry.votes if entry and complete else []
        writer.writerow(
            [
                safe_cell(v)
                for v in [
                    record.uuid,
                    record.title,
                    record.year,
                    record.doi,
                    Stage(stage).label,
                    outcome,
                    entry.exclusion_reason() if entry and outcome == Outcome.EXCLUDE else "",
                    "; ".join(f"{d.reviewer.get_username()}: {d.vote}" for d in shown),
                    "; ".join(sorted({c.name for d in shown for c in d.components.all()})),
                    " | ".join(d.note for d in shown if d.note),
                ]
            ]
        )
    return out.getvalue()


def decisions_ris(project: Project, stage: str) -> str:
    """RIS with the screening label in LB (included / excluded / undecided), as ASReview reads it."""
    lines: list[str] = []
    for record, entry, outcome, _ in _rows(project, stage):
        label = {"include": "included", "exclude": "excluded"}.get(outcome, "undecided")
        lines.append(f"TY  - {ris_type(record.item_type)}")
        lines += [f"AU  - {a}" for a in record.authors]
        for tag, value in (
            ("TI", record.title),
            ("PY", record.year),
            ("JO", record.journal),
            ("VL", record.volume),
            ("IS", record.number),
            ("SP", record.pages),
            ("DO", record.doi),
            ("AB", record.abstract),
        ):
            if value:
                lines.append(f"{tag}  - {' '.join(str(value).split())}")
        lines.append(f"LB  - {label}")
        if entry and outcome == Outcome.EXCLUDE and entry.exclusion_reason():
            lines.append(
                f"N1  - Excluded at {Stage(stage).label.lower()}: {entry.exclusion_reason()}"
            )
        lines.append("ER  - ")
        lines.append("")
    return "\n".join(lines)
