"""Plain text files of a REFI-QDA archive, and the offsets into them.

Section 10.2: a text selection is counted in Unicode code points from 0 "in the file". We read
the .txt exactly as stored: bytes.decode, never a text-mode open, so a Windows "\\r\\n" stays two
code points and the offsets of a producer that wrote CRLF keep pointing at the same characters.
Retroduce's plain_text therefore keeps the CRLF; normalising line ends is for display only.

The one thing we do not keep is a UTF-8 byte order mark (section 9.1.2 asks for UTF-8; .NET
writers add a BOM by default). It is not text, so it is stripped. Producers disagree on whether
it was code point 0: most read their own file back through a decoder that hides the BOM, so
their offsets ignore it, but a literal reading of "the first codepoint in the file" counts it.
settle_bom decides per text from evidence (see there) and shifts the offsets by one if needed.
"""

from __future__ import annotations

import codecs
from dataclasses import replace

from .model import TextSelection


def decode_text(data: bytes, where: str, warnings: list[str]) -> tuple[str, bool]:
    """The text of a .txt member and whether it started with a UTF-8 BOM."""
    if data.startswith(codecs.BOM_UTF8):
        return _utf8(data[len(codecs.BOM_UTF8) :], where, warnings), True
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Not allowed by section 9.1.2, but some Windows tools do it; a UTF-16 BOM is a BOM
        # only, and the offsets of such a producer are most likely UTF-16 based anyway.
        warnings.append(f"{where}: the text is UTF-16, not UTF-8 as the standard requires")
        return data.decode("utf-16", errors="replace"), False
    return _utf8(data, where, warnings), False


def _utf8(data: bytes, where: str, warnings: list[str]) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        warnings.append(
            f"{where}: the text is not valid UTF-8 (byte {exc.start}); undecodable bytes were "
            "replaced by U+FFFD, so offsets after them may be off"
        )
        return data.decode("utf-8", errors="replace")


def _snippet_matches(name: str, text: str, start: int, end: int) -> bool:
    # ATLAS.ti and NVivo name a selection after (the start of) its quotation; "…" marks a cut.
    probe = name.strip().rstrip("…").rstrip(".").strip()[:40]
    return len(probe) >= 3 and text[max(start, 0) : end].strip().startswith(probe)


def settle_bom(
    text: str, selections: list[TextSelection], where: str, warnings: list[str]
) -> list[TextSelection]:
    """The selections of a text whose file began with a BOM, shifted if the producer counted it.

    Evidence that the BOM was counted: a selection ending one past the text (impossible
    otherwise), or more selection names matching the text one code point earlier than at the
    stated offsets. Without such evidence the offsets are kept, as most producers ignore the BOM.
    """
    if not selections:
        warnings.append(f"{where}: the text file starts with a UTF-8 BOM; it was stripped")
        return selections
    length = len(text)
    counted = any(s.end == length + 1 for s in selections)
    if not counted:
        as_is = sum(_snippet_matches(s.name, text, s.start, s.end) for s in selections)
        shifted = sum(_snippet_matches(s.name, text, s.start - 1, s.end - 1) for s in selections)
        counted = shifted > as_is
    if not counted:
        warnings.append(
            f"{where}: the text file starts with a UTF-8 BOM; it was stripped and the offsets "
            "kept (the producer did not count it)"
        )
        return selections
    warnings.append(
        f"{where}: the text file starts with a UTF-8 BOM that the producer counted as code "
        "point 0; it was stripped and every offset moved back by one"
    )
    return [replace(s, start=max(s.start - 1, 0), end=max(s.end - 1, 0)) for s in selections]


def check_spans(
    text: str, selections: list[TextSelection], where: str, warnings: list[str]
) -> None:
    for sel in selections:
        if not 0 <= sel.start <= sel.end <= len(text):
            warnings.append(
                f"PlainTextSelection {sel.guid} in {where}: {sel.start}-{sel.end} is not a span "
                f"of the text ({len(text)} code points); kept as is"
            )
