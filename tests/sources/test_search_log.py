"""The search log: episodes with purpose, source, strategy, dates and hits (RAMESES 7 and 8)."""

from __future__ import annotations

from django.urls import reverse

from retroduce.core.models import Event
from retroduce.sources.models import SearchEpisode

EPISODE = {
    "purpose": "evidence",
    "source": "MEDLINE (Ovid)",
    "date_run": "2020-06-01",
    "coverage": "2000–2020",
    "hits_reported": "412",
    "strategy": "1. exp Leadership/\n2. integrated care.ti,ab.\n3. 1 and 2",
    "limits": "English",
    "notes": "Tests 'working with power'",
}


def test_reviewer_logs_a_search_with_its_strategy(team):
    client = team.client("reviewer")
    response = client.post(reverse("episode_new", args=[team.project.slug]), EPISODE)
    assert response.status_code == 302
    episode = SearchEpisode.objects.get()
    assert (episode.number, episode.source, episode.hits_reported) == (1, "MEDLINE (Ovid)", 412)
    assert episode.strategy.startswith("1. exp Leadership/")
    page = client.get(reverse("sources", args=[team.project.slug])).content.decode()
    assert "MEDLINE (Ovid)" in page and "412" in page
    assert Event.objects.filter(object_type="searchepisode", verb="created").count() == 1


def test_supplementary_search_must_say_which_kind(team):
    client = team.client("reviewer")
    data = {**EPISODE, "purpose": "supplementary", "source": "Reference lists of included papers"}
    response = client.post(reverse("episode_new", args=[team.project.slug]), data)
    assert response.status_code == 400
    assert "what kind of supplementary search" in response.content.decode()
    data["supplementary_kind"] = "citation_backward"
    assert client.post(reverse("episode_new", args=[team.project.slug]), data).status_code == 302
    episode = SearchEpisode.objects.get()
    assert episode.get_supplementary_kind_display() == "Citation chasing (backward)"


def test_editing_an_episode_logs_before_and_after(team):
    client = team.client("reviewer")
    client.post(reverse("episode_new", args=[team.project.slug]), EPISODE)
    client.post(
        reverse("episode_edit", args=[team.project.slug, 1]), {**EPISODE, "hits_reported": "415"}
    )
    event = Event.objects.get(object_type="searchepisode", verb="changed")
    assert event.before == {"hits_reported": 412} and event.after == {"hits_reported": 415}


def test_episode_can_name_the_theory_components_it_tests(team):
    from retroduce.theory import services as theory

    version = theory.start_version(team.project, team.users["owner"], "initial")
    power = theory.add_component(
        version, team.users["owner"], name="Working with power", provenance="team_inference"
    )
    team.client("reviewer").post(
        reverse("episode_new", args=[team.project.slug]), {**EPISODE, "components": [power.pk]}
    )
    assert list(SearchEpisode.objects.get().components.all()) == [power]
    page = team.client("viewer").get(reverse("sources", args=[team.project.slug])).content.decode()
    assert "Working with power" in page


def test_search_in_the_future_is_refused(team):
    response = team.client("reviewer").post(
        reverse("episode_new", args=[team.project.slug]), {**EPISODE, "date_run": "2999-01-01"}
    )
    assert response.status_code == 400 and "future" in response.content.decode()
    assert not SearchEpisode.objects.exists()
