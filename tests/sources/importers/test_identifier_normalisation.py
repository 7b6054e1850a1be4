"""DOIs, years and pages come out in one form whatever the vendor wrote."""

from __future__ import annotations

import pytest

from retroduce.sources.importers import normalise


@pytest.mark.parametrize(
    "given",
    [
        "10.1186/S12913-019-4123-X",
        "https://doi.org/10.1186/s12913-019-4123-x",
        "http://dx.doi.org/10.1186/s12913-019-4123-x",
        "doi:10.1186/s12913-019-4123-x",
        "DOI: 10.1186/s12913-019-4123-x.",
        "  10.1186/s12913-019-4123-x [doi]",
        "https://doi.org/10.1186%2Fs12913-019-4123-x",
    ],
)
def test_doi_forms(given: str) -> None:
    assert normalise.doi(given) == "10.1186/s12913-019-4123-x"


def test_dois_with_unusual_characters_survive() -> None:
    sici = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0"
    assert normalise.doi(sici) == sici.lower()
    assert normalise.doi("not a doi") == ""
    assert normalise.doi("S0140-6736(19)30000-1 [pii]") == ""


@pytest.mark.parametrize(
    ("given", "year"),
    [
        ("2019///", "2019"),
        ("2019/03/01/", "2019"),
        ("2018 Mar-Apr", "2018"),
        ("c1997", "1997"),
        ("in press", "in press"),
        ("12019", "12019"),
    ],
)
def test_years(given: str, year: str) -> None:
    assert normalise.year(given) == year


def test_pages() -> None:
    assert normalise.pages("123--130") == "123-130"
    assert normalise.pages(" 123 – 130 ") == "123-130"
    assert normalise.join_pages("e123", "e131") == "e123-e131"
    assert normalise.expand_medline_pages("1123-30") == "1123-1130"
    assert normalise.expand_medline_pages("S12-S15") == "S12-S15"
