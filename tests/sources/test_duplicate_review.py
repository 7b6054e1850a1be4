"""The duplicate review queue: side by side, merge or keep both, undo, counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retroduce.sources import duplicates
from retroduce.sources.counts import source_counts
from retroduce.sources.importing import run_import, store_upload
from retroduce.sources.models import DuplicatePair, Record
from tests.sources.ris_samples import LEADERSHIP, POWER, ris_file, ris_record


def do_import(team, name: str, data: bytes):
    return run_import(
        store_upload(team.project, team.users["reviewer"], name, data), team.users["reviewer"]
    )


@pytest.fixture
def pending(team):
    """Two records that look alike but are not certainly the same: a pair waiting for review."""
    do_import(team, "a.ris", ris_file(LEADERSHIP, POWER))
    a = Record.objects.get(title__startswith="Power")
    b_data = ris_record(
        "Power and hierarchy in integrated care teams", ["Smith, A."], "2019", "J Integr Care"
    )
    do_import(team, "b.ris", ris_file(b_data))
    b = Record.objects.exclude(pk=a.pk).get(title__startswith="Power")
    pair = DuplicatePair.objects.filter(a__in=[a, b], b__in=[a, b]).first()
    if pair is None or pair.status != DuplicatePair.Status.PENDING:
        # The engine may be sure enough to merge this; put the pair in the queue by hand instead.
        if pair is not None:
            duplicates.undo_decision(pair, team.users["owner"])
            pair.refresh_from_db()
        else:
            pair = DuplicatePair.objects.create(
                project=team.project, a=a, b=b, score=0.8, reasons=["titles alike"]
            )
    return pair


def test_queue_shows_the_pair_side_by_side_with_differences_marked(team, pending):
    html = (
        team.client("viewer").get(reverse("duplicates", args=[team.project.slug])).content.decode()
    )
    assert "Power and hierarchy in integrated care teams" in html
    assert "<mark>" in html  # the journals differ
    assert 'data-shortcut="m"' not in html  # a viewer gets no decision buttons


def test_merging_removes_a_duplicate_and_updates_the_counts(team, pending):
    before = source_counts(team.project)
    team.client("reviewer").post(
        reverse("decide_pair", args=[team.project.slug, pending.pk]), {"decision": "merge"}
    )
    after = source_counts(team.project)
    assert after.duplicates_removed == before.duplicates_removed + 1
    assert after.unique == before.unique - 1
    pending.refresh_from_db()
    assert pending.status == "merged" and pending.decided_by == team.users["reviewer"]
    assert pending.b.duplicate_of_id == pending.a_id


def test_merge_keeping_b_keeps_b(team, pending):
    b_id = pending.b_id
    team.client("reviewer").post(
        reverse("decide_pair", args=[team.project.slug, pending.pk]), {"decision": "merge_keep_b"}
    )
    pending.refresh_from_db()
    assert pending.a_id == b_id
    assert Record.objects.get(pk=pending.b_id).duplicate_of_id == b_id


def test_keep_both_then_undo_returns_the_pair_to_the_queue(team, pending):
    client = team.client("reviewer")
    url = reverse("decide_pair", args=[team.project.slug, pending.pk])
    client.post(url, {"decision": "keep"})
    assert source_counts(team.project).pending_review == 0
    client.post(url, {"decision": "undo"})
    pending.refresh_from_db()
    assert pending.status == "pending"
    assert source_counts(team.project).pending_review == 1


def test_undoing_a_merge_restores_both_records(team, pending):
    client = team.client("reviewer")
    url = reverse("decide_pair", args=[team.project.slug, pending.pk])
    client.post(url, {"decision": "merge"})
    client.post(url, {"decision": "undo"})
    assert Record.objects.get(pk=pending.b_id).duplicate_of is None
    assert source_counts(team.project).duplicates_removed == 0


def test_deciding_twice_is_refused_with_a_message(team, pending):
    client = team.client("reviewer")
    url = reverse("decide_pair", args=[team.project.slug, pending.pk])
    client.post(url, {"decision": "keep"})
    response = client.post(url, {"decision": "merge"}, follow=True)
    assert "already decided" in response.content.decode()


def test_kept_apart_pairs_are_never_merged_by_a_later_dedup(team, pending):
    duplicates.keep_apart(pending, team.users["reviewer"])
    duplicates.dedup_project(team.project, team.users["reviewer"])
    assert Record.objects.get(pk=pending.b_id).duplicate_of is None
    assert Record.objects.get(pk=pending.a_id).duplicate_of is None
