"""The forecast page (SAL-11): weighted pipeline by period and rep/unit/business unit, with a
chart (ECharts) and CSV/XLSX export."""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from crm.core.access import get_access, require
from crm.core.modules import Action, Module, Special
from crm.org.models import OrgUnit, UnitKind
from crm.org.selectors import employees_for_user
from crm.web.pages import page_view

from . import export, selectors
from .forecast import Forecast, period_label
from .forms import ForecastForm


def _forecast(request: HttpRequest) -> tuple[Forecast, dict[str, Any]]:
    values = ForecastForm(request.GET).values()
    unit = None
    if values.get("business_unit"):
        unit = OrgUnit.objects.filter(pk=values["business_unit"], kind=UnitKind.COMPANY).first()
    f = selectors.forecast(
        request.user,
        values.get("period", "month"),
        values.get("group_by", "owner"),
        start=values.get("start"),
        end=values.get("end"),
        business_unit=unit,
        owner=values.get("owner"),
    )
    return f, values


def _chart(f: Forecast) -> dict[str, Any]:
    totals = f.by_period()
    return {
        "periods": [period_label(t.period, f.period) for t in totals],
        "series": [
            {"name": str(_("Commit")), "data": [float(t.commit) for t in totals]},
            {"name": str(_("Best case")), "data": [float(t.best_case) for t in totals]},
            {"name": str(_("Pipeline")), "data": [float(t.pipeline) for t in totals]},
        ],
        "won": {"name": str(_("Won")), "data": [float(t.closed) for t in totals]},
    }


@page_view
def forecast_page(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.VIEW)
    f, values = _forecast(request)
    access = get_access(request.user)
    return render(
        request,
        "sales/forecast.html",
        {
            "f": f,
            "values": values,
            "rows": [(period_label(r.period, f.period), r) for r in f.rows],
            "total": f.total,
            "chart": _chart(f),
            "units": selectors.business_unit_choices(),
            "owners": employees_for_user(request.user, active=True),
            "can_export": access.can(Module.SALES, Action.EXPORT) and access.has(Special.EXPORT),
            "query": request.GET.urlencode(),
        },
    )


@page_view
def forecast_export(request: HttpRequest) -> HttpResponseBase:
    export.require_export(request.user)
    f, _values = _forecast(request)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return export.forecast_response(f, fmt)
