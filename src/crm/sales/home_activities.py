"""The sales panels of the home page (crm.web.home) and the activities tab of the customer
360° page (crm.customers.tabs). Each context reads through the scoped selectors with a fixed
number of queries, whatever the amount of data.

A rep sees their own day, target and pipeline; a manager (sales scope beyond their own
records) the same for their scope, plus one row per rep.
"""

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.access import get_access
from crm.core.modules import Action, Module

from . import selectors_activities as sel
from . import selectors_targets as tsel
from .models_activities import PeriodKind
from .target_periods import fiscal_start_month, period_of

TEAM_ROWS = 50


def _month() -> Any:
    return period_of(PeriodKind.MONTH, timezone.localdate())


def day_panel(user: Any) -> dict[str, Any]:
    """Today's activities (visits first in mind) and the overdue ones; the month's visit
    achievement rate. Four queries."""
    manager = sel.is_manager(user)
    month = _month()
    rates = sel.visit_rates(user, month.start, month.end, owner=None if manager else user.pk)
    return {
        "agenda": sel.agenda(user, team=manager, days=0),
        "team": manager,
        "rate": sel.visit_total(rates),
        "period": month,
        "can_create": get_access(user).can(Module.SALES, Action.CREATE),
        "now": timezone.now(),
    }


def _gauge(percent: float) -> dict[str, Any]:
    top = max(100, min(200, int(percent // 50 + 1) * 50))
    return {
        "series": [
            {
                "type": "gauge",
                "min": 0,
                "max": top,
                "radius": "95%",
                "progress": {"show": True, "width": 12},
                "axisLine": {"lineStyle": {"width": 12}},
                "splitLine": {"length": 8},
                "axisTick": {"show": False},
                "axisLabel": {"distance": 16, "fontSize": 10},
                "pointer": {"show": False},
                "detail": {"valueAnimation": False, "formatter": "{value}%", "fontSize": 22},
                "data": [{"value": round(percent, 1)}],
            }
        ]
    }


def target_panel(user: Any) -> dict[str, Any]:
    """The user's target for this month (else quarter, else year) against the amount won:
    a rep's own; a manager's unit's (or, without one, the sum of the month's rep targets in
    their scope). At most four queries."""
    today = timezone.localdate()
    fiscal = fiscal_start_month()
    periods = [period_of(k, today, fiscal) for k in PeriodKind.values]
    target, period = tsel.my_target(user, periods)
    manager = tsel.is_manager_scope(user)
    goal: Decimal | None = target.amount if target is not None else None
    if goal is None and manager:
        period = periods[0]
        rolled = [t.amount for t in tsel.targets_for_user(user, period=period) if t.rep_id]
        goal = sum(rolled, Decimal(0)) or None
    won = tsel.won_rows(user, period.start, period.end)
    actual = won.total() if manager else won.of_rep(user.pk)
    percent = tsel.percent(actual, goal)
    return {
        "period": period,
        "goal": goal,
        "actual": actual,
        "percent": percent,
        "rolled_up": manager and target is None,
        "chart": _gauge(percent) if percent is not None else None,
        "charts": percent is not None,
        "can_manage": tsel.can_manage_targets(user, Action.CREATE),
        "url": reverse("sales:target_list"),
    }


def pipeline_panel(user: Any) -> dict[str, Any]:
    """Open opportunities by stage: count and amount, and a bar chart. One query."""
    rows = tsel.pipeline_by_stage(user)
    chart = {
        "grid": {"left": 4, "right": 72, "top": 8, "bottom": 4, "containLabel": True},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "value", "axisLabel": {"show": False}, "splitLine": {"show": False}},
        "yAxis": {"type": "category", "inverse": True, "data": [r.name for r in rows]},
        "series": [
            {
                "type": "bar",
                "name": _("Amount"),
                "data": [float(r.amount) for r in rows],
                "label": {"show": True, "position": "right", "fontSize": 10},
            }
        ],
    }
    return {
        "rows": rows,
        "count": sum(r.count for r in rows),
        "amount": sum((r.amount for r in rows), Decimal(0)),
        "chart": chart if rows else None,
        "charts": bool(rows),
        "team": sel.is_manager(user),
    }


def team_panel(user: Any) -> dict[str, Any] | None:
    """One row per rep of a manager's scope: this month's visits and achievement rate, open
    pipeline, amount won and target %. Five queries; None for a rep (no panel)."""
    if not sel.is_manager(user):
        return None
    month = _month()
    people = list(sel.sales_people(user)[: TEAM_ROWS + 1])
    rates = {r.owner_id: r for r in sel.visit_rates(user, month.start, month.end)}
    pipeline = tsel.open_pipeline_by_owner(user)
    won = tsel.won_rows(user, month.start, month.end)
    targets = {t.rep_id: t.amount for t in tsel.targets_for_user(user, period=month) if t.rep_id}
    rows = []
    for p in people[:TEAM_ROWS]:
        rate = rates.get(p.pk)
        count, amount = pipeline.get(p.pk, (0, Decimal(0)))
        actual = won.of_rep(p.pk)
        rows.append(
            {
                "person": p,
                "planned": rate.planned if rate else 0,
                "done": rate.done if rate else 0,
                "rate": rate.rate if rate else None,
                "open_count": count,
                "open_amount": amount,
                "won": actual,
                "target": targets.get(p.pk),
                "percent": tsel.percent(actual, targets.get(p.pk)),
            }
        )
    return {"rows": rows, "more": len(people) > TEAM_ROWS, "period": month}


def customer_tab(user: Any, customer: Any) -> dict[str, Any]:
    """The activities tab of a customer's 360° page: the latest 20 the user may see, and
    the number still planned. Two queries."""
    qs = sel.activities_of_customer(user, customer)
    items = list(qs[:20])
    planned = qs.filter(status="planned").count()
    return {
        "items": items,
        "planned": planned,
        "now": timezone.now(),
        "can_create": get_access(user).can(Module.SALES, Action.CREATE),
    }


def customer_planned(user: Any, customer: Any) -> int:
    """Header figure of the 360° page: the customer's activities still planned."""
    return int(sel.activities_of_customer(user, customer).filter(status="planned").count())
