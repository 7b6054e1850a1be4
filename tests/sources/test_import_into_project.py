"""Importing export files into a project: atomic, with origins, raw text and automatic dedup."""

from __future__ import annotations

import pytest

from retroduce.core.models import Event
from retroduce.sources import episodes
from retroduce.sources.importing import run_import, store_upload
from retroduce.sources.models import ImportBatch, Origin, Record
from tests.sources.ris_samples import LEADERSHIP, LEADERSHIP_AGAIN, POWER, RESILIENCE, ris_file


@pytest.fixture
def medline(team):
    return episodes.create_episode(
        team.project, team.users["reviewer"], purpose="evidence", source="MEDLINE"
    )


@pytest.fixture
def cinahl(team):
    return episodes.create_episode(
        team.project, team.users["reviewer"], purpose="evidence", source="CINAHL"
    )


def do_import(team, name: str, data: bytes, episode=None):
    batch = store_upload(team.project, team.users["reviewer"], name, data, episode)
    return run_import(batch, team.users["reviewer"])


def test_every_record_lands_with_its_origin_and_raw_text(team, medline):
    outcome = do_import(team, "medline.ris", ris_file(LEADERSHIP, POWER, RESILIENCE), medline)
    assert outcome.batch.status == ImportBatch.Status.DONE
    assert outcome.batch.record_count == 3 and outcome.batch.format == "ris"
    power = Record.objects.get(title="Power and hierarchy in integrated care teams")
    assert power.authors == ["Smith, Anna", "Jones, Ben"] and power.year == "2019"
    assert power.doi == "10.1108/jica-01-2019-0001"
    assert "TI  - Power and hierarchy in integrated care teams" in power.raw
    assert [o.episode for o in power.origins.all()] == [medline]
    assert Event.objects.filter(verb="imported").get().after["records"] == 3


def test_a_malformed_file_imports_nothing_and_names_file_and_line(team, medline):
    truncated = ris_file(LEADERSHIP, POWER) + b"TY  - JOUR\nTI  - Cut off mid-record\n"
    outcome = do_import(team, "broken.ris", truncated, medline)
    assert outcome.batch.status == ImportBatch.Status.FAILED
    assert "broken.ris" in outcome.batch.error and "line" in outcome.batch.error
    assert Record.objects.count() == 0 and Origin.objects.count() == 0
    assert Event.objects.filter(verb="refused").count() == 1


def test_binary_file_is_refused(team):
    outcome = do_import(team, "paper.pdf", b"%PDF-1.7\n\x00\x01\x02\xff" * 50)
    assert outcome.batch.status == ImportBatch.Status.FAILED
    assert Record.objects.count() == 0


def test_record_found_by_two_searches_keeps_both_origins(team, medline, cinahl):
    do_import(team, "medline.ris", ris_file(LEADERSHIP, POWER), medline)
    outcome = do_import(team, "cinahl.ris", ris_file(LEADERSHIP_AGAIN, RESILIENCE), cinahl)
    assert outcome.batch.duplicates_merged == 1
    again = Record.objects.get(batch=outcome.batch, doi="10.3310/wpng1013")
    first = Record.objects.exclude(batch=outcome.batch).get(doi="10.3310/wpng1013")
    assert again.duplicate_of == first  # the older record is kept
    from retroduce.sources.clusters import cluster_origins, members

    origins = {o.episode.source for o in cluster_origins(members(first))}
    assert origins == {"MEDLINE", "CINAHL"}


def test_script_in_a_title_is_stored_as_text(team):
    from tests.sources.ris_samples import ris_record

    do_import(
        team,
        "hostile.ris",
        ris_file(ris_record("<script>alert(1)</script>", ["X, Y"], "2020", "J")),
    )
    assert Record.objects.get().title == "<script>alert(1)</script>"


def test_the_uploaded_file_is_kept_with_its_checksum(team, medline):
    import hashlib

    data = ris_file(POWER)
    outcome = do_import(team, "power.ris", data, medline)
    from retroduce.sources.importing import stored_bytes

    assert stored_bytes(outcome.batch) == data
    assert outcome.batch.sha256 == hashlib.sha256(data).hexdigest()


def test_counts_per_source_and_purpose_feed_the_flow_diagram(team, medline, cinahl):
    from retroduce.sources.counts import source_counts

    do_import(team, "medline.ris", ris_file(LEADERSHIP, POWER), medline)
    do_import(team, "cinahl.ris", ris_file(LEADERSHIP_AGAIN, RESILIENCE), cinahl)
    counts = source_counts(team.project)
    assert counts.by_source == {"MEDLINE": 2, "CINAHL": 2}
    assert counts.by_purpose == {"Evidence": 4}
    assert (counts.identified, counts.duplicates_removed, counts.unique) == (4, 1, 3)
