"""Pages of a long list by id, so page 2,000 costs what page 1 does.

Next and Previous carry the last or first id shown (`?after=` / `?before=`) and the database starts
from there with an index; Django's Paginator uses `OFFSET`, which reads and throws away every row
before the page (50,000 rows at page 1,000 of 100,000 records). A page number typed or linked
(`?page=N`) still works: it finds the page's ids first, which the index answers without the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from django.db.models import QuerySet
from django.http import QueryDict


@dataclass
class KeysetPage:
    object_list: list
    number: int
    count: int
    per_page: int
    next_query: str  # the query string of the next page, "" on the last
    previous_query: str  # of the previous page, "" on the first
    filters: str  # the query string without the paging: what the list is narrowed to

    @property
    def num_pages(self) -> int:
        return max(1, ceil(self.count / self.per_page))

    @property
    def has_next(self) -> bool:
        return bool(self.next_query)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_query)


def _int(value: str | None, default: int = 0) -> int:
    try:
        return max(int(value or default), 0)
    except ValueError:
        return default


def keyset_page(rows: QuerySet, params: QueryDict, per_page: int = 50) -> KeysetPage:
    """The page of `rows` (ordered here by id) that `params` asks for, with links onwards."""
    count = rows.count()
    last_page = max(1, ceil(count / per_page))
    after, before = _int(params.get("after")), _int(params.get("before"))
    number = min(max(_int(params.get("page"), 1), 1), last_page)
    if after:
        chunk = list(rows.filter(id__gt=after).order_by("id")[: per_page + 1])
        more_after, more_before = len(chunk) > per_page, True
        items = chunk[:per_page]
    elif before:
        chunk = list(rows.filter(id__lt=before).order_by("-id")[: per_page + 1])
        more_after, more_before = True, len(chunk) > per_page
        items = chunk[:per_page][::-1]
    else:
        start = (number - 1) * per_page
        ids = list(rows.order_by("id").values_list("id", flat=True)[start : start + per_page + 1])
        more_after, more_before = len(ids) > per_page, number > 1
        items = list(rows.filter(id__in=ids[:per_page]).order_by("id"))
    if after or before:
        # The page's number, for "Page N of M": how many rows come before it.
        number = rows.filter(id__lt=items[0].id).count() // per_page + 1 if items else 1
    base = params.copy()
    for key in ("after", "before", "page"):
        base.pop(key, None)

    def link(key: str, value: int) -> str:
        query = base.copy()
        query[key] = str(value)
        return query.urlencode()

    return KeysetPage(
        object_list=items,
        number=number,
        count=count,
        per_page=per_page,
        next_query=link("after", items[-1].id) if items and more_after else "",
        previous_query=link("before", items[0].id) if items and more_before else "",
        filters=base.urlencode(),
    )
