"""Export of the customer list (CUS-7): CSV and XLSX, streamed in constant memory.

Rows come from the caller's scoped, filtered queryset as tuples through `.iterator()`;
sensitive columns only for readers with the permission; text that a spreadsheet would run as a
formula gets a leading apostrophe.
"""

from collections.abc import Callable, Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from crm.core import tabular
from crm.core.tabular import neutralise

from .divisions import full_name
from .models import Customer, CustomerStatus

CHUNK = 2000


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _text(value: Any) -> Any:
    return "" if value is None else value


def _address(province: str, city: str, district: str, street: str) -> str:
    return " ".join(p for p in (full_name(province, city, district), street) if p)


def _person(name: str, username: str) -> str:
    return name or username  # as str(user)


_STATUS = dict(CustomerStatus.choices)

# (header, the fields it is made of, how, sensitive). Rows are read as tuples, not model
# instances: building ten related objects per row was most of the export's time.
Column = tuple[Any, tuple[str, ...], Callable[..., Any], bool]
COLUMNS: list[Column] = [
    (_("Code"), ("code",), _text, False),
    (_("Name"), ("name",), _text, False),
    (_("Short name"), ("short_name",), _text, False),
    (_("Unified social credit code"), ("uscc",), _text, False),
    (_("Tax ID"), ("tax_id",), _text, True),
    (_("Bank"), ("bank",), _text, False),
    (_("Bank account"), ("bank_account",), _text, True),
    (_("Address"), ("province", "city", "district", "street"), _address, False),
    (_("Phone"), ("phone",), _text, False),
    (_("Region"), ("region__label",), _text, False),
    (_("Industry"), ("industry__label",), _text, False),
    (_("Rating"), ("rating__label",), _text, False),
    (_("Enterprise nature"), ("nature__label",), _text, False),
    (_("Enterprise size"), ("size__label",), _text, False),
    (_("Credit level"), ("credit_level__label",), _text, True),
    (_("Source"), ("source__label",), _text, False),
    (_("Credit limit"), ("credit_limit",), _text, False),
    (_("Lifecycle status"), ("status",), lambda v: str(_STATUS.get(v, v)), False),
    (_("Tags"), ("tags",), _text, False),
    (_("Owner"), ("owner__name", "owner__username"), _person, False),
    (_("Unit"), ("org_unit__name",), _text, False),
    (_("Created at"), ("created_at",), _when, False),
    (_("Updated at"), ("updated_at",), _when, False),
]


def columns(*, sensitive: bool) -> list[Column]:
    return [col for col in COLUMNS if sensitive or not col[3]]


def headers(*, sensitive: bool) -> list[str]:
    """Chinese headers whatever the reader's language (the import template reads them)."""
    with translation.override("zh-hans"):
        return [str(col[0]) for col in columns(sensitive=sensitive)]


def rows(qs: QuerySet[Customer], *, sensitive: bool) -> Iterator[list[Any]]:
    cols = columns(sensitive=sensitive)
    paths: list[str] = []
    parts: list[tuple[Callable[..., Any], slice]] = []
    for _h, fields, how, _s in cols:
        parts.append((how, slice(len(paths), len(paths) + len(fields))))
        paths.extend(fields)
    for values in qs.values_list(*paths).iterator(chunk_size=CHUNK):
        yield [neutralise(how(*values[at])) for how, at in parts]


def csv_chunks(qs: QuerySet[Customer], *, sensitive: bool) -> Iterator[bytes]:
    return tabular.csv_chunks(headers(sensitive=sensitive), rows(qs, sensitive=sensitive))


def xlsx_file(qs: QuerySet[Customer], *, sensitive: bool) -> IO[bytes]:
    title = str(_("Customers"))
    return tabular.xlsx_file(title, headers(sensitive=sensitive), rows(qs, sensitive=sensitive))


def filename(ext: str) -> str:
    return f"customers-{timezone.localtime():%Y%m%d-%H%M}.{ext}"
