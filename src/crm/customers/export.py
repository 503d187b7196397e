"""Export of the customer list (CUS-7): CSV and XLSX, streamed in constant memory.

Rows come from the caller's scoped, filtered queryset through `.iterator()`; sensitive columns
only for readers with the permission; text that a spreadsheet would run as a formula gets a
leading apostrophe.
"""

from collections.abc import Callable, Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from crm.core import tabular
from crm.core.tabular import neutralise

from .models import Customer

CHUNK = 2000


def _label(obj: Any) -> str:
    return str(obj) if obj is not None else ""


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# (header, value of a customer, sensitive)
Column = tuple[Any, Callable[[Customer], Any], bool]
COLUMNS: list[Column] = [
    (_("Code"), lambda c: c.code, False),
    (_("Name"), lambda c: c.name, False),
    (_("Short name"), lambda c: c.short_name, False),
    (_("Unified social credit code"), lambda c: c.uscc, False),
    (_("Tax ID"), lambda c: c.tax_id, True),
    (_("Bank"), lambda c: c.bank, False),
    (_("Bank account"), lambda c: c.bank_account, True),
    (_("Address"), lambda c: c.address, False),
    (_("Phone"), lambda c: c.phone, False),
    (_("Region"), lambda c: _label(c.region), False),
    (_("Industry"), lambda c: _label(c.industry), False),
    (_("Rating"), lambda c: _label(c.rating), False),
    (_("Enterprise nature"), lambda c: _label(c.nature), False),
    (_("Enterprise size"), lambda c: _label(c.size), False),
    (_("Credit level"), lambda c: _label(c.credit_level), True),
    (_("Source"), lambda c: _label(c.source), False),
    (_("Credit limit"), lambda c: c.credit_limit, False),
    (_("Lifecycle status"), lambda c: c.get_status_display(), False),
    (_("Tags"), lambda c: c.tags, False),
    (_("Owner"), lambda c: _label(c.owner), False),
    (_("Unit"), lambda c: _label(c.org_unit), False),
    (_("Created at"), lambda c: _when(c.created_at), False),
    (_("Updated at"), lambda c: _when(c.updated_at), False),
]


def columns(*, sensitive: bool) -> list[Column]:
    return [col for col in COLUMNS if sensitive or not col[2]]


def headers(*, sensitive: bool) -> list[str]:
    """Chinese headers whatever the reader's language (the import template reads them)."""
    with translation.override("zh-hans"):
        return [str(col[0]) for col in columns(sensitive=sensitive)]


def rows(qs: QuerySet[Customer], *, sensitive: bool) -> Iterator[list[Any]]:
    cols = columns(sensitive=sensitive)
    qs = qs.select_related(
        "owner", "org_unit", "region", "industry", "rating", "nature", "size", "source"
    )
    if sensitive:
        qs = qs.select_related("credit_level")
    for customer in qs.iterator(chunk_size=CHUNK):
        yield [neutralise(get(customer)) for _h, get, _s in cols]


def csv_chunks(qs: QuerySet[Customer], *, sensitive: bool) -> Iterator[bytes]:
    return tabular.csv_chunks(headers(sensitive=sensitive), rows(qs, sensitive=sensitive))


def xlsx_file(qs: QuerySet[Customer], *, sensitive: bool) -> IO[bytes]:
    title = str(_("Customers"))
    return tabular.xlsx_file(title, headers(sensitive=sensitive), rows(qs, sensitive=sensitive))


def filename(ext: str) -> str:
    return f"customers-{timezone.localtime():%Y%m%d-%H%M}.{ext}"
