"""XLSX reference lists, and archives that must be refused before any XML is expanded."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl

from retroduce.sources.importers import Limits, parse_file

from .helpers import failure

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol3;</t>'
    b"</si></sst>"
)


def workbook(rows: list[list[object]], extra_sheet: bool = False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "savedrecs"
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet("Notes").append(["not references"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(data: bytes, replace: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The same archive with some parts replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", method) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.pop(info.filename, source.read(info)))
        for name, content in replace.items():
            target.writestr(name, content)
    return out.getvalue()


ROWS: list[list[object]] = [
    [
        "Article Title",
        "Author Full Names",
        "Source Title",
        "Publication Year",
        "DOI",
        "Pages",
        "Notes",
    ],
    [
        "Leadership in integrated care",
        "Smith, John; Okafor, Chidi",
        "BMC Health Serv Res",
        2019.0,
        "10.1186/X",
        "412-430",
        None,
    ],
    [None, None, None, None, None, None, None],
    ["Trust in teams", "Brown, Kate", "J Adv Nurs", 2018, None, None, dt.datetime(2024, 3, 12)],
]


def test_web_of_science_excel_export() -> None:
    result = parse_file("savedrecs.xlsx", workbook(ROWS, extra_sheet=True))
    assert result.format == "xlsx"
    first, second = result.records
    assert first.title == "Leadership in integrated care"
    assert first.authors == ["Smith, John", "Okafor, Chidi"]
    assert first.year == "2019"  # Excel's 2019.0
    assert first.doi == "10.1186/x"
    assert first.pages == "412-430"
    assert first.line == 2
    assert second.line == 4  # the empty row is skipped but rows keep their numbers
    assert second.extra["Notes"] == ["2024-03-12"]
    assert any("first worksheet" in w for w in result.warnings)


def test_explicit_mapping_works_for_xlsx_too() -> None:
    data = workbook([["Paper", "Who"], ["A study", "Doe, J"]])
    rec = parse_file("x.xlsx", data, mapping={"title": "Paper", "authors": "Who"}).records[0]
    assert (rec.title, rec.authors) == ("A study", ["Doe, J"])


def test_xml_bomb_inside_a_workbook_is_refused_before_openpyxl_reads_it() -> None:
    data = rewrite(workbook(ROWS), {"xl/sharedStrings.xml": BILLION_LAUGHS})
    error = failure("bomb.xlsx", data)
    assert "XML bomb" in error.reason
    assert "xl/sharedStrings.xml" in error.reason


def test_external_entity_inside_a_workbook_is_refused() -> None:
    part = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<worksheet>&e;</worksheet>"
    )
    error = failure("xxe.xlsx", rewrite(workbook(ROWS), {"xl/worksheets/sheet1.xml": part}))
    assert "XML bomb" in error.reason


def test_zip_bomb_is_refused_by_its_compression_ratio() -> None:
    zeros = b"<x>" + b"0" * (20 * 1024 * 1024) + b"</x>"
    error = failure("zipbomb.xlsx", rewrite(workbook(ROWS), {"xl/media/big.xml": zeros}))
    assert "zip bomb" in error.reason


def test_unpacked_size_over_the_limit_is_refused() -> None:
    data = workbook(ROWS)
    error = failure("big.xlsx", data, limits=Limits(max_unzipped_bytes=1024))
    assert "would unpack to" in error.reason


def test_other_zip_archives_are_named() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    assert "Word document" in failure("paper.docx", out.getvalue()).reason
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("refs.ris", "TY  - JOUR\nER  - \n")
    assert "unpack it" in failure("refs.zip", out.getvalue()).reason


def test_damaged_workbook_is_refused() -> None:
    data = workbook(ROWS)
    error = failure("cut.xlsx", data[: len(data) // 2])
    assert "damaged" in error.reason
