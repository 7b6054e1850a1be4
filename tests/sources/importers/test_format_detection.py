"""Formats are told apart by content; the extension only breaks ties."""

from __future__ import annotations

import pytest

from retroduce.sources.importers import SUPPORTED_FORMATS, detect_format, parse_file
from retroduce.sources.records import ImportFailure

from .helpers import fixture_bytes

FIXTURE_FORMATS = {
    "ovid_medline.ris": "ris",
    "endnote.ris": "ris",
    "pubmed.nbib": "nbib",
    "pubmed.xml": "pubmed-xml",
    "references.bib": "bibtex",
    "endnote.xml": "endnote-xml",
    "scopus.csv": "csv",
    "wos_savedrecs.txt": "tsv",
    "zotero.json": "csl-json",
}


def test_supported_formats() -> None:
    assert set(SUPPORTED_FORMATS) == {
        "ris",
        "nbib",
        "pubmed-xml",
        "bibtex",
        "endnote-xml",
        "csv",
        "tsv",
        "xlsx",
        "csl-json",
    }


@pytest.mark.parametrize(("name", "fmt"), FIXTURE_FORMATS.items())
def test_content_decides_whatever_the_file_is_called(name: str, fmt: str) -> None:
    data = fixture_bytes(name)
    assert detect_format(name, data) == fmt
    assert detect_format("download.txt", data) == fmt  # a misleading or generic name
    assert detect_format("export.ris", data.decode("utf-8-sig")) == fmt  # text works too
    assert parse_file("export.dat", data).format == fmt


def test_extension_breaks_a_tie() -> None:
    # One RIS record and one MEDLINE record in one file: the content is ambiguous.
    mixed = b"TY  - JOUR\nTI  - A\nER  - \n\nPMID- 1\nTI  - B\n"
    assert detect_format("both.nbib", mixed) == "nbib"
    assert detect_format("both.ris", mixed) == "ris"


def test_xlsx_is_recognised_from_the_zip_content() -> None:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Title"])
    out = io.BytesIO()
    book.save(out)
    assert detect_format("refs.bin", out.getvalue()) == "xlsx"


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        (b"Dear colleague,\nplease find the references attached.", "no column name we know"),
        (b"Just some notes about a review", "its first line is"),
        (
            b"FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Smith, J\nER\nEF\n",
            "Web of Science plain-text",
        ),
        (b"<html><body>Sign in</body></html>", "web page"),
    ],
)
def test_unrecognised_content_says_what_it_looks_like(data: bytes, hint: str) -> None:
    with pytest.raises(ImportFailure) as caught:
        detect_format("upload.txt", data)
    assert caught.value.reason.startswith("not a reference file we recognise: ")
    assert hint in caught.value.reason
    assert "Retroduce reads RIS" in caught.value.reason


def test_a_column_mapping_on_a_non_tabular_file_is_ignored_with_a_warning() -> None:
    result = parse_file("a.ris", fixture_bytes("scopus.ris"), mapping={"title": "Name"})
    assert result.records[0].title.startswith("Programme theory")
    assert any("column mapping was ignored" in w for w in result.warnings)
