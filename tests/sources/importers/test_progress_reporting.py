"""Progress is reported now and then, ends at 100%, and a failure still raises cleanly."""

from __future__ import annotations

import pytest

from retroduce.sources.importers import parse_file

from .helpers import failure, fixture_bytes


def many_ris(count: int) -> bytes:
    return "".join(f"TY  - JOUR\nTI  - Record {n}\nER  - \n\n" for n in range(count)).encode()


def test_large_file_reports_in_steps_and_finishes_complete() -> None:
    calls: list[tuple[int, int, str]] = []
    result = parse_file("big.ris", many_ris(5000), report=lambda d, t, m: calls.append((d, t, m)))
    assert len(result.records) == 5000
    assert 2 <= len(calls) <= 110  # "now and then", not once per record
    dones = [done for done, _, _ in calls]
    assert dones == sorted(dones)
    done, total, message = calls[-1]
    assert done == total
    assert "5,000" in message


@pytest.mark.parametrize(
    "name",
    ["pubmed.nbib", "pubmed.xml", "references.bib", "endnote.xml", "scopus.csv", "zotero.json"],
)
def test_every_format_ends_with_a_complete_report(name: str) -> None:
    calls: list[tuple[int, int, str]] = []
    parse_file(name, fixture_bytes(name), report=lambda d, t, m: calls.append((d, t, m)))
    assert calls
    assert calls[-1][0] == calls[-1][1]


def test_a_failing_file_raises_even_with_a_reporter() -> None:
    error = failure("bad.ris", many_ris(3) + b"TY  - JOUR\n", report=lambda *args: None)
    assert "no 'ER  -' end tag" in error.reason
