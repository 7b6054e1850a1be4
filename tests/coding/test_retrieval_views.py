"""Retrieval: a code's fragments, the code-by-document matrix, co-occurrence, and their exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from retroduce.coding import codebook
from retroduce.coding.codebook import live_codes
from retroduce.coding.services import code_passage

pytestmark = pytest.mark.django_db

A = 'Leaders who listen build trust. Shared budgets helped. =HYPERLINK("x")\n'
B = "Trust grew when leaders listened. Budgets stayed apart.\n"


@pytest.fixture
def coded(team, ready_document):
    owner = team.users["owner"]
    codebook.ensure_codebook(team.project)
    context = live_codes(team.project).get(name="Context")
    outcome = live_codes(team.project).get(name="Outcome")
    trust = codebook.create_code(team.project, owner, "Trust", parent=outcome)
    first = ready_document("a.txt", A.encode(), title="Paper A")
    second = ready_document("b.txt", B.encode(), title="Paper B")
    code_passage(first, owner, 0, 31, [context.pk, trust.pk])  # both codes on one passage
    code_passage(first, owner, A.index("=HYP"), len(A) - 1, [context.pk])
    code_passage(second, owner, 0, 33, [trust.pk])
    code_passage(second, team.users["reviewer"], 10, 40, [context.pk])  # overlaps the above
    return {"context": context, "outcome": outcome, "trust": trust, "a": first, "b": second}


def test_matrix_counts_fragments_per_code_and_document_with_sub_codes(team, coded):
    page = team.client("viewer").get(reverse("matrix", args=[team.project.slug])).content.decode()
    trust, outcome = coded["trust"], coded["outcome"]
    # Outcome has no direct fragments but its sub-code Trust has one in each paper.
    drill = reverse("code", args=[team.project.slug, outcome.pk]) + f"?document={coded['a'].pk}"
    assert f'href="{drill}&amp;children=1">1</a>' in page
    alone = team.client("viewer").get(reverse("matrix", args=[team.project.slug]) + "?children=0")
    assert (
        f"?document={coded['a'].pk}&amp;children=0"
        not in alone.content.decode().split(f">{outcome.name}</th>")[1].split("</tr>")[0]
    )
    assert trust.name in page


def test_drilling_down_shows_the_quotes_of_one_document(team, coded):
    url = reverse("code", args=[team.project.slug, coded["trust"].pk])
    page = team.client("viewer").get(url + f"?document={coded['b'].pk}").content.decode()
    assert "Trust grew when leaders listened." in page
    assert "Leaders who listen build trust." not in page


def test_cooccurrence_counts_shared_and_overlapping_passages(team, coded):
    page = team.client("viewer").get(reverse("cooccurrence", args=[team.project.slug]))
    text = page.content.decode()
    row = text.split(">Context</a></td><td><a")[1].split("</tr>")[0]
    assert ">Trust</a></td><td>2</td>" in row  # same passage in A, overlapping passages in B


def test_exports_neutralise_formulas_in_csv_and_xlsx(team, coded):
    client = team.client("viewer")
    context = coded["context"]
    response = client.get(reverse("code_export", args=[team.project.slug, context.pk, "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    quotes = {r["quote"] for r in rows}
    assert '\'=HYPERLINK("x")' in quotes
    xlsx = client.get(reverse("matrix_export", args=[team.project.slug, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header == ["code", "Paper A", "Paper B", "total"]
    values = {row[0].strip(): row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Context"] == (2, 1, 3)
    co = client.get(reverse("cooccurrence_export", args=[team.project.slug, "csv"]))
    assert co.content.decode().splitlines()[0] == "code_a,code_b,overlaps"
    assert client.get(reverse("matrix_export", args=[team.project.slug, "pdf"])).status_code == 404


def test_outsiders_and_stakeholders_cannot_read_the_coding(team, coded):
    url = reverse("matrix", args=[team.project.slug])
    assert team.client("outsider").get(url).status_code == 404
    assert team.client("stakeholder").get(url).status_code == 403
