"""The sales forecast (SAL-11): weighted pipeline by expected-close period.

`forecast(user, period, group_by)` is the figure other modules (orders, production planning)
read. Weighted amount = amount × probability / 100. Each opportunity counts in the forecast
category of its stage: commit, best case or pipeline while open, closed when won; lost
(omitted) ones are left out.

The sums come from the forecast summary (ForecastCell: per month of expected close, owner,
unit and stage; kept by the opportunity services, see services_forecast), joined to the stages
for their category: a few thousand cells instead of every opportunity. When `start` or `end`
cuts a month, that month's days are summed from the opportunities themselves, in the same
query (UNION ALL), so any day range is exact. Units and people are named with one query each.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.access import scoped_by_unit_ids
from crm.core.errors import ValidationFailed
from crm.core.fields import quantize
from crm.core.modules import Module
from crm.org.models import OrgUnit, UnitKind, User

from .models import ForecastCategory, ForecastCell
from .scoping import opportunities_in_scope
from .stages import units_of_business_unit_q

PERIODS = ("month", "quarter")
GROUPS = ("owner", "unit", "business_unit")
CATEGORIES = (
    ForecastCategory.COMMIT,
    ForecastCategory.BEST_CASE,
    ForecastCategory.PIPELINE,
    ForecastCategory.CLOSED,
)
_MONEY = DecimalField(max_digits=22, decimal_places=6)


@dataclass
class ForecastRow:
    period: date  # first day of the month or quarter
    group_id: int | None
    group: str
    # Weighted amounts by forecast category (closed = won, at 100 %).
    commit: Decimal = Decimal(0)
    best_case: Decimal = Decimal(0)
    pipeline: Decimal = Decimal(0)
    closed: Decimal = Decimal(0)
    amount: Decimal = Decimal(0)  # unweighted amount of the open ones
    count: int = 0

    @property
    def weighted(self) -> Decimal:
        """The open weighted pipeline: commit + best case + pipeline."""
        return self.commit + self.best_case + self.pipeline


@dataclass
class Forecast:
    period: str
    group_by: str
    start: date
    end: date
    rows: list[ForecastRow] = field(default_factory=list)

    @property
    def periods(self) -> list[date]:
        return sorted({r.period for r in self.rows})

    def by_period(self) -> list[ForecastRow]:
        """One total row per period (all groups), for the chart."""
        totals: dict[date, ForecastRow] = {}
        for r in self.rows:
            t = totals.setdefault(r.period, ForecastRow(r.period, None, ""))
            _add(t, r)
        return [totals[p] for p in sorted(totals)]

    @property
    def total(self) -> ForecastRow:
        t = ForecastRow(self.start, None, _("Total"))
        for r in self.rows:
            _add(t, r)
        return t


def _add(target: ForecastRow, r: ForecastRow) -> None:
    for name in ("commit", "best_case", "pipeline", "closed", "amount"):
        setattr(target, name, getattr(target, name) + getattr(r, name))
    target.count += r.count


def period_label(day: date, period: str) -> str:
    if period == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def default_range(today: date | None = None) -> tuple[date, date]:
    """This month and the eleven after it."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    month = start.month + 11
    year = start.year + (month - 1) // 12
    end_first = date(year, (month - 1) % 12 + 1, 1)
    next_month = date(end_first.year + end_first.month // 12, end_first.month % 12 + 1, 1)
    return start, date.fromordinal(next_month.toordinal() - 1)


def _business_units() -> dict[int, tuple[int | None, str]]:
    """{org unit id: (its business unit id, name)} for every unit (one query)."""
    units = list(OrgUnit.all_objects.values("id", "path", "kind", "name", "depth"))
    companies = {u["id"]: u for u in units if u["kind"] == UnitKind.COMPANY}
    out: dict[int, tuple[int | None, str]] = {}
    for u in units:
        ids = [int(p) for p in (u["path"] or "").strip("/").split("/") if p.isdigit()]
        found = [companies[i] for i in ids if i in companies]
        best = max(found, key=lambda c: c["depth"]) if found else None
        out[u["id"]] = (best["id"], best["name"]) if best else (None, "")
    return out


def forecast(
    user: Any,
    period: str = "month",
    group_by: str = "owner",
    *,
    start: date | None = None,
    end: date | None = None,
    business_unit: OrgUnit | None = None,
    owner: int | None = None,
) -> Forecast:
    """The user's weighted pipeline by expected-close `period` ("month" or "quarter") and
    `group_by` ("owner", "unit" or "business_unit"), between `start` and `end` (default: this
    month and the next eleven)."""
    if period not in PERIODS:
        raise ValidationFailed(fields={"period": [_("Choose month or quarter.")]})
    if group_by not in GROUPS:
        raise ValidationFailed(fields={"group_by": [_("Choose owner, unit or business unit.")]})
    d_start, d_end = default_range()
    start, end = start or d_start, end or d_end
    result = Forecast(period=period, group_by=group_by, start=start, end=end)
    if end < start:
        return result  # an empty period
    key = "owner_id" if group_by == "owner" else "org_unit_id"
    trunc = TruncQuarter if period == "quarter" else TruncMonth
    where = Q(stage__forecast_category__in=[c.value for c in CATEGORIES])
    if business_unit is not None:
        where &= units_of_business_unit_q(business_unit)
    if owner is not None:
        where &= Q(owner_id=owner)
    rows = summed(
        user,
        start,
        end,
        where,
        lambda day: {"p": trunc(day), "g": F(key), "cat": F("stage__forecast_category")},
    )
    cells: dict[tuple[date, int | None], ForecastRow] = {}
    bu_map = _business_units() if group_by == "business_unit" else {}
    for (day, gid, cat), (weighted, amount, n) in rows.items():
        if group_by == "business_unit":
            gid = bu_map.get(gid, (None, ""))[0]
        cell = cells.setdefault((day, gid), ForecastRow(day, gid, ""))
        w = quantize(weighted, 2)
        if cat == ForecastCategory.CLOSED:
            cell.closed += quantize(amount, 2)
        else:
            setattr(cell, cat, getattr(cell, cat) + w)
            cell.amount += quantize(amount, 2)
        cell.count += n
    names = _names(group_by, {gid for _d, gid in cells}, bu_map)
    for cell in cells.values():
        cell.group = names.get(cell.group_id, "") or str(_("Group level"))
    result.rows = sorted(cells.values(), key=lambda c: (c.period, c.group, c.group_id or 0))
    return result


Sums = tuple[Decimal, Decimal, int]  # weighted amount, amount, count (unrounded)


def _month_span(start: date | None, end: date | None) -> tuple[date | None, date | None] | None:
    """The first and the last month lying wholly within [start, end] (None: unbounded), or
    None when no month does."""
    first = start if start is None or start.day == 1 else _next_month(start)
    last = None
    if end is not None:
        last = end.replace(day=1)
        if _next_month(end) - timedelta(days=1) != end:  # end's month is not whole
            last = (last - timedelta(days=1)).replace(day=1)
    if first is not None and last is not None and first > last:
        return None
    return first, last


def _next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def summed(
    user: Any,
    start: date | None,
    end: date | None,
    where: Q,
    group: Callable[[str], dict[str, Any]],
) -> dict[tuple[Any, ...], Sums]:
    """Σ weighted amount, Σ amount and count of the user's opportunities expected to close
    between `start` and `end` (None: unbounded) that match `where`, grouped by the
    expressions `group(day field)` returns: {group values: sums}, in one query.

    Whole months come from the summary (`where` may name owner, org_unit and stage, which the
    cells share with the opportunities); the days of a partly covered first or last month
    from the opportunities themselves, in the same query (UNION ALL), so any day range is
    exact."""
    if start is not None and end is not None and end < start:
        return {}
    # (rows, their day field, Σ weighted × per, per, count)
    parts: list[tuple[QuerySet[Any], str, Any, int, Any]] = []
    edges: list[tuple[date | None, date | None]] = [(start, end)]
    span = _month_span(start, end)
    if span is not None:
        first, last = span
        # the cells carry owner and org_unit: the opportunities' scope rule applies as is
        cells = scoped_by_unit_ids(ForecastCell.objects.all(), user, Module.SALES)
        cells = cells.filter(count__gt=0)
        if first is not None:
            cells = cells.filter(month__gte=first)
        if last is not None:
            cells = cells.filter(month__lte=last)
        parts.append((cells, "month", Sum("weighted", output_field=_MONEY), 1, Sum("count")))
        edges = []
        if start is not None and first is not None and start < first:
            edges.append((start, first - timedelta(days=1)))
        if end is not None and last is not None and end >= _next_month(last):
            edges.append((_next_month(last), end))
    if edges:
        in_scope = opportunities_in_scope(user)  # a unit scope is resolved once, here
    for a, b in edges:
        opps = in_scope
        if a is not None:
            opps = opps.filter(expected_close__gte=a)
        if b is not None:
            opps = opps.filter(expected_close__lte=b)
        # Divided by 100 in Python: SQLite would divide two integers as integers.
        weighted = Sum(F("amount") * F("probability"), output_field=_MONEY)
        # COUNT(*): with the sales_opp_close_sums index the days are an index-only scan
        parts.append((opps, "expected_close", weighted, 100, Count("*")))
    queries = []
    for qs, day, weighted, per, n in parts:
        expressions = group(day)
        queries.append(
            qs.filter(where)
            .order_by()
            .values(**expressions)
            .annotate(
                weighted=weighted,
                amount=Sum("amount", output_field=_MONEY),
                n=n,
                per=Value(per, output_field=IntegerField()),
            )
        )
    union = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    out: dict[tuple[Any, ...], Sums] = {}
    for r in union:
        k = tuple(v.date() if isinstance(v, datetime) else v for v in (r[e] for e in expressions))
        w, amount, n = out.get(k, (Decimal(0), Decimal(0), 0))
        weighted = Decimal(r["weighted"] or 0) / r["per"]
        out[k] = (w + weighted, amount + Decimal(r["amount"] or 0), n + r["n"])
    return out


def _names(
    group_by: str, ids: set[int | None], bu_map: dict[int, tuple[int | None, str]]
) -> dict[int | None, str]:
    real = {i for i in ids if i is not None}
    if group_by == "owner":
        return {u.pk: str(u) for u in User.objects.filter(pk__in=real)}
    if group_by == "unit":
        return dict(OrgUnit.all_objects.filter(pk__in=real).values_list("id", "name"))
    return {bu: name for bu, name in bu_map.values() if bu in real}
