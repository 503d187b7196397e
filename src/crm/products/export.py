"""Export of the filtered product list: CSV (streamed) and XLSX, in constant memory.

Formula-like text is neutralised with the customers export's `neutralise`; the headers are the
import template's Chinese ones, so an exported file can be edited and imported again.
"""

from collections.abc import Callable, Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core import tabular
from crm.core.tabular import neutralise

from .models import Product

CHUNK = 2000

Column = tuple[Any, Callable[[Product], Any]]
COLUMNS: list[Column] = [
    (_("Code"), lambda p: p.code),
    (_("Name"), lambda p: p.name),
    (_("Brand"), lambda p: p.brand.name if p.brand else ""),
    (_("Series"), lambda p: p.series.name if p.series else ""),
    (_("Specification"), lambda p: p.specification),
    (pgettext_lazy("unit of measure", "Unit"), lambda p: p.unit.code),
    (_("List price"), lambda p: p.list_price),
    (_("On sale"), lambda p: "是" if p.active else "否"),
    (_("Description"), lambda p: p.description),
    (
        _("Updated at"),
        lambda p: timezone.localtime(p.updated_at).strftime("%Y-%m-%d %H:%M"),
    ),
]


def headers() -> list[str]:
    with translation.override("zh-hans"):
        return [str(h) for h, _get in COLUMNS]


def rows(qs: QuerySet[Product]) -> Iterator[list[Any]]:
    for product in qs.select_related("brand", "series", "unit").iterator(chunk_size=CHUNK):
        yield [neutralise(get(product)) for _h, get in COLUMNS]


def csv_chunks(qs: QuerySet[Product]) -> Iterator[bytes]:
    return tabular.csv_chunks(headers(), rows(qs))


def xlsx_file(qs: QuerySet[Product]) -> IO[bytes]:
    return tabular.xlsx_file(str(_("Products")), headers(), rows(qs))


def filename(ext: str) -> str:
    return f"products-{timezone.localtime():%Y%m%d-%H%M}.{ext}"
