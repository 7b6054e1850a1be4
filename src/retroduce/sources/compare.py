"""Side-by-side comparison of two records for the duplicate review queue, with word-level
differences marked so a reviewer sees at a glance what differs."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from retroduce.sources.models import Record

COMPARED = (
    ("title", "Title"),
    ("authors", "Authors"),
    ("year", "Year"),
    ("journal", "Journal"),
    ("volume", "Volume"),
    ("number", "Issue"),
    ("pages", "Pages"),
    ("doi", "DOI"),
    ("item_type", "Type"),
    ("abstract", "Abstract"),
)
_WORDS = re.compile(r"\S+|\s+")


@dataclass
class ComparedField:
    label: str
    left: list[tuple[str, bool]]  # (text, differs)
    right: list[tuple[str, bool]]
    same: bool


def _text(record: Record, name: str) -> str:
    value = getattr(record, name)
    return "; ".join(value) if isinstance(value, list) else str(value or "")


def _key(word: str) -> str:
    return word.strip(".,;:()[]\"'").lower() if word.strip() else " "


def _marked(a: str, b: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    left_words, right_words = _WORDS.findall(a), _WORDS.findall(b)
    # Compare without case or edge punctuation: "Teams" and "teams:" are not a difference worth
    # a reviewer's attention.
    matcher = difflib.SequenceMatcher(
        None, [_key(w) for w in left_words], [_key(w) for w in right_words], autojunk=False
    )
    left: list[tuple[str, bool]] = []
    right: list[tuple[str, bool]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        differs = tag != "equal"
        if i2 > i1:
            left.append(("".join(left_words[i1:i2]), differs))
        if j2 > j1:
            right.append(("".join(right_words[j1:j2]), differs))
    return left, right


def compare_pair(a: Record, b: Record) -> list[ComparedField]:
    rows = []
    for name, label in COMPARED:
        left, right = _text(a, name), _text(b, name)
        if not left and not right:
            continue
        if name == "abstract":
            # Long abstracts: mark only whether they differ, a word diff would be noise.
            same = left.strip().lower() == right.strip().lower()
            rows.append(ComparedField(label, [(left, not same)], [(right, not same)], same))
            continue
        marked_left, marked_right = _marked(left, right)
        rows.append(ComparedField(label, marked_left, marked_right, left.lower() == right.lower()))
    return rows
