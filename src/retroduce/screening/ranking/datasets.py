"""Labelled screening datasets for simulation: CSV, RIS with labels, or OpenAlex JSONL.gz.

    dataset = read_labelled(path)   # -> LabelledSet(name, texts, labels)

Accepted inputs:
- CSV (`.csv`, `.tsv`): a header row with `label_included` and at least one of `title` and
  `abstract` (names matched case-insensitively, other columns ignored).
- RIS (`.ris`, `.txt`), read by Retroduce's importer: the label comes from a tag `LB`,
  `label_included`, `included` or `label` (case-insensitive), or from an `N1` note
  `ASReview_relevant` / `ASReview_irrelevant` as ASReview exports them.
- `.jsonl` or `.jsonl.gz`, one OpenAlex work a line (as SYNERGY ships them): `title`,
  `abstract_inverted_index`, `label_included`. The abstract is rebuilt in memory only; SYNERGY's
  maintainers ask that plaintext abstracts are never republished, so nothing is written to disk.

Label values: 1/0 (also "1.0"), included/excluded, relevant/irrelevant, yes/no, true/false,
include/exclude. The text of a record is "title\\nabstract", as the web app builds it.
Anything else raises DatasetError naming the file and the line.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

_TRUE = {"1", "1.0", "included", "include", "relevant", "yes", "true", "y"}
_FALSE = {"0", "0.0", "excluded", "exclude", "irrelevant", "no", "false", "n"}
_RIS_LABEL_TAGS = ("lb", "label_included", "included", "label")


class DatasetError(ValueError):
    """A dataset that cannot be simulated on; the message names the file and the line."""

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        self.file = file
        self.line = line
        self.reason = reason
        where = f"{file}, line {line}" if line else file
        super().__init__(f"{where}: {reason}")


@dataclass
class LabelledSet:
    name: str
    texts: list[str]
    labels: list[int]


def parse_label(value: object) -> int | None:
    """1, 0, or None when the value is not a label we know."""
    text = str(value).strip().lower()
    if text in _TRUE:
        return 1
    if text in _FALSE:
        return 0
    return None


def rebuild_abstract(inverted: Mapping[str, list[int]] | None) -> str:
    """OpenAlex `abstract_inverted_index` back to text: sort (position, word), join with spaces."""
    if not inverted:
        return ""
    pairs = sorted(
        (position, word) for word, positions in inverted.items() for position in positions
    )
    return " ".join(word for _, word in pairs)


def _text(title: object, abstract: object) -> str:
    return f"{title or ''}\n{abstract or ''}"


def _check_classes(name: str, labels: list[int]) -> None:
    if not labels:
        raise DatasetError(name, None, "the file holds no records")
    if 1 not in labels:
        raise DatasetError(name, None, "no record is labelled included (1): nothing to find")
    if 0 not in labels:
        raise DatasetError(name, None, "no record is labelled excluded (0): nothing to rank")


def _read_csv(name: str, data: bytes) -> LabelledSet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DatasetError(name, line, "is not UTF-8 text") from None
    delimiter = "\t" if name.lower().endswith(".tsv") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise DatasetError(name, 1, "the file is empty") from None
    except csv.Error as exc:
        raise DatasetError(name, 1, f"broken CSV ({exc})") from None
    columns = {column.strip().lower(): i for i, column in enumerate(header)}
    if "label_included" not in columns:
        raise DatasetError(name, 1, "missing column label_included")
    if "title" not in columns and "abstract" not in columns:
        raise DatasetError(name, 1, "missing columns title and abstract (need at least one)")
    title_at, abstract_at = columns.get("title"), columns.get("abstract")
    label_at = columns["label_included"]
    texts: list[str] = []
    labels: list[int] = []
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            cell = row[label_at] if label_at < len(row) else ""
            label = parse_label(cell)
            if label is None:
                raise DatasetError(name, line, f"label_included is {cell!r}, not 1 or 0")
            title = row[title_at] if title_at is not None and title_at < len(row) else ""
            abstract = (
                row[abstract_at] if abstract_at is not None and abstract_at < len(row) else ""
            )
            texts.append(_text(title, abstract))
            labels.append(label)
    except csv.Error as exc:
        raise DatasetError(name, line + 1, f"broken CSV ({exc})") from None
    _check_classes(name, labels)
    return LabelledSet(name, texts, labels)


def _ris_label(extra: Mapping[str, list[str]]) -> int | None:
    lowered = {key.lower(): values for key, values in extra.items()}
    for tag in _RIS_LABEL_TAGS:
        for value in lowered.get(tag, []):
            label = parse_label(value)
            if label is not None:
                return label
    for note in lowered.get("n1", []):
        if "asreview_relevant" in note.lower():
            return 1
        if "asreview_irrelevant" in note.lower():
            return 0
    return None


def _read_ris(name: str, data: bytes) -> LabelledSet:
    from retroduce.sources.importers import parse_file
    from retroduce.sources.records import ImportFailure

    try:
        parsed = parse_file(name, data)
    except ImportFailure as exc:
        raise DatasetError(name, exc.line, exc.reason) from None
    texts: list[str] = []
    labels: list[int] = []
    for record in parsed.records:
        label = _ris_label(record.extra)
        if label is None:
            raise DatasetError(
                name, record.line or None, "record has no label (LB tag with 1 or 0 expected)"
            )
        texts.append(_text(record.title, record.abstract))
        labels.append(label)
    _check_classes(name, labels)
    return LabelledSet(name, texts, labels)


def _jsonl_lines(name: str, data: bytes) -> Iterator[tuple[int, bytes]]:
    if name.lower().endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise DatasetError(name, None, f"broken gzip file ({exc})") from None
    for number, line in enumerate(data.splitlines(), start=1):
        if line.strip():
            yield number, line


def _read_jsonl(name: str, data: bytes) -> LabelledSet:
    texts: list[str] = []
    labels: list[int] = []
    for number, line in _jsonl_lines(name, data):
        try:
            work = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise DatasetError(name, number, f"broken JSON ({exc})") from None
        if not isinstance(work, dict):
            raise DatasetError(name, number, "each line must be a JSON object")
        if "label_included" not in work:
            raise DatasetError(name, number, "missing field label_included")
        label = parse_label(work["label_included"])
        if label is None:
            raise DatasetError(
                name, number, f"label_included is {work['label_included']!r}, not 1 or 0"
            )
        inverted = work.get("abstract_inverted_index")
        if inverted is not None and not isinstance(inverted, dict):
            raise DatasetError(name, number, "abstract_inverted_index must be an object")
        try:
            abstract = rebuild_abstract(inverted) if inverted else work.get("abstract") or ""
        except (TypeError, ValueError):
            raise DatasetError(name, number, "abstract_inverted_index is malformed") from None
        texts.append(_text(work.get("title"), abstract))
        labels.append(label)
    _check_classes(name, labels)
    return LabelledSet(name, texts, labels)


def read_labelled(path: Path | str) -> LabelledSet:
    """Read a labelled dataset; raises DatasetError naming the file and the line."""
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DatasetError(name, None, f"cannot be read ({exc.strerror or exc})") from None
    lowered = name.lower()
    if lowered.endswith((".jsonl.gz", ".jsonl", ".json.gz", ".ndjson")):
        return _read_jsonl(name, data)
    if lowered.endswith((".csv", ".tsv")):
        return _read_csv(name, data)
    if lowered.endswith((".ris", ".txt")):
        return _read_ris(name, data)
    raise DatasetError(name, None, "unknown format: use .csv, .tsv, .ris or .jsonl.gz")
