"""Include and exclude keywords marked in titles and abstracts, with everything else escaped."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def highlight(text: str, include: Iterable[str], exclude: Iterable[str]) -> SafeString:
    terms = {t.lower(): "include" for t in include if t.strip()}
    terms.update({t.lower(): "exclude" for t in exclude if t.strip()})
    if not terms or not text:
        return escape(text)
    # Longest first, so "integrated care" wins over "care"; word starts only, so "care" does
    # not light up inside "scare", but does match "carers".
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)) + ")",
        re.IGNORECASE,
    )
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        kind = terms[match.group(1).lower()]
        pieces.append(f'<mark class="kw-{kind}">{escape(match.group(1))}</mark>')
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 (every piece above is escaped)
