"""Shared helpers for the importer tests: read a fixture, parse bytes, catch the failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from retroduce.sources.importers import Limits, parse_file
from retroduce.sources.records import ImportFailure, ParseResult, RecordData

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse_fixture(name: str, **kwargs: object) -> ParseResult:
    return parse_file(name, fixture_bytes(name), **kwargs)  # type: ignore[arg-type]


def parse_text(name: str, text: str, **kwargs: object) -> ParseResult:
    return parse_file(name, text.encode("utf-8"), **kwargs)  # type: ignore[arg-type]


def failure(name: str, data: bytes, **kwargs: object) -> ImportFailure:
    """The ImportFailure that parsing `data` must raise."""
    with pytest.raises(ImportFailure) as caught:
        parse_file(name, data, **kwargs)  # type: ignore[arg-type]
    return caught.value


def by_title(result: ParseResult, start: str) -> RecordData:
    matches = [r for r in result.records if r.title.startswith(start)]
    assert len(matches) == 1, [r.title for r in result.records]
    return matches[0]


SMALL = Limits(max_file_bytes=64 * 1024, max_field_chars=2048, max_records=50)
