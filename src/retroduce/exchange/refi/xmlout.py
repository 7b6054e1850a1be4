"""A small XML writer with the escaping REFI-QDA text needs and ElementTree does not do.

ElementTree leaves a carriage return in element text as is, and every XML parser turns "\\r\\n"
into "\\n" on reading (XML 1.0 section 2.11), which would shift every offset after a Windows line
break in an inline text. Writing "\\r" as "&#13;" keeps the code points exactly. Characters that
XML 1.0 cannot carry at all (most C0 controls, lone surrogates) are refused with a ValueError
naming the element, rather than written into a file no importer can open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_ATTR_ESCAPES = {**_TEXT_ESCAPES, '"': "&quot;", "\n": "&#10;", "\t": "&#9;"}
_TEXT_RE = re.compile("[&<>\r]")
_ATTR_RE = re.compile('[&<>\r"\n\t]')


@dataclass
class El:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)  # None: attribute left out
    children: list[El] = field(default_factory=list)
    text: str | None = None

    def add(self, child: El | None) -> El | None:
        if child is not None:
            self.children.append(child)
        return child


def el(tag: str, text: str | None = None, **attrs: str | None) -> El:
    return El(tag, dict(attrs), [], text)


def _checked(value: str, where: str) -> str:
    bad = _ILLEGAL.search(value)
    if bad:
        raise ValueError(
            f"{where}: character U+{ord(bad.group()):04X} cannot be written in XML 1.0"
        )
    return value


def _write(node: El, out: list[str], depth: int) -> None:
    where = f"<{node.tag}> {node.attrs.get('guid') or ''}".rstrip()
    pad = "\n" + "  " * depth
    out.append(f"{pad}<{node.tag}" if depth else f"<{node.tag}")
    for key, value in node.attrs.items():
        if value is not None:
            escaped = _ATTR_RE.sub(lambda m: _ATTR_ESCAPES[m.group()], _checked(value, where))
            out.append(f' {key}="{escaped}"')
    if node.text is None and not node.children:
        out.append(" />")
        return
    out.append(">")
    if node.text is not None:
        # Text elements hold no children here, so no indentation enters their content.
        out.append(_TEXT_RE.sub(lambda m: _TEXT_ESCAPES[m.group()], _checked(node.text, where)))
    for child in node.children:
        _write(child, out, depth + 1)
    if node.children:
        out.append(pad)
    out.append(f"</{node.tag}>")


def render(root: El) -> bytes:
    """UTF-8 XML with a declaration (REFI-QDA 1.5 section 5.1: "The XML is UTF-8 encoded")."""
    out = ['<?xml version="1.0" encoding="utf-8"?>\n']
    _write(root, out, 0)
    out.append("\n")
    return "".join(out).encode("utf-8")
