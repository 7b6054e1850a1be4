"""What every parser shares while reading one file: its name, limits, warnings and progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields

from retroduce.sources.records import ImportFailure, RecordData

from .limits import Limits, describe_size

Reporter = Callable[[int, int, str], None]

# RecordData fields that hold text a user supplied; the size limit applies to each of them.
_TEXT_FIELDS = tuple(
    f.name
    for f in fields(RecordData)
    if f.name not in ("authors", "keywords", "extra", "raw", "line")
)


class ImporterFault(ImportFailure):
    """An unexpected error inside an importer, turned into an ImportFailure for the user.

    Callers see an ordinary ImportFailure; tests use this subclass to tell a bug from a refusal.
    """


class Progress:
    """Calls `report(done, total, message)` about every 1% of `total`, so it stays cheap."""

    __slots__ = ("report", "total", "message", "step", "next_at")

    def __init__(self, report: Reporter | None, total: int, message: str) -> None:
        self.report = report
        self.total = max(total, 1)
        self.message = message
        self.step = max(self.total // 100, 1)
        self.next_at = self.step if report else 1 << 62

    def tick(self, done: int) -> None:
        if done >= self.next_at:
            self.next_at = done + self.step
            self.report(min(done, self.total), self.total, self.message)  # type: ignore[misc]

    def finish(self, message: str) -> None:
        if self.report:
            self.report(self.total, self.total, message)


@dataclass
class Context:
    file: str
    limits: Limits
    report: Reporter | None = None
    mapping: dict[str, str] | None = None
    warnings: list[str] = field(default_factory=list)

    def fail(self, line: int | None, reason: str) -> ImportFailure:
        """The exception to raise; `line` is 1-based, or None where the format has no lines."""
        return ImportFailure(self.file, line or None, reason)

    def progress(self, total: int, message: str) -> Progress:
        return Progress(self.report, total, message)

    def check_count(self, count: int, line: int | None = None) -> None:
        if count > self.limits.max_records:
            raise self.fail(
                line,
                f"the file holds more than {self.limits.max_records:,} records, the most one "
                "import accepts; split it into smaller files",
            )

    def check_record(self, rec: RecordData, what: str | None = None) -> None:
        """Refuse a record with any value over the field-size limit.

        Cheap in the common case: a record whose whole source text fits in the limit cannot
        hold an oversized field, so only large records are examined value by value.
        """
        limit = self.limits.max_field_chars
        if len(rec.raw) <= limit:
            return
        for name in _TEXT_FIELDS:
            if len(getattr(rec, name)) > limit:
                raise self._too_long(rec, name, what)
        for name in ("authors", "keywords"):
            if any(len(v) > limit for v in getattr(rec, name)):
                raise self._too_long(rec, name, what)
        for key, values in rec.extra.items():
            if any(len(v) > limit for v in values):
                raise self._too_long(rec, key, what)

    def too_long(self, line: int | None, field_name: str, where: str) -> ImportFailure:
        size = describe_size(self.limits.max_field_chars)
        return self.fail(
            line,
            f"the field '{field_name}' of {where} is longer than {size}, the most one field may "
            "hold; the file may be damaged",
        )

    def _too_long(self, rec: RecordData, name: str, what: str | None) -> ImportFailure:
        where = what or (f"the record that starts on line {rec.line}" if rec.line else "a record")
        return self.too_long(rec.line or None, name, where)
