"""The CSV contract: `retroduce dedup FILE.csv --out clusters.csv`.

Input: a bibliographic CSV with an ID column and any of title, author, year, journal, volume,
number, pages, doi, abstract, isbn, ENTRYTYPE (header names are matched case-insensitively; a few
common synonyms such as "issue" and "booktitle" are understood; every other column is ignored,
including any gold-standard labels). Output: `ID,cluster_id` for every input row, in input order;
rows that share a cluster_id were merged automatically as duplicates.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass, field
from pathlib import Path

from retroduce.sources.dedup.engine import Reporter, find_duplicates
from retroduce.sources.records import DedupRecord, DedupResult, ImportFailure

# Header name (lower-case) -> DedupRecord field. "booktitle" only fills an empty journal.
COLUMNS = {
    "id": "id",
    "title": "title",
    "author": "author",
    "authors": "author",
    "year": "year",
    "journal": "journal",
    "volume": "volume",
    "number": "number",
    "issue": "number",
    "pages": "pages",
    "doi": "doi",
    "abstract": "abstract",
    "isbn": "isbn",
    "entrytype": "entry_type",
    "entry_type": "entry_type",
    "type": "entry_type",
}
FALLBACKS = {"booktitle": "journal", "secondary_title": "journal", "journal_title": "journal"}


@dataclass
class DedupSummary:
    file: str
    records: int
    clusters: int  # distinct cluster ids written (works after merging)
    merged_groups: int  # clusters with two records or more
    duplicates_removed: int  # records - clusters
    candidates: int  # uncertain pairs left for a person to review
    seconds: float
    result: DedupResult = field(repr=False)

    @property
    def line(self) -> str:
        return (
            f"{self.records} records, {self.clusters} clusters, "
            f"{self.duplicates_removed} duplicates removed, "
            f"{self.candidates} pairs left for review, {self.seconds:.1f} s"
        )


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _encoding(name: str, data: bytes) -> str:
    """The encoding `data` decodes with (the text itself is decoded again as it is read)."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ImportFailure(
            name, _line_of(data, nul), "binary content (a NUL byte): not a CSV file"
        )
    try:
        data.decode("utf-8-sig")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        bad_line = _line_of(data, exc.start)
    # Older reference managers on Windows still write cp1252; anything else is not text we know.
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        raise ImportFailure(name, bad_line, "not UTF-8 or Windows-1252 text") from None


def _delimiter(first_line: str) -> str:
    # Spreadsheets in many locales export ";" or tab; pick whichever splits the header most.
    return max((",", ";", "\t"), key=first_line.count)


def read_records(path: Path) -> list[DedupRecord]:
    """Parse the CSV contract into records. Raises ImportFailure naming the file and line."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailure(name, None, f"cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise ImportFailure(name, None, "the file is empty")
    encoding = _encoding(name, data)
    # Decoded as it is read, not into one string first: a StringIO of a whole 100,000-record
    # export holds four bytes a character, gigabytes with abstracts.
    lines = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    first_line = data.split(b"\n", 1)[0].decode(encoding)
    # strict: a quote left open or text after a closing quote is an error, not a silent merge of
    # the rest of the file into one field.
    reader = csv.reader(lines, delimiter=_delimiter(first_line), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ImportFailure(name, 1, f"malformed CSV header ({exc})") from None
    columns = _map_header(name, header)
    records: list[DedupRecord] = []
    first_seen: dict[str, int] = {}
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            reason = str(exc)
            if "field larger than field limit" in reason:
                reason = f"a field is longer than {csv.field_size_limit()} characters"
            raise ImportFailure(name, start, f"malformed CSV: {reason}") from None
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise ImportFailure(name, start, f"{len(row)} fields, but the header has {len(header)}")
        values: dict[str, str] = {}
        for position, target in columns:
            if position < len(row) and target not in values:
                cell = row[position].strip()
                if cell:
                    values[target] = cell
        record_id = values.pop("id", "")
        if not record_id:
            raise ImportFailure(name, start, "the ID is empty")
        if record_id in first_seen:
            raise ImportFailure(
                name, start, f"duplicate ID '{record_id}' (first on line {first_seen[record_id]})"
            )
        first_seen[record_id] = start
        booktitle = values.pop("booktitle", "")
        if booktitle and not values.get("journal"):
            values["journal"] = booktitle
        records.append(DedupRecord(id=record_id, **values))
    return records


def _map_header(name: str, header: list[str]) -> list[tuple[int, str]]:
    """(column position, DedupRecord field) for the columns we use, primary names first."""
    lowered = [h.strip().lstrip("\ufeff").lower() for h in header]
    if "id" not in lowered:
        raise ImportFailure(name, 1, "no ID column in the header (expected ID, title, author, …)")
    mapped = [(i, COLUMNS[h]) for i, h in enumerate(lowered) if h in COLUMNS]
    mapped += [(i, "booktitle") for i, h in enumerate(lowered) if h in FALLBACKS]
    return mapped


def write_clusters(out: Path, ids: list[str], clusters: list[list[str]]) -> int:
    """Write `ID,cluster_id` for every id in order; returns the number of cluster ids used."""
    group_of: dict[str, int] = {}
    for number, group in enumerate(clusters):
        for record_id in group:
            group_of[record_id] = number
    labels: dict[object, str] = {}
    width = max(1, len(str(len(ids))))
    rows = []
    for record_id in ids:
        key: object = group_of.get(record_id, ("single", record_id))
        if key not in labels:
            labels[key] = f"c{len(labels) + 1:0{width}d}"
        rows.append((record_id, labels[key]))
    try:
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["ID", "cluster_id"])
            writer.writerows(rows)
    except OSError as exc:
        raise ImportFailure(str(out), None, f"cannot be written ({exc.strerror})") from None
    return len(labels)


def dedup_csv(src: Path, out: Path, *, report: Reporter | None = None) -> DedupSummary:
    """Deduplicate a CSV file and write its clusters. Raises ImportFailure for bad input."""
    started = time.perf_counter()
    src, out = Path(src), Path(out)
    if out.exists() and src.exists() and out.resolve() == src.resolve():
        raise ImportFailure(str(out), None, "the output would overwrite the input")
    records = read_records(src)
    result = find_duplicates(records, report=report)
    ids = [r.id for r in records]
    clusters = write_clusters(out, ids, result.clusters)
    return DedupSummary(
        file=str(src),
        records=len(ids),
        clusters=clusters,
        merged_groups=len(result.clusters),
        duplicates_removed=len(ids) - clusters,
        candidates=len(result.candidates),
        seconds=time.perf_counter() - started,
        result=result,
    )
