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
Even so, look-alike records (titles from a small vocabulary) fill blocks with pairs that have
nothing but the key in common; a cheap screen (`compare.pair_screen`) drops those as they are
made, so that only pairs with a chance of being one work are kept and compared in full.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import combinations
from typing import TYPE_CHECKING

from retroduce.sources.dedup.prepare import Prepared

if TYPE_CHECKING:
    from retroduce.sources.dedup.compare import PairFilter

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
        # The three longest words, ties broken alphabetically (both sorts are stable).
        words = sorted(p.title.split())
        words.sort(key=len, reverse=True)
        yield "w" + " ".join(sorted(words[:3]))
    if p.first_author:
        if p.year is not None:
            yield f"a{p.first_author}|{p.year}"
        if p.page_first:
            yield f"p{p.first_author}|{p.page_first}"
    if p.volume and p.page_first:
        yield f"v{p.volume}|{p.page_first}"


def candidate_pairs(
    records: list[Prepared],
    report: Callable[[int], None] | None = None,
    keep: PairFilter | None = None,
) -> list[tuple[int, int]]:
    """Index pairs (i < j) that share a key, each once, in a stable order.

    `keep(i, partners)` filters the partners of each record in each block as they are paired
    (see `compare.pair_screen`), so that huge blocks never materialise millions of pairs only to
    throw them away.
    """
    # Most keys belong to one record only: a block's list is made when its second record comes.
    owners: dict[str, int] = {}
    blocks: dict[str, list[int]] = {}
    for p in records:
        index = p.index
        for key in record_keys(p):
            owner = owners.setdefault(key, index)
            if owner != index:
                members = blocks.get(key)
                if members is None:
                    blocks[key] = [owner, index]
                else:
                    members.append(index)
        if report is not None and index % 5000 == 0:
            report(index)
    found: set[tuple[int, int]] = set()
    for members in blocks.values():
        # Records are added in index order, so every block lists its members ascending.
        if len(members) <= MAX_BLOCK:
            if keep is None:
                found.update(combinations(members, 2))
                continue
            for x in range(len(members) - 1):
                i = members[x]
                kept = keep(i, members[x + 1 :])
                if kept:
                    found.update([(i, j) for j in kept])
            continue
        ordered = sorted(members, key=lambda i: records[i].compact)
        for x, i in enumerate(ordered):
            partners = ordered[x + 1 : x + 1 + WINDOW]
            kept = partners if keep is None else keep(i, partners)
            if kept:
                found.update([(i, j) if i < j else (j, i) for j in kept])
    return sorted(found)
