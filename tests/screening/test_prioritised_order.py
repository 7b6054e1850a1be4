"""Records are offered by predicted relevance once the model has an include and an exclude."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from retroduce.core.models import TaskProgress
from retroduce.screening import ranking_service, services
from retroduce.screening.models import Ranking
from retroduce.screening.queue import next_record, offer_order
from tests.screening.conftest import TOPICS, record

# The worker closes connections between tasks, as a real worker must; that needs real commits.
pytestmark = pytest.mark.django_db(transaction=True)


def _run_worker() -> None:
    call_command(
        "db_worker", "--batch", "--queue-name=*", "--no-reload", "--no-startup-delay", verbosity=0
    )


def test_random_but_stable_order_before_the_model_can_learn(screening_team):
    team = screening_team
    ids = sorted(r.pk for r in team.project.records.all())
    first, ranked = offer_order(team.project, "ta", ids)
    again, _ = offer_order(team.project, "ta", ids)
    assert not ranked and first == again and sorted(first) == ids
    assert first != ids  # not simply import order


def test_votes_queue_one_retrain_whose_ranking_sets_the_offer_order(screening_team):
    team = screening_team
    reviewer = team.users["reviewer"]
    services.cast_vote(team.project, reviewer, record(TOPICS[0]), "ta", "include")
    services.cast_vote(team.project, reviewer, record(TOPICS[1]), "ta", "include")
    services.cast_vote(team.project, reviewer, record(TOPICS[7]), "ta", "exclude")
    services.cast_vote(team.project, reviewer, record(TOPICS[9]), "ta", "exclude")
    # Four votes, but only one retrain waits at a time.
    assert TaskProgress.objects.filter(label="Re-ranking records").count() == 1
    _run_worker()
    ranking = Ranking.objects.get(project=team.project, stage="ta")
    assert ranking.labelled == 4 and ranking.order and ranking.model
    assert sorted(ranking.order) == sorted(r.pk for r in team.project.records.all())
    offered, ranked = next_record(team.project, reviewer, "ta")
    voted = {record(t).pk for t in (TOPICS[0], TOPICS[1], TOPICS[7], TOPICS[9])}
    assert ranked
    assert offered.pk == next(i for i in ranking.order if i not in voted)


def test_the_first_ranking_of_a_stage_says_it_is_indexing_and_later_ones_do_not(screening_team):
    team = screening_team
    reviewer = team.users["reviewer"]
    services.cast_vote(team.project, reviewer, record(TOPICS[0]), "ta", "include")
    services.cast_vote(team.project, reviewer, record(TOPICS[7]), "ta", "exclude")
    messages: list[str] = []

    def report(done: int, total: int, message: str = "") -> None:
        messages.append(message)

    ranking_service.retrain(team.project, "ta", report)
    assert "Indexing 10 records and finding each one's nearest neighbours" in messages
    messages.clear()
    ranking_service.retrain(team.project, "ta", report)  # the features are cached now
    assert not any("Indexing" in message for message in messages)
    assert any(message.startswith("Ranked 10 records") for message in messages)
