"""The service home page (issue #6 point 8): an agent's day — their queue with SLA clocks, the
queue's warnings and breaches, the revisits due — and for managers SLA compliance and service
statistics with charts (ECharts options built here, drawn by the page's script)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.access import get_access, require
from crm.core.modules import Action, Module
from crm.web.pages import page_view

from . import selectors_home

_GRID = {"left": 8, "right": 8, "top": 36, "bottom": 8, "containLabel": True}


def _type_chart(stats: selectors_home.Stats) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "type": "scroll"},
        "grid": _GRID,
        "xAxis": {"type": "category", "data": stats.months},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": name, "type": "bar", "stack": "tickets", "data": counts}
            for name, counts in stats.by_type
        ],
    }


def _pie(name: str, data: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}: {c} ({d}%)"},
        "legend": {"bottom": 0, "type": "scroll"},
        "series": [
            {
                "name": name,
                "type": "pie",
                "radius": ["35%", "65%"],
                "center": ["50%", "45%"],
                "label": {"formatter": "{b}\n{c}"},
                "data": data,
            }
        ],
    }


def _compliance_chart(stats: selectors_home.Stats) -> dict[str, Any]:
    by_month = {r.key: r for r in stats.compliance}

    def series(name: str, attr: str) -> dict[str, Any]:
        values = [getattr(by_month[m], attr) if m in by_month else None for m in stats.months]
        return {"name": name, "type": "line", "connectNulls": True, "data": values}

    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": _GRID,
        "xAxis": {"type": "category", "data": stats.months},
        "yAxis": {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": [
            series(_("First response met"), "first_percent"),
            series(_("Resolution met"), "resolution_percent"),
        ],
    }


def _charts(stats: selectors_home.Stats) -> dict[str, Any]:
    charts: dict[str, Any] = {}
    if stats.created:
        charts["chart-types"] = _type_chart(stats)
    if stats.by_status:
        charts["chart-status"] = _pie(
            _("Tickets not yet closed, by status"),
            [{"name": label, "value": n} for _value, label, n in stats.by_status],
        )
    if stats.causes:
        charts["chart-causes"] = _pie(
            _("Complaint causes"), [{"name": r.label, "value": r.complaints} for r in stats.causes]
        )
    if stats.first_total or stats.resolution_total:
        charts["chart-compliance"] = _compliance_chart(stats)
    return charts


@page_view
def service_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, Module.SERVICE, Action.VIEW)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "today": today,
        "now": timezone.now(),
        "can_create": get_access(user).can(Module.SERVICE, Action.CREATE),
        "queue": None,
        "revisits": None,
        "stats": None,
        "charts": {},
    }
    if selectors_home.has_queue(user):
        context["queue"] = selectors_home.agent_queue(user)
        context["revisits"] = selectors_home.revisits_due(user, today)
    # The statistics read twelve months of tickets: they load after the page (htmx).
    context["stats_lazy"] = selectors_home.is_manager(user)
    return render(request, "service/home.html", context)


@page_view
def service_home_stats(request: HttpRequest) -> HttpResponse:
    """A manager's statistics and charts: the fragment for the home page, a page without
    htmx; 404 for everyone else, as for a page they do not have."""
    user = request.user
    require(user, Module.SERVICE, Action.VIEW)
    if not selectors_home.is_manager(user):
        raise Http404
    stats = selectors_home.service_stats(user, timezone.localdate())
    context = {"stats": stats, "charts": _charts(stats)}
    if request.headers.get("HX-Request"):
        return render(request, "service/_home_stats_fragment.html", context)
    return render(request, "service/home_stats.html", context)
