"""The discovery curve on the screening overview: relevant found against records screened."""

from __future__ import annotations

import re

from defusedxml import ElementTree
from django.urls import reverse

from retroduce.screening import services
from retroduce.screening.discovery_chart import curve_points, describe, discovery_svg
from retroduce.screening.stopping import estimate
from tests.screening.conftest import TOPICS, record

SVG = "{http://www.w3.org/2000/svg}"


def polyline_points(svg: str) -> list[tuple[float, float]]:
    line = ElementTree.fromstring(svg).find(f".//{SVG}polyline")
    return [tuple(map(float, pair.split(","))) for pair in line.get("points").split()]


def test_the_curve_climbs_at_each_relevant_record_and_ends_at_the_last_screened():
    sequence = [True, False, True] + [False] * 7
    assert curve_points(sequence) == [(i, [0, 1, 1, 2][min(i, 3)]) for i in range(11)]


def test_a_long_stage_is_sampled_but_keeps_its_ends():
    sequence = [i % 50 == 0 for i in range(100_000)]
    points = curve_points(sequence)
    assert len(points) <= 401
    assert points[0] == (0, 0) and points[-1] == (100_000, 2000)
    assert all(a[0] < b[0] and a[1] <= b[1] for a, b in zip(points, points[1:], strict=False))


def test_the_chart_says_what_it_shows_and_how_random_order_compares():
    sequence = [True] * 8 + [False] * 32
    aid = estimate(sequence, unseen=160)
    text = describe(aid)
    assert text.startswith("8 relevant found in 40 screened of 200; the last one 32 records ago.")
    # Random order at the same estimated total would have found a fifth of it by now.
    expected = 40 * (8 + aid.remaining_estimate) / 200
    assert f"about {expected:.0f} by now" in text
    svg = discovery_svg(sequence, aid)
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img" and text in svg
    # The curve rises for the first eight records, then runs flat to the last one screened.
    points = polyline_points(svg)
    assert points[8][1] < points[0][1]  # SVG y grows downwards
    assert points[8][1] == points[-1][1] and points[-1][0] > points[8][0]
    assert root.find(f".//{SVG}line[@class='random-order']") is not None
    assert "style=" not in svg  # pages forbid style attributes under their CSP


def test_before_any_relevant_record_the_chart_says_so():
    aid = estimate([False] * 12, unseen=30)
    assert describe(aid).startswith("No relevant record found yet in 12 screened of 42.")


def test_the_overview_draws_the_curve_from_the_teams_votes(screening_team):
    team = screening_team
    for title, choice in [(TOPICS[0], "include"), (TOPICS[1], "exclude"), (TOPICS[2], "include")]:
        services.cast_vote(team.project, team.users["reviewer"], record(title), "ta", choice)
    html = team.client("reviewer2").get(reverse("screening", args=[team.project.slug])).content
    figure = re.search(r'<figure class="chart discovery">(.*?)</figure>', html.decode(), re.S)
    assert figure, "the overview has no discovery chart"
    assert "2 relevant found in 3 screened of 10" in figure.group(1)
    points = polyline_points(figure.group(1))
    assert len(points) == 4  # (0, 0) and one point per record screened


def test_blind_mode_draws_no_curve_from_records_still_waiting_for_votes(dual_blind):
    team = dual_blind
    services.cast_vote(team.project, team.users["reviewer"], record(TOPICS[0]), "ta", "include")
    html = team.client("reviewer2").get(reverse("screening", args=[team.project.slug])).content
    assert b'class="chart discovery"' not in html
