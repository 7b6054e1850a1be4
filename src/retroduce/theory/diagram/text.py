"""Text measuring and fitting without a font file.

The layout is shared by the SVG (drawn by the browser in Helvetica/Arial or a metric clone) and the
PNG (drawn by Pillow's bundled Aileron), so widths come from a table holding, per character, the
wider of the two fonts: text that fits here fits in both renderings.
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"

# Advance widths in thousandths of an em, grouped by width to keep the table readable.
_GROUPS = {
    191: "'",
    240: "ij",
    250: "l",
    260: "|",
    278: " .,:;!/[]\\I",
    290: "f",
    320: "t",
    333: "r-()`",
    334: "{}",
    355: '"',
    389: "*",
    469: "^",
    500: "sxz",
    510: "vy",
    520: "k",
    530: "c",
    550: "J",
    556: "ae?#$_",
    580: "o0123456789L",
    584: "<>+=~",
    590: "hn",
    600: "bpu",
    611: "FTZ",
    620: "dgq",
    667: "ABEKPSVXY&",
    722: "CDNRU",
    730: "H",
    778: "GOQ",
    790: "w",
    850: "m",
    870: "M",
    889: "%",
    950: "W",
    1000: ELLIPSIS,
    1015: "@",
}
_WIDTHS = {char: width for width, chars in _GROUPS.items() for char in chars}
_DEFAULT_WIDTH = 620  # unlisted Latin letters (é, ß, ...) are close to the widest lower case
_WIDE_WIDTH = 1000  # CJK and other full-width characters
BOLD_FACTOR = 1.1  # Helvetica Bold and Pillow's stroked faux bold both run about this much wider

# XML 1.0 forbids most control characters, and lone surrogates cannot be encoded at all.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _INVALID.sub("", text)


def clean(text: str) -> str:
    """One line of displayable text: invalid characters dropped, whitespace runs collapsed."""
    return " ".join(_INVALID.sub("", text).split())


def clean_multiline(text: str) -> str:
    """Like clean() but keeps line breaks, for tooltips."""
    lines = (clean(line) for line in _INVALID.sub("", text).splitlines())
    return "\n".join(line for line in lines if line)


def _char_width(char: str) -> int:
    width = _WIDTHS.get(char)
    if width is not None:
        return width
    if unicodedata.combining(char):
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return _WIDE_WIDTH
    return _DEFAULT_WIDTH


def text_width(text: str, size: float, bold: bool = False) -> float:
    width = sum(_char_width(char) for char in text) * size / 1000
    return width * BOLD_FACTOR if bold else width


def truncate(
    text: str, max_width: float, size: float, bold: bool = False, max_chars: int = 0
) -> str:
    """Cut text (and end it with an ellipsis) so it fits max_width and, if given, max_chars."""
    if max_chars and len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + ELLIPSIS
    if text_width(text, size, bold) <= max_width:
        return text
    room = max_width - text_width(ELLIPSIS, size, bold)
    kept = ""
    for char in text:
        if text_width(kept + char, size, bold) > room:
            break
        kept += char
    return kept.rstrip() + ELLIPSIS


def wrap(
    text: str, max_width: float, size: float, bold: bool = False, max_lines: int = 3
) -> list[str]:
    """Greedy word wrap; a word too long for a line is broken, the last line gets an ellipsis."""
    lines: list[str] = []
    current = ""
    words = text.split()
    for index, word in enumerate(words):
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while text_width(current, size, bold) > max_width and len(current) > 1:
            head = truncate(current, max_width, size, bold)[:-1] or current[0]
            lines.append(head)
            current = current[len(head) :]
        if len(lines) >= max_lines:
            rest = " ".join([current, *words[index + 1 :]])
            lines[max_lines - 1] = truncate(f"{lines[max_lines - 1]} {rest}", max_width, size, bold)
            return lines[:max_lines]
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        tail = " ".join(lines[max_lines - 1 :])
        lines = [*lines[: max_lines - 1], truncate(tail, max_width, size, bold)]
    return lines
