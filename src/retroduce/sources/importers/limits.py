"""The limits every importer enforces, in one place so tests can pass small ones."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds that turn hostile or absurd input into a clean refusal instead of a stuck worker.

    The defaults are far above any real export (a 100,000-record RIS file is about 200 MiB) but
    low enough that one upload cannot exhaust a small server.
    """

    max_file_bytes: int = 512 * MIB  # the uploaded file as stored
    max_field_chars: int = 1 * MIB  # any single value: a title, an abstract, one author…
    max_records: int = 2_000_000  # records in one file
    max_unzipped_bytes: int = 1024 * MIB  # XLSX: the sum of the uncompressed parts
    max_zip_ratio: int = 100  # XLSX: uncompressed/compressed size of any large part
    max_zip_members: int = 10_000  # XLSX: parts in the archive
    max_depth: int = 64  # nesting of XML elements or JSON arrays/objects


DEFAULT_LIMITS = Limits()


def describe_size(n: int) -> str:
    """A size in words a reviewer reads easily ("1 MiB", "512 KiB", "300 bytes")."""
    if n >= MIB and n % MIB == 0:
        return f"{n // MIB} MiB"
    if n >= MIB:
        return f"{n / MIB:.1f} MiB"
    if n >= 1024:
        return f"{n // 1024} KiB"
    return f"{n} bytes"
