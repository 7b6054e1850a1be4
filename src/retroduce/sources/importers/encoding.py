"""Deciding how a file's bytes become text, and refusing files that are not text at all."""

from __future__ import annotations

from .context import Context

# Signatures of files people upload by mistake, with what to tell them.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document, not a reference list; export the references as RIS instead"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old Microsoft Office file (.xls or .doc); save it as .xlsx or CSV first",
    ),
    (b"\x1f\x8b", "a compressed (gzip) file; unpack it first"),
    (b"Rar!", "a RAR archive; unpack it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive; unpack it first"),
    (b"\x89PNG", "an image (PNG), not a reference list"),
    (b"\xff\xd8\xff", "an image (JPEG), not a reference list"),
    (b"GIF8", "an image (GIF), not a reference list"),
    (b"SQLite format 3\x00", "a database file; export the references as RIS or EndNote XML"),
    (b"{\\rtf", "a rich-text (RTF) document, not a reference list"),
)

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")

# Control characters that never occur in text exports (tab, newlines, form feed and the DOS
# end-of-file mark 0x1A do occur, so they are allowed).
_CONTROL = frozenset(chr(c) for c in range(32)) - frozenset("\t\n\r\x0b\x0c\x1a")
_SAMPLE = 65536


def refuse_known_binary(ctx: Context, data: bytes) -> None:
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            raise ctx.fail(None, f"this is {what}")


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when NUL bytes sit in every other position, as in UTF-16 text.

    Some Windows tools (older Web of Science and EndNote exports) write UTF-16 without a BOM;
    mostly-ASCII text then has a NUL in each high byte.
    """
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul = even.count(0) / len(even)
    odd_nul = odd.count(0) / len(odd)
    if odd_nul > 0.3 and even_nul < 0.02:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.02:
        return "utf-16-be"
    return None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(ctx: Context, data: bytes) -> tuple[str, str]:
    """The file's text and the encoding used; a warning is added when a fallback was needed."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return _check_text(ctx, data[3:].decode("utf-8")), "utf-8-sig"
        except UnicodeDecodeError as exc:
            return _fallback(ctx, data[3:], exc.start + 3, data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _check_text(ctx, data.decode("utf-16")), "utf-16"
        except UnicodeDecodeError:
            raise ctx.fail(
                None, "the file says it is UTF-16 text but is not valid UTF-16; it may be damaged"
            ) from None
    guess = _utf16_without_bom(data[:4096])
    if guess:
        try:
            text = data.decode(guess)
        except UnicodeDecodeError:
            raise ctx.fail(None, "this looks like a binary file, not text") from None
        ctx.warnings.append(
            f"The file has no byte-order mark; it was read as {guess.upper()} text."
        )
        return _check_text(ctx, text), guess
    if b"\x00" in data:
        raise ctx.fail(
            _line_of(data, data.index(b"\x00")),
            "the file holds NUL bytes, so it is a binary file rather than text",
        )
    try:
        return _check_text(ctx, data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as exc:
        return _fallback(ctx, data, exc.start, data)


def utf8_candidate(data: bytes) -> int | None:
    """Where the text starts (0, or 3 after a UTF-8 BOM) when the file may well be UTF-8.

    Lets a fast parser decode the file piece by piece instead of all at once (see
    api._parse); None when decode() must decide (UTF-16, NUL bytes…).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        return None
    return 3 if data.startswith(b"\xef\xbb\xbf") else 0


def check_head(ctx: Context, head: str) -> str:
    """The binary-content check of decode(), on the first part of a file."""
    return _check_text(ctx, head)


def _fallback(ctx: Context, body: bytes, bad_offset: int, whole: bytes) -> tuple[str, str]:
    line = _line_of(whole, bad_offset)
    try:
        text, encoding, name = body.decode("cp1252"), "cp1252", "Windows-1252 (cp1252)"
    except UnicodeDecodeError:
        text, encoding, name = body.decode("latin-1"), "latin-1", "Latin-1 (ISO-8859-1)"
    ctx.warnings.append(
        f"The file is not valid UTF-8 (first at line {line}); it was read as {name}. "
        "Check that accented letters look right."
    )
    return _check_text(ctx, text), encoding


def _check_text(ctx: Context, text: str) -> str:
    """Refuse text that is mostly control characters: random bytes decode as cp1252 or latin-1."""
    if "\x00" in text:
        raise ctx.fail(None, "the file holds NUL characters, so it is binary rather than text")
    sample = text[:_SAMPLE]
    controls = sum(1 for ch in sample if ch in _CONTROL)
    if controls > max(8, len(sample) // 100):
        raise ctx.fail(None, "this looks like a binary file, not a text export of references")
    return text
