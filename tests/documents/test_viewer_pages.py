"""The document viewer shows one page at a time, read from the database as that page's slice of
the text (a 300-page PDF's text is about 1 MB; the viewer no longer loads it whole)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Characters outside ASCII and outside the Basic Multilingual Plane before the later pages: a slice
# counted in bytes or UTF-16 units instead of characters would start in the wrong place.
PAGES = [
    "Café leadership in Zürich, ΔΕΛΤΑ teams, 👩‍⚕️ nurses and 🏥 hospitals.",
    "Second page: trust between social workers and district nurses grew.",
    "Third page: pooled budgets changed who sat at the table 🤝 every week.",
]


def test_each_page_shows_exactly_its_own_text(team, ready_document):
    document = ready_document("pages.txt", "\f".join(PAGES).encode("utf-8"))
    assert document.page_count == 3
    client = team.client("reviewer")
    url = reverse("document", args=[team.project.slug, document.pk])
    for number, expected in enumerate(PAGES, start=1):
        html = client.get(f"{url}?page={number}").content.decode()
        assert expected in html
        for other in PAGES:
            if other != expected:
                assert other[:30] not in html
