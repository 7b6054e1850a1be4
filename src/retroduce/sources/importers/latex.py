"""LaTeX text in BibTeX fields turned into plain Unicode, for the simple, common cases.

Accents ({\\"o}, \\'{e}, \\c{c}), special letters (\\ss, \\o, \\aa), escaped characters (\\&, \\%)
and font commands (\\emph{…}) are decoded; protective braces ({COVID}-19) are dropped. Anything
more elaborate (maths, macros) is left as written.
"""

from __future__ import annotations

import re
import unicodedata

_COMBINING = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
}
_LETTERS = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "aa": "å",
    "AA": "Å",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "textendash": "–",
    "textemdash": "—",
    "textquoteright": "’",
    "textquoteleft": "‘",
    "textregistered": "®",
    "texttrademark": "™",
    "copyright": "©",
    "dots": "…",
    "ldots": "…",
}
# \"o, \"{o}, {\"o}, \'\i: symbol accents take the next letter with or without braces.
_SYMBOL_ACCENT = re.compile(
    r"""\\(["'`^~=.])\s*(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|(\\[ij]|[A-Za-z]))"""
)
# \c{c}, \v s: letter accents need braces or a space before their letter.
_LETTER_ACCENT = re.compile(r"\\([uvHckrdb])(?:\s*\{\s*(\\[ij]|[A-Za-z])\s*\}|\s+([A-Za-z]))")
_LETTER = re.compile(
    r"\\(" + "|".join(sorted(_LETTERS, key=len, reverse=True)) + r")(?![A-Za-z])(?:\{\})?\s?"
)
_FONT = re.compile(
    r"\\(?:emph|textit|textbf|textsc|textrm|textsf|texttt|textup|textsl|textnormal|mkbibemph|"
    r"mathrm|mathit|mbox|text|url|NoCaseChange)\s*(?=\{)"
)
_ESCAPED = re.compile(r"\\([&%$_#])")
_PROTECT = {"\\{": "\ue000", "\\}": "\ue001"}


def _accent(match: re.Match[str]) -> str:
    letter = match.group(2) or match.group(3)
    base = {"\\i": "i", "\\j": "j"}.get(letter, letter)
    return unicodedata.normalize("NFC", base + _COMBINING[match.group(1)])


def decode(value: str) -> str:
    if "\\" not in value and "{" not in value and "~" not in value and "--" not in value:
        return " ".join(value.split())
    text = value
    if "\\" in text:
        for escaped, placeholder in _PROTECT.items():
            text = text.replace(escaped, placeholder)
        text = _SYMBOL_ACCENT.sub(_accent, text)
        text = _LETTER_ACCENT.sub(_accent, text)
        text = _LETTER.sub(lambda m: _LETTERS[m.group(1)], text)
        text = _FONT.sub("", text)
        text = _ESCAPED.sub(r"\1", text)
    text = text.replace("{", "").replace("}", "")
    text = text.replace("---", "—").replace("--", "–")
    # A tilde is a non-breaking space in LaTeX (accents using ~ were decoded above).
    text = text.replace("\\~", "\ue002").replace("~", " ").replace("\ue002", "~")
    text = text.replace("\ue000", "{").replace("\ue001", "}")
    return " ".join(text.split())
