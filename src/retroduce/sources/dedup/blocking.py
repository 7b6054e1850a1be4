"""Candidate pairs: only records that share at least one cheap key are ever compared.

Comparing every pair is quadratic (5 * 10^9 pairs for 100,000 records). Each key below catches a
different way exports of one work differ, so a pair missed by one key is usually caught by another:

- the DOI;
- the first and the last characters of the title (typos or prefixes at one end only);
- the longest title words, sorted (reordered or truncated titles);
- first author + year; first author + first page (titles garbled or translated);
- volume + first page (the citation alone, whatever the title and authors say).

A key shared by very many records (a common name and year, an "Editorial" title) would bring
the quadratic cost back, so large blocks are sorted by title and only neighbours are paired.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from retroduce.sources.dedup.prepare import Prepared

# Blocks up to this size are compared exhaustively; larger ones by sorted neighbourhood.
MAX_BLOCK = 40
# How many following records each record is paired with inside a large block.
WINDOW = 6
TITLE_KEY = 24


def record_keys(p: Prepared) -> Iterator[str]:
    if p.doi:
        yield "d" + p.doi
    compact = p.compact
    if len(compact) >= 10:
        yield "t" + compact[:TITLE_KEY]
    if len(compact) >= TITLE_KEY + 6:
        yield "e" + compact[-TITLE_KEY:]
    if len(compact) >= 30:
        longest = sorted(p.title.split(), key=lambda w: (-len(w), w))[:3]
        yield "w" + " ".join(sorted(longest))
    if p.first_author:
        if p.year is not None:
            yield f"a{p.first_author}|{p.year}"
        if p.page_first:
            yield f"p{p.first_author}|{p.page_first}"
    if p.volume and p.page_first:
        yield f"v{p.volume}|{p.page_first}"


def candidate_pairs(
    records: list[Prepared], report: Callable[[int], None] | None = None
) -> list[tuple[int, int]]:
    """Index pairs (i < j) that share a key, each once, in a stable order."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for p in records:
        for key in record_keys(p):
            blocks[key].append(p.index)
        if report is not None and p.index % 5000 == 0:
            report(p.index)
    n = len(records)
    seen: set[int] = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        for i, j in _block_pairs(members, records):
            if i > j:
                i, j = j, i
            seen.add(i * n + j)
    return [divmod(code, n) for code in sorted(seen)]


def _block_pairs(members: list[int], records: list[Prepared]) -> Iterable[tuple[int, int]]:
    if len(members) <= MAX_BLOCK:
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                yield members[x], members[y]
        return
    ordered = sorted(members, key=lambda i: records[i].compact)
    for x in range(len(ordered)):
        for y in range(x + 1, min(x + 1 + WINDOW, len(ordered))):
            yield ordered[x], ordered[y]
