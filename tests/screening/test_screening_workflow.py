"""Screening as reviewers do it: votes, reasons, dual blind screening, conflicts, undo, full text."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retroduce.core.models import Event
from retroduce.core.services import DomainError
from retroduce.screening import services
from retroduce.screening.models import Decision, Resolution, Stage
from retroduce.screening.outcomes import Outcome, eligible, settings_for, votes_by_record
from tests.screening.conftest import TOPICS, record


def vote(client, project, stage, rec, choice, **extra):
    return client.post(
        reverse("screen", args=[project.slug, stage]), {"record": rec.pk, "vote": choice, **extra}
    )


def test_screen_page_offers_one_record_and_a_vote_moves_on(screening_team):
    team = screening_team
    client = team.client("reviewer")
    first = client.get(reverse("screen", args=[team.project.slug, "ta"]))
    offered = first.context["record"]
    assert offered.title in TOPICS
    response = vote(client, team.project, "ta", offered, "include")
    assert response.status_code == 302
    second = client.get(reverse("screen", args=[team.project.slug, "ta"]))
    assert second.context["record"] != offered
    assert "1 screened by you" in second.content.decode()
    event = Event.objects.get(verb="screened")
    assert event.actor_name == "reviewer" and event.after["vote"] == "include"


def test_a_vote_from_the_page_script_answers_with_the_next_record_in_one_round_trip(
    screening_team,
):
    team = screening_team
    client = team.client("reviewer")
    url = reverse("screen", args=[team.project.slug, "ta"])
    offered = client.get(url).context["record"]
    answer = client.post(url, {"record": offered.pk, "vote": "exclude"}, HTTP_HX_REQUEST="true")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert html.lstrip().startswith('<div id="screen-body">') and "<html" not in html
    assert f"Exclude: {offered}" in html and "1 screened by you" in html
    assert answer.context["record"] != offered
    assert Decision.objects.get(record=offered, reviewer=team.users["reviewer"]).vote == "exclude"
    # A refused vote answers in place too, with the reason, and stores nothing.
    refused = client.post(url, {"record": offered.pk, "vote": "?"}, HTTP_HX_REQUEST="true")
    assert "The vote was not recorded" in refused.content.decode()
    assert Decision.objects.filter(reviewer=team.users["reviewer"]).count() == 1
    # Without the review role the script gets the same refusal as the plain form.
    stakeholder = team.client("stakeholder")
    assert (
        stakeholder.post(
            url, {"record": offered.pk, "vote": "include"}, HTTP_HX_REQUEST="true"
        ).status_code
        == 403
    )


def test_single_vote_decides_the_record(screening_team):
    team = screening_team
    services.cast_vote(team.project, team.users["reviewer"], record(TOPICS[0]), "ta", "include")
    services.cast_vote(team.project, team.users["reviewer"], record(TOPICS[7]), "ta", "exclude")
    votes = votes_by_record(team.project, "ta")
    assert votes[record(TOPICS[0]).pk].outcome(1) == Outcome.INCLUDE
    assert votes[record(TOPICS[7]).pk].outcome(1) == Outcome.EXCLUDE
    assert list(eligible(team.project, Stage.FULL_TEXT)) == [record(TOPICS[0])]


def test_full_text_exclusion_needs_a_reason(screening_team):
    team = screening_team
    rec = record(TOPICS[0])
    services.cast_vote(team.project, team.users["reviewer"], rec, "ta", "include")
    with pytest.raises(DomainError, match="reason"):
        services.cast_vote(team.project, team.users["reviewer"], rec, "ft", "exclude")
    reason = services.reasons(team.project)[0]
    services.cast_vote(team.project, team.users["reviewer"], rec, "ft", "exclude", reason=reason)
    assert Decision.objects.get(stage="ft").reason == reason


def test_title_abstract_exclusion_reason_is_optional(screening_team):
    team = screening_team
    decision = services.cast_vote(
        team.project, team.users["reviewer"], record(TOPICS[8]), "ta", "exclude"
    )
    assert decision.reason is None


def test_changing_a_vote_is_logged_with_before_and_after(screening_team):
    team = screening_team
    rec = record(TOPICS[1])
    services.cast_vote(team.project, team.users["reviewer"], rec, "ta", "maybe")
    services.cast_vote(
        team.project, team.users["reviewer"], rec, "ta", "include", note="On reflection"
    )
    event = Event.objects.get(verb="changed", object_type="decision")
    assert event.before["vote"] == "maybe" and event.after["vote"] == "include"
    assert Decision.objects.filter(record=rec).count() == 1


def test_decision_can_carry_theory_components(screening_team):
    from retroduce.theory import services as theory

    team = screening_team
    version = theory.start_version(team.project, team.users["owner"], "initial")
    power = theory.add_component(
        version, team.users["owner"], name="Working with power", provenance="team_inference"
    )
    vote(
        team.client("reviewer"),
        team.project,
        "ta",
        record(TOPICS[4]),
        "include",
        components=[power.pk],
    )
    assert list(Decision.objects.get().components.all()) == [power]


def test_undo_withdraws_the_last_vote_and_offers_the_record_again(screening_team):
    team = screening_team
    client = team.client("reviewer")
    rec = record(TOPICS[2])
    vote(client, team.project, "ta", rec, "exclude")
    response = client.post(reverse("screen_undo", args=[team.project.slug, "ta"]))
    assert response["Location"].endswith(f"?record={rec.pk}")
    assert not Decision.objects.filter(withdrawn=False).exists()
    assert Event.objects.filter(verb="withdrew").count() == 1


def test_two_votes_needed_and_disagreement_becomes_a_conflict(dual_blind):
    team = dual_blind
    rec = record(TOPICS[3])
    services.cast_vote(team.project, team.users["reviewer"], rec, "ta", "include")
    assert votes_by_record(team.project, "ta")[rec.pk].outcome(2) == Outcome.PENDING
    services.cast_vote(team.project, team.users["reviewer2"], rec, "ta", "exclude")
    assert votes_by_record(team.project, "ta")[rec.pk].outcome(2) == Outcome.CONFLICT
    page = team.client("viewer").get(reverse("conflicts", args=[team.project.slug, "ta"]))
    assert TOPICS[3] in page.content.decode()


def test_blind_mode_never_shows_a_vote_before_the_record_is_complete(dual_blind):
    team = dual_blind
    rec = record(TOPICS[3])
    services.cast_vote(
        team.project,
        team.users["reviewer"],
        rec,
        "ta",
        "exclude",
        note="SECRET-NOTE-OF-REVIEWER-ONE",
    )
    other = team.client("reviewer2")
    pages = [
        other.get(reverse("screen", args=[team.project.slug, "ta"]) + f"?record={rec.pk}"),
        other.get(reverse("screening", args=[team.project.slug])),
        other.get(reverse("conflicts", args=[team.project.slug, "ta"])),
        other.get(reverse("screening_export", args=[team.project.slug, "ta", "csv"])),
        other.get(reverse("screening_export", args=[team.project.slug, "ta", "ris"])),
        other.get(reverse("my_decisions", args=[team.project.slug, "ta"])),
        team.client("owner").get(
            reverse("screening_export", args=[team.project.slug, "ta", "csv"])
        ),
    ]
    for page in pages:
        html = page.content.decode()
        assert "SECRET-NOTE-OF-REVIEWER-ONE" not in html
        assert "reviewer: exclude" not in html
    assert (
        "Excluded" not in pages[0].content.decode().split('id="record"')[1].split("</article>")[0]
    )
    # The vote stays hidden from the events other reviewers can read on History? History is
    # the audit trail: in blind mode it must not show votes of incomplete records either.
    history = other.get(reverse("history", args=[team.project.slug])).content.decode()
    assert "SECRET-NOTE-OF-REVIEWER-ONE" not in history


def test_a_reviewer_cannot_resolve_conflicts(dual_blind):
    team = dual_blind
    rec = record(TOPICS[3])
    services.cast_vote(team.project, team.users["reviewer"], rec, "ta", "include")
    services.cast_vote(team.project, team.users["reviewer2"], rec, "ta", "exclude")
    url = reverse("resolve", args=[team.project.slug, "ta", rec.pk])
    response = team.client("reviewer").post(url, {"outcome": "include"})
    assert response.status_code == 403
    assert not Resolution.objects.exists()
    assert (
        "Resolve"
        not in team.client("reviewer")
        .get(reverse("conflicts", args=[team.project.slug, "ta"]))
        .content.decode()
        .split("<h2>Resolved")[0]
        .split("conflict-list")[1]
    )


def test_owner_or_adjudicator_resolves_and_the_resolution_is_recorded(dual_blind):
    team = dual_blind
    rec = record(TOPICS[3])
    services.cast_vote(team.project, team.users["reviewer"], rec, "ta", "include")
    services.cast_vote(team.project, team.users["reviewer2"], rec, "ta", "maybe")
    services.update_settings(
        team.project,
        team.users["owner"],
        "ta",
        votes_required=2,
        blind=True,
        adjudicator=team.users["reviewer2"],
    )
    url = reverse("resolve", args=[team.project.slug, "ta", rec.pk])
    team.client("reviewer2").post(url, {"outcome": "include", "note": "Relevant to context"})
    resolution = Resolution.objects.get()
    assert (resolution.outcome, resolution.resolved_by, resolution.note) == (
        "include",
        team.users["reviewer2"],
        "Relevant to context",
    )
    assert votes_by_record(team.project, "ta")[rec.pk].outcome(2) == Outcome.INCLUDE
    event = Event.objects.get(verb="resolved")
    assert event.before["votes"] == {"reviewer": "include", "reviewer2": "maybe"}


def test_only_owners_change_stage_settings(screening_team):
    team = screening_team
    url = reverse("stage_settings", args=[team.project.slug, "ta"])
    assert team.client("reviewer").post(url, {"votes_required": 2}).status_code == 403
    team.client("owner").post(url, {"votes_required": 2, "blind": "on"})
    assert settings_for(team.project, "ta").votes_required == 2
