"""The retrain tells the model how many records were labelled since the newest include."""

from __future__ import annotations

import pytest

from retroduce.screening import services
from retroduce.screening.ranking_service import labels_since_include
from tests.screening.conftest import TOPICS, record

pytestmark = pytest.mark.django_db


def test_excludes_after_the_newest_include_are_counted_and_an_include_resets_the_count(
    screening_team,
):
    team = screening_team
    reviewer = team.users["reviewer"]

    def vote(topic: int, choice: str) -> None:
        services.cast_vote(team.project, reviewer, record(TOPICS[topic]), "ta", choice)

    assert labels_since_include(team.project, "ta") == 0  # nothing labelled yet
    vote(0, "include")
    for topic in (7, 8, 9):
        vote(topic, "exclude")
    assert labels_since_include(team.project, "ta") == 3
    vote(1, "maybe")  # a maybe trains as an include
    assert labels_since_include(team.project, "ta") == 0
    vote(6, "exclude")
    vote(8, "include")  # a changed vote counts from when it was changed
    assert labels_since_include(team.project, "ta") == 0
    vote(5, "exclude")
    assert labels_since_include(team.project, "ta") == 1
    assert labels_since_include(team.project, "ft") == 0  # per stage


def test_a_second_reviewers_vote_on_a_labelled_record_is_no_new_label(screening_team):
    team = screening_team
    first, second = team.users["reviewer"], team.users["reviewer2"]
    services.cast_vote(team.project, first, record(TOPICS[7]), "ta", "exclude")
    services.cast_vote(team.project, first, record(TOPICS[0]), "ta", "include")
    # Dual screening: the second reviewer catches up on the record labelled before the include.
    services.cast_vote(team.project, second, record(TOPICS[7]), "ta", "exclude")
    assert labels_since_include(team.project, "ta") == 0
    services.cast_vote(team.project, second, record(TOPICS[8]), "ta", "exclude")
    assert labels_since_include(team.project, "ta") == 1
