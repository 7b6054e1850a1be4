"""MEDLINE/PubMed tagged text (.nbib, or .txt from PubMed's "Save" as "PubMed" format).

Each line is a tag left-justified in four characters, "- " and the value ("PMID- 31234567",
"TI  - A title"); continuation lines are indented by six spaces. A record starts at "PMID-" and
records are separated by blank lines (NLM, "MEDLINE/PubMed Data Element (Field) Descriptions").
"""

from __future__ import annotations

from retroduce.sources.records import RecordData

from . import normalise
from .context import Context
from .lines import split_lines
from .types import from_labels


def _tag_of(line: str) -> str | None:
    if len(line) >= 5 and line[4] == "-" and line[5:6] in (" ", ""):
        tag = line[:4].rstrip()
        if tag and tag.isalnum() and tag.isupper() and " " not in tag:
            return tag
    return None


def parse_medline(ctx: Context, text: str) -> list[RecordData]:
    lines = split_lines(text)
    total = len(lines)
    progress = ctx.progress(total, "Reading MEDLINE records")
    records: list[RecordData] = []
    fields: dict[str, list[str]] | None = None
    last: list[str] = []
    start = 0
    end = 0  # index of the record's last non-blank line
    ignored: list[int] = []

    def close() -> None:
        assert fields is not None
        raw = "\n".join(lines[start : end + 1])
        rec = _record(fields, raw, start + 1)
        ctx.check_record(rec)
        records.append(rec)
        if not len(records) % 1000:
            ctx.check_count(len(records), start + 1)
            progress.tick(start)

    for i in range(total):
        line = lines[i]
        tag = _tag_of(line)
        if tag is None:
            stripped = line.strip()
            if not stripped:
                continue
            if fields is None:
                ignored.append(i + 1)
                continue
            # Continuation lines are indented by six spaces; other text inside a record is
            # kept as a continuation too rather than dropped.
            last[-1] = f"{last[-1]} {stripped}" if last[-1] else stripped
            end = i
            continue
        value = line[6:].strip()
        if tag == "PMID":
            if fields is not None:
                close()
            fields = {"PMID": [value]}
            last = fields["PMID"]
            start = end = i
            continue
        if fields is None:
            raise ctx.fail(
                i + 1,
                f"the '{tag}' line is outside any record (each MEDLINE record starts with "
                "'PMID- '); the file may be damaged",
            )
        found = fields.get(tag)
        if found is None:
            fields[tag] = last = [value]
        else:
            found.append(value)
            last = found
        end = i
    if fields is not None:
        close()
    ctx.check_count(len(records))
    if ignored:
        ctx.warnings.append(
            f"Ignored {len(ignored)} line(s) of text outside any record (the first on line "
            f"{ignored[0]})."
        )
    progress.finish(f"Read {len(records):,} MEDLINE records")
    return records


def _pop(fields: dict[str, list[str]], tag: str) -> list[str]:
    return [v for v in fields.pop(tag, ()) if v]


def _first(fields: dict[str, list[str]], *tags: str) -> str:
    for tag in tags:
        values = _pop(fields, tag)
        if values:
            if len(values) > 1:
                fields[tag] = values[1:]
            return values[0]
    return ""


def _record(fields: dict[str, list[str]], raw: str, line: int) -> RecordData:
    pmid = _first(fields, "PMID")
    # FAU holds "Family, Given Initial"; AU only "Family Initials". Group authors are in CN.
    full = _pop(fields, "FAU")
    short = _pop(fields, "AU")
    if full:
        authors = full
        if short:
            fields["AU"] = short
    else:
        authors = [normalise.family_initials(a) for a in short]
    authors += _pop(fields, "CN")

    # The DOI sits among the article identifiers as "10.1186/… [doi]" in LID and AID.
    doi = ""
    for tag in ("LID", "AID"):
        values = fields.get(tag, [])
        kept = []
        for value in values:
            if value.endswith("[doi]"):
                doi = doi or normalise.doi(value)
            else:
                kept.append(value)
        if kept:
            fields[tag] = kept
        elif tag in fields:
            del fields[tag]

    issns, isbns, _ = normalise.issn_isbn(_pop(fields, "IS"))
    labels = _pop(fields, "PT")
    kind = from_labels(labels, default="article")
    if labels:
        fields["PT"] = labels  # the publication types stay visible (Review, RCT…) for screening
    title = _first(fields, "TI") or _first(fields, "BTI")
    date = _first(fields, "DP")
    return RecordData(
        title=title,
        authors=authors,
        year=normalise.year(date) if date else "",
        journal=_first(fields, "JT", "TA", "BTI"),
        volume=_first(fields, "VI"),
        number=_first(fields, "IP"),
        pages=normalise.expand_medline_pages(_first(fields, "PG")),
        doi=doi,
        abstract=_first(fields, "AB"),
        keywords=_pop(fields, "OT") + _pop(fields, "MH"),
        item_type=kind,
        issn="; ".join(dict.fromkeys(issns)),
        isbn="; ".join(dict.fromkeys(isbns + _pop(fields, "ISBN"))),
        publisher=_first(fields, "PB"),
        language=_first(fields, "LA"),
        pmid=pmid,
        database="PubMed",
        accession=pmid,
        extra=fields,
        raw=raw,
        line=line,
    )
