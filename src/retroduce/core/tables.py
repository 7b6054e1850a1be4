"""Tables handed to spreadsheets: CSV and XLSX with formulas neutralised (CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

# Spreadsheet programs run cells that start with these as formulas.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _cell(value: object) -> object:
    # Numbers stay numbers so a matrix can be summed in the spreadsheet; text is neutralised.
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    return safe_cell(value)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[object]], sheet: str = "Sheet") -> bytes:
    from openpyxl import Workbook  # imported late: only XLSX exports pay for it

    book = Workbook(write_only=True)
    ws = book.create_sheet(title=sheet[:31])
    ws.append([safe_cell(h) for h in header])
    for row in rows:
        ws.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_response(
    fmt: str, name: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    """A CSV or XLSX download; `fmt` is "csv" or "xlsx" (views check it first)."""
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx(header, list(rows), sheet=name), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
