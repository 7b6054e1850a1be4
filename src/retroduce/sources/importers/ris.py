"""RIS, as written by Ovid, EBSCO/CINAHL, Scopus, Web of Science, Embase, Zotero and EndNote.

A record runs from "TY  - " to "ER  - ". Each line is a two-character tag, two spaces, a hyphen,
a space and the value (RIS specification, 2011); lines without a tag continue the previous
value. Some exporters write "TY - " with one space, so a looser separator is accepted for tags
the specification defines.

Speed matters here (bench/import_ris.py measures 100,000 records against rispy): the file is cut
into records on its UTF-8 bytes (bytes.find on "\\nER") and each record is decoded on its own, so
neither the whole decoded text nor a list of every line of the file is ever held; the decoded
record is its `raw` text. One findall in C yields a well-formed record's (tag, value) pairs;
only records with continuation lines or loose separators are read line by line.
"""

from __future__ import annotations

import re

from retroduce.sources.records import RecordData

from .context import Context
from .ris_fields import build_record

# Tags defined by the RIS specification or written by the major exporters. Only these are
# recognised with a non-standard separator, so that abstract text such as "CI - the interval"
# on a continuation line is not mistaken for a tag.
RIS_TAGS = frozenset(
    "TY A1 A2 A3 A4 AB AD AN AU AV BT C1 C2 C3 C4 C5 C6 C7 C8 CA CN CP CT CY DA DB DO DP ED EP "
    "ER ET FN ID IS J1 J2 JA JF JO KW L1 L2 L3 L4 LA LB LK M1 M2 M3 N1 N2 NV OP PB PP PY RI RN "
    "RP SE SN SP ST T1 T2 T3 TA TI TT U1 U2 U3 U4 U5 UR VL VO Y1 Y2".split()
)
_LOOSE_TAG = re.compile(r"([A-Z][A-Z0-9]) {1,3}-(?: +(.*)|$)")
# A well-formed line. The value keeps trailing spaces, which the caller trims: a pattern that
# trims them itself costs a third more time on long abstracts.
_STRICT_LINE = re.compile(r"^([A-Z][A-Z0-9])  - *(.*)$", re.MULTILINE)

# Continuation lines of these tags are paragraphs (EndNote keeps the abstract's line breaks);
# of any other tag they are a long value wrapped by the exporter.
_PARAGRAPH_TAGS = ("AB", "N2", "N1")
_SPACE = frozenset(" \t\x0b\x0c\xa0")


def tag_of(line: str) -> tuple[str, str] | None:
    """(tag, value) for a tag line, None for a continuation, blank or stray line."""
    if line[2:5] == "  -":
        tag = line[:2]
        if tag.isupper() and tag.isalnum():
            return tag, line[5:].strip()
    if "-" in line[2:6]:
        match = _LOOSE_TAG.match(line)
        if match and match.group(1) in RIS_TAGS:
            return match.group(1), (match.group(2) or "").strip()
    return None


def _next_end(buf: bytes, pos: int, size: int) -> tuple[int, int]:
    """(start, end) offsets of the next 'ER' line at or after `pos`, or (-1, -1)."""
    if buf.startswith(b"ER", pos):
        start = pos
    else:
        start = buf.find(b"\nER", pos, size)
        if start < 0:
            return -1, -1
        start += 1
    while True:
        end = buf.find(b"\n", start, size)
        if end < 0:
            end = size
        if buf.startswith(b"ER  -", start):
            return start, end  # the usual "ER  - " line, without the general check
        found = tag_of(buf[start:end].decode("utf-8", "replace"))
        if found is not None and found[0] == "ER":
            return start, end
        nxt = buf.find(b"\nER", end - 1, size)
        if nxt < 0:
            return -1, -1
        start = nxt + 1


def parse_ris(ctx: Context, buf: bytes, offset: int = 0) -> list[RecordData]:
    """Every record in `buf`, the file as UTF-8 bytes from `offset` (after any BOM).

    The file is cut into records on the bytes, where finding "\nER" and counting lines is
    much faster than on a str holding non-ASCII text, and each record is decoded on its own.
    """
    if buf.find(b"\r", offset) >= 0:
        buf, offset = buf[offset:].replace(b"\r\n", b"\n").replace(b"\r", b"\n"), 0
    size = len(buf)
    while size > offset and buf[size - 1] == 0x1A:  # DOS end-of-file mark (old exporters)
        size -= 1
    progress = ctx.progress(size, "Reading RIS records")
    records: list[RecordData] = []
    append = records.append
    limit = ctx.limits.max_field_chars
    ignored: list[int] = []
    pos = offset
    line_no = 1  # line number of buf[pos]
    while pos < size:
        while buf.startswith(b"\n", pos):  # blank lines between records, skipped cheaply
            pos += 1
            line_no += 1
        if pos >= size:
            break
        er_start, er_end = _next_end(buf, pos, size)
        if er_start < 0:
            _check_tail(ctx, buf[pos:size].decode("utf-8"), line_no, ignored)
            break
        chunk = buf[pos:er_end].decode("utf-8")  # cut at line ends, so never inside a character
        if chunk.startswith("TY  - "):
            raw, start_line = chunk, line_no
            newlines = buf.count(b"\n", pos, er_end)
        else:
            raw, start_line = _locate_start(ctx, chunk, line_no, ignored)
            newlines = raw.count("\n")
        if len(raw) > limit:
            _check_long_fields(ctx, raw.split("\n"), start_line)
        # Fast path: when every line of the record is a well-formed "XX  - value" line, one
        # findall in C yields all (tag, value) pairs. Otherwise (continuation lines, blank
        # lines, loose separators) the record is read line by line.
        pairs = _STRICT_LINE.findall(raw)
        if len(pairs) == newlines + 1:
            fields: dict[str, list[str]] = {}
            setdefault = fields.setdefault
            # Trailing spaces are rare apart from the final "ER  - " (not followed by "\n").
            if buf.find(b" \n", pos, er_end) < 0 and buf.find(b"\t\n", pos, er_end) < 0:
                for tag, value in pairs:
                    setdefault(tag, []).append(value)
            else:
                for tag, value in pairs:
                    setdefault(tag, []).append(value.rstrip())
            del fields["ER"]
            if len(fields["TY"]) > 1:
                _fields(ctx, raw.split("\n"), 0, start_line)  # raises, naming the line
        else:
            fields = _fields(ctx, raw.split("\n"), 0, start_line)
        append(build_record(fields, raw, start_line))
        if not len(records) % 1000:
            ctx.check_count(len(records), start_line)
            progress.tick(er_end)
        line_no = start_line + newlines + 1  # the line after the record's ER line
        pos = er_end + 1
    ctx.check_count(len(records))
    if ignored:
        ctx.warnings.append(
            f"Ignored {len(ignored)} line(s) of text outside any record (the first on line "
            f"{ignored[0]}), such as an export header."
        )
    progress.finish(f"Read {len(records):,} RIS records")
    return records


