"""A project with ten records imported and a second reviewer, for the screening tests."""

from __future__ import annotations

import pytest

from retroduce.core import services as core
from retroduce.screening import services
from retroduce.sources.importing import run_import, store_upload
from retroduce.sources.models import Record
from tests.sources.ris_samples import ris_file, ris_record

TOPICS = [
    "Leadership of integrated care teams",
    "Distributed leadership in community health",
    "Managers bridging health and social care",
    "Trust between nurses and social workers",
    "Power in multidisciplinary team meetings",
    "Funding pooled budgets in England",
    "Hip replacement outcomes in older adults",
    "Dental caries in children",
    "Statin adherence in primary care",
    "Pharmacokinetics of a new antibiotic",
]


@pytest.fixture
def screening_team(team, make_user):
    second = make_user("reviewer2")
    core.add_member(team.project, team.users["owner"], "reviewer2", "reviewer")
    team.users["reviewer2"] = second
    data = ris_file(
        *[
            ris_record(title, [f"Author{n}, A"], str(2000 + n), f"Journal {n}")
            for n, title in enumerate(TOPICS)
        ]
    )
    run_import(
        store_upload(team.project, team.users["owner"], "ten.ris", data), team.users["owner"]
    )
    assert Record.objects.filter(project=team.project).count() == 10
    return team


def record(title: str) -> Record:
    return Record.objects.get(title=title)


@pytest.fixture
def dual_blind(screening_team):
    """Two votes per record at title/abstract, blind."""
    team = screening_team
    services.update_settings(
        team.project, team.users["owner"], "ta", votes_required=2, blind=True, adjudicator=None
    )
    return team
