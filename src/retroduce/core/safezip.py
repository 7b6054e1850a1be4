"""Opening a zip we were handed (a .qdpx, a project archive) without trusting it.

A hostile archive is refused whole before anything is unpacked: too many members, a declared
size over the limits, a suspicious compression ratio, encryption, or a member name that could
escape a folder. Members are then read lazily, at most their declared size plus one byte, so a
header that lies about its size cannot make us inflate more than the limits allow.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

MIB = 1024 * 1024
GIB = 1024 * MIB

# Below this size a high ratio means nothing (a page of spaces compresses 500-fold); above it,
# real text compresses at most ~10x and PDFs 1.1-3x, so a 200-fold member is a zip bomb.
# Same rule as retroduce.sources.importers.xlsx.check_archive.
_RATIO_FLOOR_BYTES = MIB


class UnsafeArchive(Exception):
    """A zip that cannot be read safely; str(e) names the file and the reason."""


@dataclass(frozen=True)
class Limits:
    max_members: int = 10_000
    max_total_bytes: int = 2 * GIB  # REFI-QDA section 8.5 caps one internal file at 2^31-1 bytes
    max_ratio: int = 200
    max_member_bytes: int = 500 * MIB


def unsafe_path_reason(path: str) -> str | None:
    """Why a path inside the archive is unsafe, or None when it stays inside the archive.

    REFI-QDA section 8.3 (and the zip spec) say "/" is the only delimiter; a backslash is a Windows path that some unzip
    tools would split, so it is refused rather than guessed at.
    """
    if "\\" in path:
        return "uses a backslash"
    if "\x00" in path:
        return "contains a NUL character"
    parts = PurePosixPath(path).parts
    if path.startswith("/") or (parts and ":" in parts[0]) or ".." in parts:
        return "is outside the archive"
    return None


class SafeZip:
    """A checked, read-only view of a zip held in memory."""

    def __init__(
        self,
        data: bytes,
        name: str,
        limits: Limits,
        error: type[Exception] = UnsafeArchive,
    ) -> None:
        self.name = name
        self._error = error
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        # NotImplementedError: a zip from a future version (a damaged "version needed" field).
        except (
            zipfile.BadZipFile,
            zlib.error,
            ValueError,
            EOFError,
            OSError,
            NotImplementedError,
        ) as exc:
            raise self._error(f"{name}: not a readable zip archive ({exc})") from None
        if len(infos) > limits.max_members:
            raise self._error(
                f"{name}: holds {len(infos)} files, over the limit of {limits.max_members}"
            )
        total = 0
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            self._check_member(info, limits)
            total += info.file_size
            if total > limits.max_total_bytes:
                raise self._error(
                    f"{name}: unpacks to more than {limits.max_total_bytes // MIB} MiB; refused"
                )
            if info.filename in self._infos:
                # Which copy a reader sees would depend on the tool: refuse the ambiguity.
                raise self._error(f"{name}: {info.filename} appears twice in the archive")
            self._infos[info.filename] = info
        self._folded = {key.casefold(): key for key in self._infos}

    def _check_member(self, info: zipfile.ZipInfo, limits: Limits) -> None:
        member = info.filename
        reason = unsafe_path_reason(member)
        if reason:
            raise self._error(f"{self.name}: {member} {reason}")
        if info.flag_bits & 0x1:
            raise self._error(f"{self.name}: {member} is encrypted")
        if info.file_size > limits.max_member_bytes:
            raise self._error(
                f"{self.name}: {member} is larger than {limits.max_member_bytes // MIB} MiB"
            )
        if info.file_size > _RATIO_FLOOR_BYTES and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise self._error(
                f"{self.name}: {member} is compressed more than {limits.max_ratio}-fold, "
                "the signature of a zip bomb; refused"
            )

    def find(self, member: str) -> str | None:
        """The stored name of a member; case-insensitive, as Windows producers differ in case."""
        if member in self._infos:
            return member
        return self._folded.get(member.casefold())

    def read(self, member: str) -> bytes:
        info = self._infos[member]
        try:
            with self._zip.open(info) as handle:
                content = handle.read(info.file_size + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            NotImplementedError,
            ValueError,  # a damaged local header offset: "negative seek value"
        ) as exc:
            raise self._error(f"{self.name}: {member} cannot be unpacked ({exc})") from None
        if len(content) > info.file_size:
            raise self._error(f"{self.name}: {member} is larger than it declares")
        return content

    def close(self) -> None:
        self._zip.close()


def member_names(data: bytes) -> set[str]:
    """The names inside a zip, casefolded, or none when it is not a readable zip. For telling a
    project archive from a .qdpx before the chosen reader checks it properly.

    NotImplementedError: a damaged "version needed" field; the reader refuses it later.
    """
    try:
        return {n.casefold() for n in zipfile.ZipFile(io.BytesIO(data)).namelist()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return set()
