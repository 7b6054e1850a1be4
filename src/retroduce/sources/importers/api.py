"""parse_file: bytes in, every record out, or an ImportFailure that says why."""

from __future__ import annotations

import gc
import re

from retroduce.sources.records import ImportFailure, ParseResult, RecordData

from .bibtex import parse_bibtex
from .context import Context, ImporterFault, Reporter
from .csl_json import parse_csl_json
from .detect import HEAD, detect_text
from .encoding import ZIP_MAGIC, check_head, decode, refuse_known_binary, utf8_candidate
from .endnote_xml import parse_endnote_xml
from .limits import DEFAULT_LIMITS, Limits, describe_size
from .medline import parse_medline
from .pubmed_xml import parse_pubmed_xml
from .ris import parse_ris
from .tabular import parse_delimited
from .xlsx import is_workbook, open_archive, parse_xlsx, what_archive

_CONTENT = re.compile(rb"[^ \t\r\n\x1a]")
_NAMES = {
    "ris": "RIS",
    "nbib": "MEDLINE",
    "pubmed-xml": "PubMed XML",
    "bibtex": "BibTeX",
    "endnote-xml": "EndNote XML",
    "csv": "CSV",
    "tsv": "tab-delimited",
    "xlsx": "Excel",
    "csl-json": "CSL-JSON",
}


def parse_file(
    name: str,
    data: bytes,
    *,
    mapping: dict[str, str] | None = None,
    report: Reporter | None = None,
    limits: Limits | None = None,
) -> ParseResult:
    """Every record of the file, or ImportFailure naming the file, the line and the reason.

    `mapping` maps our field names (title, authors, year, journal, doi…, plus page_start and
    page_end) to the file's column headers, for CSV, TSV and XLSX. `report(done, total,
    message)` is called about every 1% of the work and once at the end.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"parse_file needs bytes, not {type(data).__name__}")
    ctx = Context(file=name, limits=limits or DEFAULT_LIMITS, report=report, mapping=mapping)
    # Parsing creates millions of small lists and dicts that all stay alive until the end, so
    # the cyclic garbage collector would repeatedly scan them for nothing (it found no cycles;
    # pausing it makes a 100,000-record RIS import about a quarter faster). It is restored
    # afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse(ctx, bytes(data))
    except ImportFailure:
        raise
    except RecursionError:
        raise ImportFailure(name, None, "the file is nested far too deeply to read") from None
    except MemoryError:
        raise ImportFailure(
            name, None, "the file is too large to read with the memory available"
        ) from None
    except Exception as exc:  # noqa: BLE001 - a bug must still reach the user as a clean refusal
        raise ImporterFault(
            name,
            None,
            "the file could not be read because of a fault in Retroduce's importer "
            f"({type(exc).__name__}: {exc}); please report it with the file",
        ) from exc
    finally:
        if collecting:
            gc.enable()


def _parse(ctx: Context, data: bytes) -> ParseResult:
    limits = ctx.limits
    if len(data) > limits.max_file_bytes:
        raise ctx.fail(
            None,
            f"the file is {describe_size(len(data))}, over the limit of "
            f"{describe_size(limits.max_file_bytes)}; split it into smaller files",
        )
    # A search rather than data.strip(), which would copy the whole upload.
    if not _CONTENT.search(data) or data in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        raise ctx.fail(None, "the file is empty")

    if data.startswith(ZIP_MAGIC):
        with open_archive(ctx, data) as archive:
            if not is_workbook(archive):
                raise ctx.fail(None, f"this is {what_archive(archive)}")
        fmt, encoding = "xlsx", "utf-8"
        records = parse_xlsx(ctx, data)
    else:
        refuse_known_binary(ctx, data)
        fast = _parse_ris_utf8(ctx, data)
        if fast is not None:
            fmt, encoding, records = "ris", *fast
        else:
            fmt, encoding, records = _parse_text(ctx, data)

    if not records:
        raise ctx.fail(None, f"no references were found in this {_NAMES[fmt]} file")
    return ParseResult(
        file=ctx.file, format=fmt, encoding=encoding, records=records, warnings=ctx.warnings
    )


def _parse_ris_utf8(ctx: Context, data: bytes) -> tuple[str, list[RecordData]] | None:
    """RIS in UTF-8, read without decoding the whole file first (the common case, and the one
    measured against rispy): memory stays near the file's size plus its records. None when the
    file is not RIS or turns out not to be UTF-8; the general path then decides."""
    offset = utf8_candidate(data)
    if offset is None:
        return None
    head = data[offset : offset + HEAD].decode("utf-8", "ignore")
    try:
        if detect_text(ctx, head, ctx.mapping) != "ris":
            return None
    except ImportFailure:
        return None  # let the general path decide, with the file properly decoded
    check_head(ctx, head)
    try:
        records = parse_ris(ctx, data, offset)
    except UnicodeDecodeError:
        ctx.warnings.clear()  # read again as cp1252 or Latin-1 by the general path
        return None
    _warn_unused_mapping(ctx, "ris")
    return ("utf-8-sig" if offset else "utf-8"), records


def _warn_unused_mapping(ctx: Context, fmt: str) -> None:
    if ctx.mapping and fmt not in ("csv", "tsv"):
        ctx.warnings.append("The column mapping was ignored: it applies to CSV, TSV and XLSX.")


def _parse_text(ctx: Context, data: bytes) -> tuple[str, str, list[RecordData]]:
    text, encoding = decode(ctx, data)
    if not text.strip(" \t\r\n\ufeff\x1a"):
        raise ctx.fail(None, "the file is empty")
    fmt = detect_text(ctx, text, ctx.mapping)
    _warn_unused_mapping(ctx, fmt)
    if fmt == "ris":
        buf, offset = _utf8(text, data, encoding)
        del text  # the records are read from `buf`; the decoded copy is not needed
        return fmt, encoding, parse_ris(ctx, buf, offset)
    return fmt, encoding, _dispatch(ctx, fmt, text, data, encoding)


def _utf8(text: str, data: bytes, encoding: str) -> tuple[bytes, int]:
    """The file as UTF-8 bytes and where its text starts, reusing the upload when possible."""
    if encoding == "utf-8":
        return data, 0
    if encoding == "utf-8-sig":
        return data, 3
    return text.encode("utf-8"), 0


def _dispatch(ctx: Context, fmt: str, text: str, data: bytes, encoding: str) -> list[RecordData]:
    if fmt == "nbib":
        return parse_medline(ctx, text)
    if fmt == "bibtex":
        return parse_bibtex(ctx, text)
    if fmt == "csl-json":
        return parse_csl_json(ctx, text)
    if fmt == "pubmed-xml":
        return parse_pubmed_xml(ctx, text, data, encoding)
    if fmt == "endnote-xml":
        return parse_endnote_xml(ctx, text, data, encoding)
    return parse_delimited(ctx, text, fmt)
