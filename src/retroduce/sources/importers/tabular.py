"""CSV and TSV reference lists (Scopus, Web of Science tab-delimited, Covidence, Rayyan…)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from retroduce.sources.records import RecordData

from .context import Context
from .headers import ColumnPlan, normalise_header, plan_columns, recognised, row_record

DELIMITERS = ("\t", ",", ";")


def first_line(text: str) -> str:
    """The first line, ended by LF, CR LF or a lone CR (as csv's universal newlines do)."""
    end = len(text)
    for newline in ("\n", "\r"):
        found = text.find(newline, 0, end)
        if found >= 0:
            end = found
    return text[:end]


def choose_delimiter(header_line: str, mapping: dict[str, str] | None = None) -> str | None:
    """The delimiter under which the header names the most columns we know (or the mapping's);
    when no name is known, the delimiter that splits the line into the most cells."""
    best, best_score, most_cells = None, 0, 1
    fallback = None
    wanted = {normalise_header(v) for v in (mapping or {}).values()}
    for delimiter in DELIMITERS:
        if delimiter not in header_line:
            continue
        try:
            cells = next(csv.reader([header_line], delimiter=delimiter), [])
        except csv.Error:
            continue
        score = recognised(cells) * 2 + sum(1 for c in cells if normalise_header(c) in wanted)
        if score > best_score:
            best, best_score = delimiter, score
        if len(cells) > most_cells:
            fallback, most_cells = delimiter, len(cells)
    return best or fallback


class _Lines:
    """Feeds csv.reader and remembers the physical lines of the current row (for `raw`)."""

    def __init__(self, text: str) -> None:
        self._it: Iterator[str] = iter(io.StringIO(text, newline=""))
        self.taken: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._it)
        self.taken.append(line)
        return line


def _is_wos(header: list[str]) -> bool:
    names = {normalise_header(h) for h in header}
    return {"pt", "ut"} <= names or {"pt", "au", "ti"} <= names


def parse_delimited(ctx: Context, text: str, fmt: str) -> list[RecordData]:
    header_line = first_line(text)
    delimiter = "\t" if fmt == "tsv" else choose_delimiter(header_line, ctx.mapping) or ","
    lines = _Lines(text)
    # Web of Science writes tab-delimited files without quoting: a quote inside a title is an
    # ordinary character there, so quote handling is switched off for that layout only.
    try:
        header_cells = next(csv.reader([header_line], delimiter=delimiter), [])
    except csv.Error:
        header_cells = []
    quoting = csv.QUOTE_NONE if delimiter == "\t" and _is_wos(header_cells) else csv.QUOTE_MINIMAL
    if csv.field_size_limit() <= ctx.limits.max_field_chars:
        # The csv module refuses fields over 128 KiB by default; abstracts can be longer.
        csv.field_size_limit(ctx.limits.max_field_chars + 1)
    reader = csv.reader(lines, delimiter=delimiter, quoting=quoting, strict=True)
    total_lines = text.count("\n") + 1
    progress = ctx.progress(total_lines, "Reading rows")
    records: list[RecordData] = []
    plan: ColumnPlan | None = None
    short_rows = 0
    line = 1
    row: list[str] = []
    while True:
        lines.taken = []
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _csv_failure(ctx, exc, line) from None
        start, line = line, reader.line_num + 1
        if plan is None:
            plan = plan_columns(ctx, row, ctx.mapping)
            continue
        if not any(cell.strip() for cell in row):
            continue  # a blank line or a row of empty cells (spreadsheets leave them)
        if len(row) > plan.width and any(c.strip() for c in row[plan.width :]):
            raise ctx.fail(
                start,
                f"this row has {len(row)} values but the header names {plan.width} columns; "
                "a value may contain an unquoted delimiter",
            )
        if len(row) < plan.width:
            short_rows += 1
        raw = "".join(lines.taken).rstrip("\r\n")
        rec = row_record(plan, row, raw, start)
        ctx.check_record(rec, f"the row on line {start}")
        records.append(rec)
        if not len(records) % 1000:
            ctx.check_count(len(records), start)
            progress.tick(start)
    if plan is None:
        raise ctx.fail(None, "the file is empty")
    if short_rows and plan.width and len(row) < plan.width and not text.endswith(("\n", "\r")):
        raise ctx.fail(
            line - 1,
            f"the last row has {len(row)} of {plan.width} values and the file does not end "
            "with a line break; the file may be truncated",
        )
    if short_rows:
        ctx.warnings.append(
            f"{short_rows} row(s) had fewer values than the header has columns; the missing "
            "values were read as empty."
        )
    ctx.check_count(len(records))
    progress.finish(f"Read {len(records):,} rows")
    return records


def _csv_failure(ctx: Context, exc: csv.Error, line: int) -> Exception:
    message = str(exc)
    if "unexpected end of data" in message or "EOF" in message:
        return ctx.fail(
            line,
            "a quoted value that starts in the row on this line is never closed; the file may "
            "be truncated",
        )
    if "field larger than field limit" in message:
        return ctx.too_long(line, "a value", f"the row on line {line}")
    return ctx.fail(line, f"the row on this line cannot be read as CSV ({message})")
