"""Screening decisions as CSV (for analysis) and as RIS with labels (for other tools).

Blind mode is respected: a record still waiting for votes shows no votes at all.
"""

from __future__ import annotations

import csv
import io

from retroduce.core.models import Project
from retroduce.core.tables import safe_cell
from retroduce.screening.models import Stage
from retroduce.screening.outcomes import Outcome, eligible, settings_for, votes_by_record


def _rows(project: Project, stage: str):  # noqa: ANN202
    required = settings_for(project, stage).votes_required
    votes = votes_by_record(project, stage)
    for record in eligible(project, stage).order_by("pk"):
        entry = votes.get(record.pk)
        outcome = entry.outcome(required) if entry else Outcome.PENDING
        complete = entry is not None and len(entry.votes) >= required
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
        ty = {
            "article": "JOUR",
            "book": "BOOK",
            "chapter": "CHAP",
            "conference": "CONF",
            "report": "RPRT",
            "thesis": "THES",
        }.get(record.item_type, "GEN")
        lines.append(f"TY  - {ty}")
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
