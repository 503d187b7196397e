"""Database-side pagination shared by pages and the API."""

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 20
# Pages of big lists count at most this many rows: counting a million rows costs more than
# the page itself, and nobody pages that far (they filter).
COUNT_CAP = 1_000


@dataclass
class Page:
    items: list[Any]
    count: int
    page: int
    page_size: int
    # True when the list has more than `count` rows (count was capped); then num_pages is the
    # pages known so far and has_next says whether another page follows.
    capped: bool = False
    more: bool = False

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.more if self.capped else self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _positive_int(raw: Any, default: int, name: str) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationFailed(fields={name: [str(_("Enter a whole number."))]}) from None
    if value < 1:
        raise ValidationFailed(fields={name: [str(_("Must be at least 1."))]})
    return value


def page_bounds(page: Any = None, page_size: Any = None) -> tuple[int, int]:
    """The page number and size asked for, checked (422 with the field's error otherwise)."""
    p = _positive_int(page, 1, "page")
    size = _positive_int(page_size, DEFAULT_PAGE_SIZE, "page_size")
    if size > MAX_PAGE_SIZE:
        raise ValidationFailed(
            fields={"page_size": [str(_("At most %(n)s per page.") % {"n": MAX_PAGE_SIZE})]}
        )
    return p, size


def _slice(
    qs: models.QuerySet, start: int, stop: int, two_step: bool, columns: tuple[str, ...]
) -> list[Any]:
    if not two_step:
        return list(qs[start:stop])
    # The page's keys first, on the bare table (sorting many matches is cheap without the
    # joins), then its rows with every join: the database joins 20 rows, not all matches.
    ids = list(qs.values_list("pk", flat=True)[start:stop])
    page = qs.order_by().filter(pk__in=ids)
    if columns:
        rows = {row["pk"]: row for row in page.values("pk", *columns)}
    else:
        rows = {row.pk: row for row in page}
    return [rows[pk] for pk in ids if pk in rows]


def paginate(
    qs: models.QuerySet,
    page: Any = None,
    page_size: Any = None,
    *,
    count_cap: int | None = None,
    two_step: bool = False,
    columns: tuple[str, ...] = (),
) -> Page:
    """One page of `qs`. With `count_cap`, rows are counted only up to the cap (a page of a
    million-row list stays fast); `Page.capped` then says the list is longer. `two_step`
    reads the page's keys before its rows (for querysets with joins; one query more); with
    it, `columns` makes the rows `values("pk", *columns)` dicts instead of model instances
    (the count and the keys stay on the bare table: `values()` across a relation would join
    there too)."""
    p, size = page_bounds(page, page_size)
    offset = (p - 1) * size
    count = qs.count() if count_cap is None else qs.order_by()[: count_cap + 1].count()
    if count_cap is None or count <= count_cap:
        items = _slice(qs, offset, offset + size, two_step, columns) if offset < count else []
        return Page(items=items, count=count, page=p, page_size=size)
    # Past the cap: fetch one row more than the page to know whether another page follows.
    rows = _slice(qs, offset, offset + size + 1, two_step, columns)
    items, more = rows[:size], len(rows) > size
    return Page(
        items=items,
        count=max(count_cap, offset + len(items)),
        page=p,
        page_size=size,
        capped=True,
        more=more,
    )
