"""Export of the forecast (SAL-11): CSV (UTF-8 with BOM) or XLSX, Chinese headers.

Formula neutralising and the BOM are the customers export's (crm.customers.export).
"""

from typing import IO, Any

from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from crm.core import tabular
from crm.core.access import require, require_special
from crm.core.modules import Action, Module, Special
from crm.core.tabular import neutralise

from .forecast import Forecast, period_label

TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def require_export(user: Any) -> None:
    require(user, Module.SALES, Action.EXPORT)
    require_special(user, Special.EXPORT)


def headers() -> list[str]:
    with translation.override("zh-hans"):
        return [
            _("Period"),
            pgettext("forecast", "Group"),
            _("Commit"),
            _("Best case"),
            _("Pipeline"),
            _("Weighted total"),
            _("Won"),
            _("Open amount"),
            _("Opportunities"),
        ]


def rows(f: Forecast) -> list[list[Any]]:
    out: list[list[Any]] = [
        [
            period_label(r.period, f.period),
            neutralise(r.group),
            r.commit,
            r.best_case,
            r.pipeline,
            r.weighted,
            r.closed,
            r.amount,
            r.count,
        ]
        for r in f.rows
    ]
    t = f.total
    with translation.override("zh-hans"):
        label = str(_("Total"))
    out.append(
        [label, "", t.commit, t.best_case, t.pipeline, t.weighted, t.closed, t.amount, t.count]
    )
    return out


def csv_bytes(f: Forecast) -> bytes:
    return tabular.csv_bytes(headers(), rows(f))


def xlsx_file(f: Forecast) -> IO[bytes]:
    with translation.override("zh-hans"):
        title = str(_("Forecast"))
    return tabular.xlsx_file(title, headers(), rows(f))


def filename(ext: str) -> str:
    return f"forecast-{timezone.localtime():%Y%m%d-%H%M}.{ext}"


def forecast_response(f: Forecast, fmt: str) -> HttpResponseBase:
    """The forecast has one row per period and group: small, so built in memory."""
    if fmt == "xlsx":
        return FileResponse(
            xlsx_file(f), as_attachment=True, filename=filename("xlsx"), content_type=TYPES["xlsx"]
        )
    response = HttpResponse(csv_bytes(f), content_type=TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{filename("csv")}"'
    return response
