"""Blind mode and the stopping aid: a record's first vote must not show in the team's figures."""

from __future__ import annotations

from django.urls import reverse

from retroduce.screening import services
from tests.screening.conftest import TOPICS, record


def stopping_text(client, project) -> str:
    html = client.get(reverse("screening", args=[project.slug])).content.decode()
    section = html.split('id="stage-ta"')[1].split("</section>")[0]
    if 'class="stopping"' not in section:
        return ""
    return section.split('class="stopping">')[1].split("</p>")[0]


def test_a_vote_on_an_incomplete_record_does_not_reach_the_other_reviewers_stopping_aid(
    dual_blind,
):
    team = dual_blind
    first, second = record(TOPICS[3]), record(TOPICS[4])
    services.cast_vote(team.project, team.users["reviewer"], first, "ta", "include")
    services.cast_vote(team.project, team.users["reviewer"], second, "ta", "exclude")
    other = team.client("reviewer2")
    # Before, "1 relevant found in 2 screened" told reviewer2 that one of the two was included.
    assert stopping_text(other, team.project) == ""

    services.cast_vote(team.project, team.users["reviewer2"], first, "ta", "include")
    # The record has both its votes, so blind mode shows them, and it counts.
    assert stopping_text(other, team.project).startswith("1 relevant found in 1 screened")
    assert stopping_text(team.client("owner"), team.project).startswith(
        "1 relevant found in 1 screened"
    )


def test_without_blind_mode_each_vote_counts_at_once(screening_team):
    team = screening_team
    services.cast_vote(team.project, team.users["reviewer"], record(TOPICS[3]), "ta", "include")
    text = stopping_text(team.client("reviewer2"), team.project)
    assert text.startswith("1 relevant found in 1 screened; 9 not yet seen")
