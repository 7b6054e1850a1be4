"""XLSX reference lists, read with openpyxl only after the archive passed our own checks.

An XLSX file is a zip of XML parts. Before openpyxl sees it, the archive must unpack to a
bounded size with a sane compression ratio (no zip bomb), and every XML part must pass
defusedxml with DTDs forbidden (no entity expansion or external entities). openpyxl then reads
it in read-only mode (and itself parses through defusedxml when that is installed, as here).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from retroduce.sources.records import ImportFailure, RecordData

from .context import Context
from .headers import ColumnPlan, plan_columns, row_record
from .limits import MIB, describe_size

_XML_SUFFIXES = (".xml", ".rels", ".vml")


class _Discard:
    """A parser target that keeps nothing: the scan only checks that the XML is safe."""

    def close(self) -> None:
        return None


def open_archive(ctx: Context, data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    # NotImplementedError: a zip from a future version (a damaged "version needed" field).
    except (zipfile.BadZipFile, zlib.error, ValueError, EOFError, OSError, NotImplementedError):
        raise ctx.fail(None, "the file is a damaged zip archive and cannot be opened") from None


def is_workbook(archive: zipfile.ZipFile) -> bool:
    return "xl/workbook.xml" in archive.namelist()


def what_archive(archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "word/document.xml" in names:
        return "a Word document, not a reference list"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint file, not a reference list"
    if "content.xml" in names:
        return "an OpenDocument file; save it as .xlsx or CSV"
    return "a zip archive, not an Excel workbook; unpack it and import the files inside"


def check_archive(ctx: Context, archive: zipfile.ZipFile) -> None:
    """Refuse zip bombs and unsafe XML before any XML library expands the parts."""
    limits = ctx.limits
    infos = archive.infolist()
    if len(infos) > limits.max_zip_members:
        raise ctx.fail(None, f"the workbook holds {len(infos):,} parts, far more than a real one")
    total = sum(info.file_size for info in infos)
    if total > limits.max_unzipped_bytes:
        raise ctx.fail(
            None,
            f"the workbook would unpack to {describe_size(total)}, over the limit of "
            f"{describe_size(limits.max_unzipped_bytes)}",
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise ctx.fail(None, "the workbook is password-protected; save an unprotected copy")
        # Real sheets compress about 5-30 times; a part that shrank 100 times or more is the
        # signature of a zip bomb. Small parts are exempt: their ratio means nothing.
        if info.file_size > MIB and info.file_size > limits.max_zip_ratio * max(
            info.compress_size, 1
        ):
            raise ctx.fail(
                None,
                f"the workbook part '{info.filename}' is compressed "
                f"{info.file_size // max(info.compress_size, 1):,} times, the signature of a "
                "'zip bomb'; refused for safety",
            )
    for info in infos:
        if info.filename.lower().endswith(_XML_SUFFIXES):
            _scan_part(ctx, archive, info)


def _scan_part(ctx: Context, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    parser = DefusedXMLParser(target=_Discard(), forbid_dtd=True)
    try:
        with archive.open(info) as part:
            while chunk := part.read(MIB):
                parser.feed(chunk)
        parser.close()
    except DefusedXmlException:
        raise ctx.fail(
            None,
            f"the workbook part '{info.filename}' declares a DTD or XML entities, which can "
            "hide an 'XML bomb'; refused for safety",
        ) from None
    except (ParseError, LookupError):  # LookupError: an unknown encoding= declared
        raise ctx.fail(
            None, f"the workbook part '{info.filename}' is not well-formed XML; it is damaged"
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError):
        raise ctx.fail(
            None, f"the workbook part '{info.filename}' cannot be unpacked; the file is damaged"
        ) from None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 2019 as 2019.0
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def parse_xlsx(ctx: Context, data: bytes) -> list[RecordData]:
    archive = open_archive(ctx, data)
    with archive:
        check_archive(ctx, archive)
    import openpyxl  # imported late: only XLSX uploads pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for damaged files
        raise ctx.fail(
            None, f"the workbook cannot be opened ({type(exc).__name__}); it may be damaged"
        ) from None
    try:
        return _read_sheet(ctx, workbook)
    except ImportFailure:
        raise
    except Exception as exc:  # noqa: BLE001 - damaged sheets fail deep inside openpyxl
        raise ctx.fail(
            None, f"the workbook cannot be read ({type(exc).__name__}); it may be damaged"
        ) from None
    finally:
        workbook.close()


def _read_sheet(ctx: Context, workbook: object) -> list[RecordData]:
    sheets = workbook.worksheets  # type: ignore[attr-defined]
    if not sheets:
        raise ctx.fail(None, "the workbook has no worksheet")
    sheet = sheets[0]
    if len(sheets) > 1:
        ctx.warnings.append(f"Only the first worksheet, '{sheet.title}', was read.")
    progress = ctx.progress(sheet.max_row or 1, "Reading rows")
    plan: ColumnPlan | None = None
    records: list[RecordData] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        row = [_cell(v) for v in values]
        if not any(c.strip() for c in row):
            continue
        if plan is None:
            plan = plan_columns(ctx, row, ctx.mapping)
            continue
        raw = "\t".join(row).rstrip("\t")
        rec = row_record(plan, row, raw, number)
        ctx.check_record(rec, f"row {number}")
        records.append(rec)
        if not len(records) % 1000:
            ctx.check_count(len(records), number)
            progress.tick(number)
    if plan is None:
        raise ctx.fail(None, "the workbook's first sheet is empty")
    ctx.check_count(len(records))
    progress.finish(f"Read {len(records):,} rows")
    return records
