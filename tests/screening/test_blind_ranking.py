"""Blind mode and the ranking: the offer order learns from a record only once it has all its
votes, so a reviewer's queue cannot show how a colleague voted."""

from __future__ import annotations

from retroduce.screening import ranking_service, services
from retroduce.screening.queue import next_record
from tests.screening.conftest import TOPICS, record

FIRST_VOTES = [(TOPICS[0], "include"), (TOPICS[1], "include"), (TOPICS[7], "exclude")]


def vote_all(team, who: str, votes) -> None:
    for title, choice in votes:
        services.cast_vote(team.project, team.users[who], record(title), "ta", choice)


def test_first_votes_do_not_move_records_in_the_other_reviewers_queue(dual_blind):
    team = dual_blind
    other = team.users["reviewer2"]
    before, _ = next_record(team.project, other, "ta")
    vote_all(team, "reviewer", FIRST_VOTES + [(TOPICS[9], "exclude")])
    ranking = ranking_service.retrain(team.project, "ta")
    assert ranking.labelled == 0 and ranking.model == ""  # nothing complete, nothing learned
    after, ranked = next_record(team.project, other, "ta")
    assert after == before and not ranked

    # Once both have voted, blind mode shows the votes, and the ranking learns from them.
    vote_all(team, "reviewer2", FIRST_VOTES + [(TOPICS[9], "exclude")])
    ranking = ranking_service.retrain(team.project, "ta")
    assert ranking.labelled == 4 and ranking.model == ranking_service.MODEL
    assert next_record(team.project, other, "ta")[1]


def test_only_records_with_all_their_votes_become_labels_and_a_resolution_decides(dual_blind):
    team = dual_blind
    vote_all(team, "reviewer", FIRST_VOTES)
    vote_all(team, "reviewer2", [(TOPICS[0], "exclude")])  # a conflict on TOPICS[0]
    services.resolve_conflict(team.project, team.users["owner"], record(TOPICS[0]), "ta", "include")
    labels = ranking_service.labels_for(
        team.project,
        "ta",
        [record(t).pk for t in TOPICS],
        ranking_service.blind_complete(team.project, "ta"),
    )
    assert labels == {0: 1}  # TOPICS[0], resolved; the one-vote records do not count


def test_without_blind_mode_the_ranking_learns_from_first_votes(screening_team):
    team = screening_team
    services.update_settings(
        team.project, team.users["owner"], "ta", votes_required=2, blind=False, adjudicator=None
    )
    vote_all(team, "reviewer", FIRST_VOTES)
    ranking = ranking_service.retrain(team.project, "ta")
    assert ranking.labelled == 3 and ranking.model == ranking_service.MODEL
