"""The records list (paginated, searchable, filterable) and the record page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from retroduce.sources import episodes
from retroduce.sources.importing import run_import, store_upload
from retroduce.sources.models import Record
from tests.sources.ris_samples import (
    LEADERSHIP,
    LEADERSHIP_AGAIN,
    POWER,
    RESILIENCE,
    ris_file,
    ris_record,
)


@pytest.fixture
def imported(team):
    owner = team.users["owner"]
    medline = episodes.create_episode(team.project, owner, purpose="evidence", source="MEDLINE")
    cinahl = episodes.create_episode(team.project, owner, purpose="evidence", source="CINAHL")
    for name, data, ep in (
        ("m.ris", ris_file(LEADERSHIP, POWER), medline),
        ("c.ris", ris_file(LEADERSHIP_AGAIN, RESILIENCE), cinahl),
    ):
        run_import(store_upload(team.project, owner, name, data, ep), owner)
    return medline, cinahl


def test_list_searches_titles_authors_and_doi(team, imported):
    url = reverse("records", args=[team.project.slug])
    client = team.client("viewer")
    by_title = client.get(url, {"q": "resilience"})
    assert [r.title for r in by_title.context["page"].object_list] == [
        "Resilience of community health teams during reorganisation"
    ]
    by_author = client.get(url, {"q": "smith"})
    assert by_author.context["page"].count == 1
    by_doi = client.get(url, {"q": "10.3310/WPNG1013"})
    assert by_doi.context["page"].count == 2  # both copies carry the DOI


def test_list_filters_by_origin_and_duplicate_status(team, imported):
    medline, cinahl = imported
    url = reverse("records", args=[team.project.slug])
    client = team.client("viewer")
    assert client.get(url, {"episode": cinahl.pk}).context["page"].count == 2
    assert client.get(url, {"status": "duplicate"}).context["page"].count == 1
    assert client.get(url, {"status": "unique"}).context["page"].count == 3


def test_list_is_paginated(team):
    owner = team.users["owner"]
    data = ris_file(
        *[
            ris_record(
                f"Distinct study number {n} of teams", [f"Author{n}, A"], "2001", f"Journal {n}"
            )
            for n in range(120)
        ]
    )
    run_import(store_upload(team.project, owner, "many.ris", data), owner)
    client = team.client("viewer")
    url = reverse("records", args=[team.project.slug])
    page = client.get(url)
    assert len(page.context["page"].object_list) == 50
    assert "Page 1 of 3" in page.content.decode()

    # Next, to the end: every record once, in order, the page number kept, the filter kept.
    seen, pages = [], []
    answer = client.get(url, {"status": "unique"})
    while True:
        html = answer.content.decode()
        pages.append(re.search(r"Page (\d+) of 3 \(120 records\)", html).group(1))
        seen += [r.pk for r in answer.context["page"].object_list]
        following = re.search(r'href="\?([^"]*)" rel="next"', html)
        if following is None:
            break
        assert "status=unique" in following.group(1)
        answer = client.get(f"{url}?{following.group(1).replace('&amp;', '&')}")
    ids = list(
        Record.objects.filter(project=team.project).order_by("pk").values_list("pk", flat=True)
    )
    assert seen == ids and pages == ["1", "2", "3"]

    # Previous from the last page gives page 2 again; so does asking for page 2 by number.
    back = re.search(r'href="\?([^"]*)" rel="prev"', html).group(1).replace("&amp;", "&")
    second = [r.pk for r in client.get(f"{url}?{back}").context["page"].object_list]
    assert second == ids[50:100]
    assert [r.pk for r in client.get(url, {"page": 2}).context["page"].object_list] == second
    # Nonsense in the links falls back to the first page instead of failing.
    assert client.get(url, {"after": "x", "page": "-3"}).context["page"].number == 1


def test_record_page_shows_fields_origins_and_raw_source(team, imported):
    kept = Record.objects.get(doi="10.3310/wpng1013", duplicate_of__isnull=True)
    html = (
        team.client("viewer")
        .get(reverse("record", args=[team.project.slug, kept.pk]))
        .content.decode()
    )
    assert "MEDLINE" in html and "CINAHL" in html  # both origins
    assert "Harris, Ruth" in html
    assert "TI  - Leadership of integrated health" in html  # the raw source
    assert "10.3310/wpng1013" in html


def test_imported_markup_is_escaped_on_every_page(team):
    owner = team.users["owner"]
    data = ris_file(ris_record("<img src=x onerror=alert(1)>", ["<b>Evil</b>, E"], "2020", "J"))
    run_import(store_upload(team.project, owner, "x.ris", data), owner)
    record = Record.objects.get()
    client = team.client("owner")
    for url in (
        reverse("records", args=[team.project.slug]),
        reverse("record", args=[team.project.slug, record.pk]),
    ):
        html = client.get(url).content.decode()
        assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_record_of_another_project_is_404(team, imported, make_user):
    from retroduce.core import services

    other = services.create_project(team.users["viewer"], "Other review")
    record = Record.objects.first()
    response = team.client("viewer").get(reverse("record", args=[other.slug, record.pk]))
    assert response.status_code == 404
