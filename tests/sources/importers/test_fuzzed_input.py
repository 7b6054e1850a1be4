"""Random bytes and random damage to valid files never crash the importer.

The only acceptable outcomes are a ParseResult or an ImportFailure that is a refusal, never
an ImporterFault (an unexpected exception inside an importer, turned into a failure).
"""

from __future__ import annotations

import csv
import io
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retroduce.sources.importers import ImporterFault, Limits, parse_file
from retroduce.sources.importers.headers import MAPPABLE
from retroduce.sources.records import ITEM_TYPES, ImportFailure

from .helpers import fixture_bytes

FIXTURES = [
    "ovid_medline.ris",
    "endnote.ris",
    "zotero.ris",
    "pubmed.nbib",
    "pubmed.xml",
    "references.bib",
    "endnote.xml",
    "scopus.csv",
    "wos_savedrecs.txt",
    "covidence.csv",
    "zotero.json",
]
VALID = {name: fixture_bytes(name) for name in FIXTURES}
LIMITS = Limits(max_file_bytes=256 * 1024, max_field_chars=64 * 1024, max_records=1000)
# RETRODUCE_FUZZ_EXAMPLES: a longer run (bench/fuzz/run.py); the default is CI's budget.
FUZZ = settings(
    max_examples=int(os.environ.get("RETRODUCE_FUZZ_EXAMPLES") or 200),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def check(name: str, data: bytes, mapping: dict[str, str] | None = None) -> None:
    try:
        result = parse_file(name, data, limits=LIMITS, mapping=mapping)
    except ImporterFault as fault:  # a bug, not a refusal
        raise AssertionError(f"importer fault: {fault}") from fault.__cause__
    except ImportFailure as failure:
        assert failure.file == name
        assert failure.reason
        return
    assert result.records
    for record in result.records:
        assert record.item_type in ITEM_TYPES
        assert isinstance(record.raw, str)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(FIXTURES))
    data = bytearray(VALID[name])
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete", "duplicate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(
                st.sampled_from(
                    [
                        b"\n",
                        b"{",
                        b"}",
                        b'"',
                        b"<",
                        b">",
                        b"&",
                        b"ER  - ",
                        b"TY  - ",
                        b"@",
                        b"\x00",
                        b"\xff\xfe",
                        b",",
                        b"\t",
                        b"\r",
                        b"PMID- ",
                        b"]",
                        b"[",
                        b"#",
                    ]
                )
            )
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 50))]
        elif kind == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 200))]
    return draw(st.sampled_from([name, "upload.txt"])), bytes(data)


@FUZZ
@given(st.binary(max_size=2048))
def test_random_bytes(data: bytes) -> None:
    check("random.ris", data)


@FUZZ
@given(mutated())
def test_mutations_of_valid_files(case: tuple[str, bytes]) -> None:
    check(*case)


@FUZZ
@given(st.text(max_size=400), st.sampled_from(["TI", "AU", "AB", "KW", "T2", "XX"]))
def test_random_values_round_trip_in_ris(value: str, tag: str) -> None:
    text = f"TY  - JOUR\n{tag}  - {value}\nER  - \n"
    check("values.ris", text.encode("utf-8"))


# Spreadsheets with their own column names, and the column mapping a user gives for them.
HEADERS = st.one_of(
    st.sampled_from(["Title", "Authors", "Year", "DOI", "Abstract", "Source title", "PMID", ""]),
    st.text(max_size=12),
)
CELLS = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["=1+1", "@SUM(A1)", '"quoted, with comma"', "line\nbreak", "10.1/x", "2019"]),
)


@st.composite
def mapped_table(draw: st.DrawFn) -> tuple[list[str], list[list[str]], dict[str, str]]:
    headers = draw(st.lists(HEADERS, min_size=1, max_size=8))
    rows = draw(
        st.lists(st.lists(CELLS, min_size=0, max_size=len(headers) + 2), min_size=0, max_size=6)
    )
    mapping = draw(
        st.dictionaries(
            st.sampled_from(sorted(MAPPABLE) + ["not a field"]),
            st.one_of(st.sampled_from(headers), st.text(max_size=8)),
            max_size=5,
        )
    )
    return headers, rows, mapping


@FUZZ
@given(
    mapped_table(),
    st.sampled_from([",", "\t", ";"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    st.sampled_from(["refs.csv", "refs.tsv", "upload.txt"]),
)
def test_csv_and_tsv_with_a_column_mapping(table, delimiter, encoding, name) -> None:  # noqa: ANN001
    headers, rows, mapping = table
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    check(name, out.getvalue().encode(encoding, errors="replace"), mapping or None)


@FUZZ
@given(mapped_table(), st.booleans())
def test_xlsx_with_a_column_mapping(table, damage: bool) -> None:  # noqa: ANN001
    from openpyxl import Workbook

    headers, rows, mapping = table
    book = Workbook()
    sheet = book.active
    for row in [headers, *rows]:
        # openpyxl refuses control characters in cells; a spreadsheet cannot hold them either.
        sheet.append(["".join(c for c in cell if c.isprintable() or c in "\n\t") for cell in row])
    out = io.BytesIO()
    book.save(out)
    data = bytearray(out.getvalue())
    if damage:  # a byte in the middle of the zip: a damaged download
        data[len(data) // 2] ^= 0xFF
    check("refs.xlsx", bytes(data), mapping or None)
