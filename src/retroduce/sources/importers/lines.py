"""Splitting line-based formats (MEDLINE) into lines the way an editor numbers them."""

from __future__ import annotations


def split_lines(text: str) -> list[str]:
    """The file's lines without their line endings.

    str.splitlines() would also split on characters such as U+2028 or \\x85 (which Latin-1
    text may contain inside a title) and so disagree with the line numbers an editor shows;
    only CR LF, LF and a lone CR (classic Mac OS exports) end a line here.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\x1a"):  # DOS end-of-file mark left by some old Windows exporters
        text = text[:-1]
    return text.split("\n")
