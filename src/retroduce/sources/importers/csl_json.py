"""CSL-JSON (Zotero, Mendeley, citation.js, Pandoc): a list of items or a single item.

Items follow the CSL 1.0.2 data schema: "author" as [{"family", "given"} or {"literal"}],
"issued" as {"date-parts": [[2019, 3, 1]]}, "container-title", "DOI", "type"… The top-level
array is walked item by item so each record keeps its exact source text and starting line.
"""

from __future__ import annotations

import json
from typing import Any

from retroduce.sources.records import ImportFailure, RecordData

from . import normalise
from .context import Context
from .types import CSL_TYPES

_WHITESPACE = " \t\n\r\ufeff"
_MAPPED = frozenset(
    (
        "title author issued container-title volume issue page DOI abstract keyword ISSN ISBN "
        "publisher language URL PMID type source"
    ).split()
)


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def parse_csl_json(ctx: Context, text: str) -> list[RecordData]:
    decoder = json.JSONDecoder()
    items: list[tuple[Any, str, int]] = []  # (item, raw, line)
    try:
        pos = _skip(text, 0)
        if text[pos : pos + 1] == "[":
            pos = _skip(text, pos + 1)
            line, counted = 1, 0
            while text[pos : pos + 1] != "]":
                item, end = decoder.raw_decode(text, pos)
                line += text.count("\n", counted, pos)
                counted = pos
                items.append((item, text[pos:end], line))
                ctx.check_count(len(items), line)
                pos = _skip(text, end)
                if text[pos : pos + 1] == ",":
                    pos = _skip(text, pos + 1)
                elif text[pos : pos + 1] != "]":
                    raise ctx.fail(
                        _line(text, pos),
                        "the list of items is not closed or a comma is missing; the file may "
                        "be truncated",
                    )
            end = pos + 1
        else:
            whole, end = decoder.raw_decode(text, pos)
            if isinstance(whole, dict) and isinstance(whole.get("items"), list):
                items = [(i, json.dumps(i, ensure_ascii=False), 0) for i in whole["items"]]
                ctx.check_count(len(items))
            else:
                items = [(whole, text[pos:end], _line(text, pos))]
        if _skip(text, end) < len(text):
            raise ctx.fail(_line(text, end), "there is text after the end of the JSON data")
    except ImportFailure:
        raise
    except json.JSONDecodeError as exc:
        truncated = exc.pos >= len(text.rstrip())
        reason = (
            "the JSON data ends too early; the file may be truncated"
            if truncated
            else f"the JSON data is not valid ({exc.msg})"
        )
        raise ctx.fail(exc.lineno, reason) from None
    except RecursionError:
        raise ctx.fail(
            None, "the JSON data is nested far too deeply to be reference data"
        ) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise ctx.fail(None, f"the JSON data cannot be read ({exc})") from None

    progress = ctx.progress(len(items), "Reading CSL-JSON items")
    records = []
    for number, (item, raw, line) in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ctx.fail(
                line, f"item {number} is not a JSON object, so it is not a CSL-JSON reference"
            )
        rec = _record(ctx, item, number, line)
        rec.raw, rec.line = raw, line
        ctx.check_record(rec, f"item {number}")
        records.append(rec)
        progress.tick(number)
    progress.finish(f"Read {len(records):,} CSL-JSON items")
    return records


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return "; ".join(_text(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _first(value: Any) -> str:
    """CSL allows some fields as a string or a list ("container-title", "ISSN")."""
    if isinstance(value, list):
        return _text(value[0]) if value else ""
    return _text(value)


def _names(ctx: Context, value: Any, line: int, number: int, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ctx.fail(line, f"item {number}: '{key}' should be a list of names")
    names = []
    for person in value:
        if isinstance(person, str):
            names.append(person.strip())
        elif isinstance(person, dict):
            literal = _text(person.get("literal"))
            family = " ".join(
                p
                for p in (
                    _text(person.get("non-dropping-particle")),
                    _text(person.get("family")),
                )
                if p
            )
            given = " ".join(
                p for p in (_text(person.get("given")), _text(person.get("dropping-particle"))) if p
            )
            if family:
                names.append(f"{family}, {given}" if given else family)
            elif literal or given:
                names.append(literal or given)
        else:
            raise ctx.fail(line, f"item {number}: a name in '{key}' is neither text nor an object")
    return [n for n in names if n]


def _year(issued: Any) -> str:
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            return normalise.year(_text(parts[0][0]))
        for key in ("raw", "literal", "season"):
            if issued.get(key):
                return normalise.year(_text(issued[key]))
        return ""
    return normalise.year(_text(issued)) if issued else ""


def _keywords(value: Any) -> list[str]:
    if isinstance(value, list):
        return [_text(v) for v in value if _text(v)]
    text = _text(value)
    return normalise.split_list(text, ";" if ";" in text else ",")


def _record(ctx: Context, item: dict[str, Any], number: int, line: int) -> RecordData:
    authors = _names(ctx, item.get("author"), line, number, "author")
    if not authors:
        authors = _names(ctx, item.get("editor"), line, number, "editor")
    issns, isbns, _ = normalise.issn_isbn([_text(item.get("ISSN")), _text(item.get("ISBN"))])
    kind = _text(item.get("type")).lower()
    extra = {str(k): [_text(v)] for k, v in item.items() if k not in _MAPPED and _text(v)}
    if kind and kind not in CSL_TYPES:
        extra["type"] = [kind]
    doi = normalise.doi(_text(item.get("DOI")))
    if item.get("DOI") and not doi:
        extra["DOI"] = [_text(item.get("DOI"))]  # not shaped like a DOI: kept as given
    return RecordData(
        title=_text(item.get("title")),
        authors=authors,
        year=_year(item.get("issued")),
        journal=_first(item.get("container-title")),
        volume=_text(item.get("volume")),
        number=_text(item.get("issue")),
        pages=normalise.pages(_text(item.get("page"))),
        doi=doi,
        abstract=_text(item.get("abstract")),
        keywords=_keywords(item.get("keyword")),
        item_type=CSL_TYPES.get(kind, "other"),
        issn="; ".join(issns),
        isbn="; ".join(isbns),
        publisher=_text(item.get("publisher")),
        language=_text(item.get("language")),
        url=_text(item.get("URL")),
        pmid=_text(item.get("PMID")),
        database=_text(item.get("source")),
        extra=extra,
    )