def _locate_start(ctx: Context, chunk: str, line_no: int, ignored: list[int]) -> tuple[str, int]:
    """The record's text from its TY line, after any blank lines or stray text before it."""
    offset = 0
    for k, line in enumerate(chunk.split("\n")):
        found = tag_of(line)
        if found is None:
            if line.strip():
                ignored.append(line_no + k)
            offset += len(line) + 1
            continue
        if found[0] == "TY":
            return chunk[offset:], line_no + k
        if found[0] == "ER":
            raise ctx.fail(
                line_no + k,
                "an 'ER  -' end tag without a record before it; the file may be damaged or "
                "two files may have been joined badly",
            )
        raise ctx.fail(
            line_no + k,
            f"the '{found[0]}' line is outside any record (records start with 'TY  -' and "
            "end with 'ER  -'); the file may be damaged",
        )
    raise AssertionError("a chunk always ends with its ER line")  # pragma: no cover


def _fields(ctx: Context, lines: list[str], first: int, start_line: int) -> dict[str, list[str]]:
    """Tag -> values for the record whose TY line is lines[first] and ER line is the last."""
    opening = tag_of(lines[first])
    last = [opening[1] if opening else ""]
    fields: dict[str, list[str]] = {"TY": last}
    get = fields.get
    for line in lines[first + 1 : -1]:
        # The common line is exactly "XX  - value": slice instead of matching a pattern.
        if line[2:6] == "  - " and (tag := line[:2]).isupper():
            value = line[6:]
            if value[-1:] in _SPACE or value[:1] in _SPACE:
                value = value.strip()
        elif "-" in line[2:6] and (found_tag := tag_of(line)) is not None:
            tag, value = found_tag
        else:
            stripped = line.strip()
            if stripped:
                if not last[-1]:
                    last[-1] = stripped
                else:
                    paragraph = any(last is get(t) for t in _PARAGRAPH_TAGS)
                    last[-1] += ("\n" if paragraph else " ") + stripped
            continue
        if tag == "TY":
            raise ctx.fail(
                start_line + _index_of_tag(lines[first + 1 :], "TY") + 1,
                f"a new record starts here, but the record that starts on line {start_line} "
                "has no 'ER  -' end tag; the file may be damaged",
            )
        found = get(tag)
        if found is None:
            fields[tag] = last = [value]
        else:
            found.append(value)
            last = found
    return fields


def _index_of_tag(lines: list[str], tag: str) -> int:
    for k, line in enumerate(lines):
        found = tag_of(line)
        if found is not None and found[0] == tag:
            return k
    return 0


def _check_tail(ctx: Context, tail: str, line_no: int, ignored: list[int]) -> None:
    """After the last 'ER' line: only blank lines or stray text may follow."""
    lines = tail.split("\n")
    for k, line in enumerate(lines):
        found = tag_of(line)
        if found is None:
            if line.strip():
                ignored.append(line_no + k)
            continue
        if found[0] == "TY":
            last = max((j for j, other in enumerate(lines) if other.strip()), default=k)
            raise ctx.fail(
                line_no + last,
                f"the record that starts on line {line_no + k} has no 'ER  -' end tag; "
                "the file may be truncated",
            )
        raise ctx.fail(
            line_no + k,
            f"the '{found[0]}' line is outside any record (records start with 'TY  -' and end "
            "with 'ER  -'); the file may be damaged",
        )


def _check_long_fields(ctx: Context, lines: list[str], start_line: int) -> None:
    """Find the first value over the size limit in a large record and name its line."""
    limit = ctx.limits.max_field_chars
    tag, size, tag_line = "", 0, 0
    for k, line in enumerate(lines):
        found = tag_of(line)
        if found is not None:
            tag, size, tag_line = found[0], len(found[1]), k
        else:
            size += len(line) + 1
        if size > limit:
            raise ctx.too_long(
                start_line + tag_line, tag, f"the record that starts on line {start_line}"
            )
