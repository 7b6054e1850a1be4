"""BibTeX and BibLaTeX (.bib), read by a small parser of our own.

Entries are "@type{key, name = value, …}" (or with parentheses). Values are {braced} (nested
braces allowed), "quoted", bare numbers or @string macro names, joined with "#". As in BibTeX,
text outside entries is a comment and @comment/@preamble are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retroduce.sources.records import RecordData

from .bibtex_fields import build_record
from .context import Context

_IDENT = re.compile(r"[A-Za-z][\w\-:.+/]*")
_KEY = re.compile(r"[^\s,{}()\"#%'=]*")
_SPACE = re.compile(r"\s*")
_BRACES = re.compile(r"[{}]")
_QUOTED = re.compile(r'[{}"]')
_NUMBER = re.compile(r"\d+")
# Month macros every BibTeX style defines.
_MONTHS = {
    m[:3]: m
    for m in (
        "january february march april may june july august september october november december"
    ).split()
}


@dataclass
class Entry:
    kind: str
    key: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # (name, raw value) in order
    line: int = 0
    raw: str = ""


class _Parser:
    def __init__(self, ctx: Context, text: str) -> None:
        self.ctx = ctx
        self.text = text
        self.macros: dict[str, str] = dict(_MONTHS)
        self.line_at = 0  # offset up to which lines were counted
        self.line = 1
        self.unknown_macros: set[str] = set()

    def line_of(self, pos: int) -> int:
        """1-based line of `pos`; positions are asked for in increasing order, so this is cheap."""
        if pos < self.line_at:
            return self.text.count("\n", 0, pos) + 1
        self.line += self.text.count("\n", self.line_at, pos)
        self.line_at = pos
        return self.line

    def skip_space(self, pos: int) -> int:
        return _SPACE.match(self.text, pos).end()  # type: ignore[union-attr]

    def entries(self) -> list[Entry]:
        text, ctx = self.text, self.ctx
        out: list[Entry] = []
        progress = ctx.progress(len(text), "Reading BibTeX entries")
        pos = 0
        while True:
            at = text.find("@", pos)
            if at < 0:
                break
            start_line = self.line_of(at)
            ident = _IDENT.match(text, self.skip_space(at + 1))
            if not ident:
                pos = at + 1
                continue
            after = self.skip_space(ident.end())
            if after >= len(text) or text[after] not in "{(":
                pos = at + 1  # an "@" in comment text, such as an e-mail address
                continue
            kind = ident.group(0).lower()
            close = "}" if text[after] == "{" else ")"
            if kind in ("comment", "preamble"):
                pos = self.skip_group(after, start_line)
                continue
            if kind == "string":
                pos = self.parse_string(after + 1, close, start_line)
                continue
            entry, pos = self.parse_entry(kind, after + 1, close, start_line)
            entry.raw = text[at:pos]
            out.append(entry)
            if not len(out) % 1000:
                ctx.check_count(len(out), start_line)
                progress.tick(pos)
        ctx.check_count(len(out))
        if self.unknown_macros:
            names = ", ".join(sorted(self.unknown_macros)[:5])
            ctx.warnings.append(f"Undefined @string names were kept as written: {names}.")
        progress.finish(f"Read {len(out):,} BibTeX entries")
        return out

    def unclosed(self, start_line: int, what: str = "entry") -> Exception:
        return self.ctx.fail(
            self.text.count("\n") + 1,
            f"the {what} that starts on line {start_line} is never closed (a brace or quote is "
            "missing); the file may be truncated",
        )

    def skip_group(self, pos: int, start_line: int) -> int:
        """Skip a balanced {…} or (…) group starting at `pos`."""
        opener = self.text[pos]
        if opener == "{":
            return self.braced(pos, start_line)[1]
        depth = 0
        for m in re.compile(r"[()]").finditer(self.text, pos):
            depth += 1 if m.group(0) == "(" else -1
            if depth == 0:
                return m.end()
        raise self.unclosed(start_line)

    def braced(self, pos: int, start_line: int) -> tuple[str, int]:
        """The content of the {…} group at `pos` and the position after it."""
        depth = 0
        for m in _BRACES.finditer(self.text, pos):
            if m.group(0) == "{":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return self.text[pos + 1 : m.start()], m.end()
        raise self.unclosed(start_line)

    def quoted(self, pos: int, start_line: int) -> tuple[str, int]:
        depth = 0
        for m in _QUOTED.finditer(self.text, pos + 1):
            ch = m.group(0)
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth < 0:
                    break
            elif depth == 0:
                return self.text[pos + 1 : m.start()], m.end()
        raise self.unclosed(start_line)

    def value(self, pos: int, start_line: int, name: str) -> tuple[str, int]:
        """A value: pieces joined by '#' (macros expanded, braces kept for later decoding)."""
        parts: list[str] = []
        text = self.text
        while True:
            pos = self.skip_space(pos)
            ch = text[pos : pos + 1]
            if ch == "{":
                piece, pos = self.braced(pos, start_line)
            elif ch == '"':
                piece, pos = self.quoted(pos, start_line)
            elif number := _NUMBER.match(text, pos):
                piece, pos = number.group(0), number.end()
            elif ident := _IDENT.match(text, pos):
                macro = ident.group(0).lower()
                piece = self.macros.get(macro)
                if piece is None:
                    self.unknown_macros.add(ident.group(0))
                    piece = ident.group(0)
                pos = ident.end()
            elif not ch:
                raise self.unclosed(start_line)
            else:
                raise self.ctx.fail(
                    self.line_of(pos),
                    f"the value of '{name}' in the entry that starts on line {start_line} "
                    f"cannot be read (unexpected {ch!r}); the file may be damaged",
                )
            parts.append(piece)
            pos = self.skip_space(pos)
            if text[pos : pos + 1] != "#":
                return "".join(parts), pos
            pos += 1

    def parse_string(self, pos: int, close: str, start_line: int) -> int:
        pos = self.skip_space(pos)
        ident = _IDENT.match(self.text, pos)
        if not ident:
            raise self.ctx.fail(start_line, "an @string definition has no name")
        pos = self.skip_space(ident.end())
        if self.text[pos : pos + 1] != "=":
            raise self.ctx.fail(start_line, "an @string definition has no '=' after its name")
        value, pos = self.value(pos + 1, start_line, ident.group(0))
        self.macros[ident.group(0).lower()] = value
        pos = self.skip_space(pos)
        if self.text[pos : pos + 1] != close:
            raise self.unclosed(start_line, "@string definition")
        return pos + 1

    def parse_entry(self, kind: str, pos: int, close: str, start_line: int) -> tuple[Entry, int]:
        text = self.text
        pos = self.skip_space(pos)
        key_match = _KEY.match(text, pos)
        key = key_match.group(0) if key_match else ""
        pos = self.skip_space(key_match.end() if key_match else pos)
        entry = Entry(kind=kind, key=key, line=start_line)
        if text[pos : pos + 1] == close:
            return entry, pos + 1
        if text[pos : pos + 1] != ",":
            if pos >= len(text):
                raise self.unclosed(start_line)
            raise self.ctx.fail(
                self.line_of(pos),
                f"the entry that starts on line {start_line} has no ',' after its key "
                f"'{key}'; the file may be damaged",
            )
        pos += 1
        while True:
            pos = self.skip_space(pos)
            ch = text[pos : pos + 1]
            if ch == close:
                return entry, pos + 1
            if not ch:
                raise self.unclosed(start_line)
            name = _IDENT.match(text, pos)
            if not name:
                raise self.ctx.fail(
                    self.line_of(pos),
                    f"the entry that starts on line {start_line} has text where a field name "
                    f"should be ({text[pos : pos + 20]!r}); a comma or brace may be missing",
                )
            pos = self.skip_space(name.end())
            if text[pos : pos + 1] != "=":
                raise self.ctx.fail(
                    self.line_of(pos),
                    f"the field '{name.group(0)}' in the entry that starts on line "
                    f"{start_line} has no '=' after its name",
                )
            value, pos = self.value(pos + 1, start_line, name.group(0))
            entry.fields.append((name.group(0).lower(), value))
            pos = self.skip_space(pos)
            ch = text[pos : pos + 1]
            if ch == ",":
                pos += 1
            elif ch != close:
                if not ch:
                    raise self.unclosed(start_line)
                raise self.ctx.fail(
                    self.line_of(pos),
                    f"expected ',' or the end of the entry after the field '{name.group(0)}' "
                    f"in the entry that starts on line {start_line}; a comma may be missing",
                )


def parse_bibtex(ctx: Context, text: str) -> list[RecordData]:
    records = []
    for entry in _Parser(ctx, text).entries():
        rec = build_record(entry.kind, entry.key, entry.fields, entry.raw, entry.line)
        ctx.check_record(rec)
        records.append(rec)
    return records
