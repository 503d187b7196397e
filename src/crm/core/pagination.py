"""Database-side pagination shared by pages and the API."""

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 20


@dataclass
class Page:
    items: list[Any]
    count: int
    page: int
    page_size: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

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


def paginate(qs: models.QuerySet, page: Any = None, page_size: Any = None) -> Page:
    p = _positive_int(page, 1, "page")
    size = _positive_int(page_size, DEFAULT_PAGE_SIZE, "page_size")
    if size > MAX_PAGE_SIZE:
        raise ValidationFailed(
            fields={"page_size": [str(_("At most %(n)s per page.") % {"n": MAX_PAGE_SIZE})]}
        )
    count = qs.count()
    offset = (p - 1) * size
    items = list(qs[offset : offset + size]) if offset < count else []
    return Page(items=items, count=count, page=p, page_size=size)
