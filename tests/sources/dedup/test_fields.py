"""Field normalisers: the variants real exports produce map onto one form."""

from __future__ import annotations

import pytest

from retroduce.sources.dedup.fields import (
    author_names,
    author_tokens,
    family_name,
    normalise_doi,
    normalise_pages,
    venue_variants,
    venues_compatible,
)
from retroduce.sources.dedup.text import clean_title, normalise_title, title_markers


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("123-9", ("123", "129")),
        ("123-129", ("123", "129")),
        ("123--129", ("123", "129")),
        ("S12-S14", ("12", "14")),
        ("e1234", ("1234", "1234")),
        ("106-11; discussion 111", ("106", "111")),
        ("01-Jun", ("", "")),
        ("", ("", "")),
    ],
)
def test_pages(raw, expected):
    assert normalise_pages(raw) == expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("https://doi.org/10.1000/ABC.1", "10.1000/abc.1"),
        ("http://dx.doi.org/10.1016/S0735-1097%2813%2962048-3", "10.1016/s0735-1097(13)62048-3"),
        ("doi:10.1000/xyz.", "10.1000/xyz"),
        ("not a doi", ""),
    ],
)
def test_doi(raw, expected):
    assert normalise_doi(raw) == expected


def test_author_formats_give_the_same_family_names():
    assert author_names("Adeli K.Lewis G. F.") == ["Adeli K.", "Lewis G. F."]
    assert family_name("Smith, John") == family_name("Smith J") == family_name("John Smith")
    assert author_tokens("Zhou, X. and Lan, J.") <= author_tokens("Zhou, Xiangdong and Lan, Jian")


@pytest.mark.parametrize(
    "a,b,same",
    [
        ("J Clin Oncol", "Journal of Clinical Oncology", True),
        ("BMJ", "British Medical Journal", True),
        ("Circulation. Conference: American Heart Association", "Circulation", True),
        ("J. Clin. Oncol.", "J. Biol. Chem.", False),
        ("Am J Respir Crit Care Med", "Am J Respir Cell Mol Biol", False),
    ],
)
def test_venues(a, b, same):
    assert venues_compatible(venue_variants(a), venue_variants(b)) is same


def test_titles_unify_numbers_and_drop_annotations():
    cleaned, erratum = clean_title("Trial of X, Part II [Review] [42 refs]")
    assert normalise_title(cleaned) == "trial of x part 2" and not erratum
    cleaned, erratum = clean_title("Trial of X (vol 12, pg 34, 2009)")
    assert erratum and "erratum" in title_markers(cleaned, erratum)
    assert title_markers("Reply to: Trial of X") == frozenset({"reply"})
    assert title_markers("Immune response to vaccination") == frozenset()
