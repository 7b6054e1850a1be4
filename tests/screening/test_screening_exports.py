"""Decisions exported as CSV and as RIS with labels."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from retroduce.screening import services
from retroduce.sources.importers import parse_file
from tests.screening.conftest import TOPICS, record


def test_csv_lists_every_record_with_outcome_reason_and_votes(screening_team):
    team = screening_team
    reason = services.reasons(team.project)[1]
    services.cast_vote(
        team.project, team.users["reviewer"], record(TOPICS[0]), "ta", "include", note="=1+1 sneaky"
    )
    services.cast_vote(
        team.project, team.users["reviewer"], record(TOPICS[7]), "ta", "exclude", reason=reason
    )
    response = team.client("viewer").get(
        reverse("screening_export", args=[team.project.slug, "ta", "csv"])
    )
    rows = {r["title"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert len(rows) == 10
    assert (
        rows[TOPICS[0]]["outcome"] == "include" and rows[TOPICS[0]]["votes"] == "reviewer: include"
    )
    assert rows[TOPICS[0]]["notes"] == "'=1+1 sneaky"  # a formula is neutralised
    assert rows[TOPICS[7]]["exclusion_reason"] == reason.label
    assert rows[TOPICS[3]]["outcome"] == "pending"


def test_ris_export_carries_labels_our_importer_reads_back(screening_team):
    team = screening_team
    services.cast_vote(team.project, team.users["reviewer"], record(TOPICS[0]), "ta", "include")
    services.cast_vote(team.project, team.users["reviewer"], record(TOPICS[8]), "ta", "exclude")
    response = team.client("viewer").get(
        reverse("screening_export", args=[team.project.slug, "ta", "ris"])
    )
    parsed = parse_file("decisions.ris", response.content)
    labels = {r.title: r.extra.get("LB", [""])[0] for r in parsed.records}
    assert labels[TOPICS[0]] == "included"
    assert labels[TOPICS[8]] == "excluded"
    assert labels[TOPICS[2]] == "undecided"
