"""The sales forecast (SAL-11): weighted pipeline by expected-close period.

`forecast(user, period, group_by)` is the figure other modules (orders, production planning)
read. Weighted amount = amount × probability / 100. Each opportunity counts in the forecast
category of its stage: commit, best case or pipeline while open, closed when won; lost
(omitted) ones are left out. One aggregate query over the user's scope does the sums; units
and people are named with one query each.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, Sum
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.errors import ValidationFailed
from crm.core.fields import quantize
from crm.org.models import OrgUnit, UnitKind, User

from .models import ForecastCategory
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
    qs = opportunities_in_scope(user).filter(
        expected_close__gte=start,
        expected_close__lte=end,
        stage__forecast_category__in=[c.value for c in CATEGORIES],
    )
    if end < start:
        qs = qs.none()  # an empty period
    if business_unit is not None:
        qs = qs.filter(units_of_business_unit_q(business_unit))
    if owner is not None:
        qs = qs.filter(owner_id=owner)
    trunc = TruncQuarter if period == "quarter" else TruncMonth
    key = "owner_id" if group_by == "owner" else "org_unit_id"
    weighted = F("amount") * F("probability") / 100
    rows = (
        qs.order_by()
        .values(p=trunc("expected_close"), g=F(key), cat=F("stage__forecast_category"))
        .annotate(
            weighted=Sum(weighted, output_field=_MONEY),
            amount=Sum("amount", output_field=_MONEY),
            n=Count("id"),
        )
    )
    result = Forecast(period=period, group_by=group_by, start=start, end=end)
    cells: dict[tuple[date, int | None], ForecastRow] = {}
    bu_map = _business_units() if group_by == "business_unit" else {}
    for r in rows:
        day = r["p"].date() if hasattr(r["p"], "date") else r["p"]
        gid = r["g"]
        if group_by == "business_unit":
            gid = bu_map.get(gid, (None, ""))[0]
        cell = cells.setdefault((day, gid), ForecastRow(day, gid, ""))
        w = quantize(r["weighted"] or 0, 2)
        cat = r["cat"]
        if cat == ForecastCategory.CLOSED:
            cell.closed += quantize(r["amount"] or 0, 2)
        else:
            setattr(cell, cat, getattr(cell, cat) + w)
            cell.amount += quantize(r["amount"] or 0, 2)
        cell.count += r["n"]
    names = _names(group_by, {gid for _d, gid in cells}, bu_map)
    for cell in cells.values():
        cell.group = names.get(cell.group_id, "") or str(_("Group level"))
    result.rows = sorted(cells.values(), key=lambda c: (c.period, c.group, c.group_id or 0))
    return result


def _names(
    group_by: str, ids: set[int | None], bu_map: dict[int, tuple[int | None, str]]
) -> dict[int | None, str]:
    real = {i for i in ids if i is not None}
    if group_by == "owner":
        return {u.pk: str(u) for u in User.objects.filter(pk__in=real)}
    if group_by == "unit":
        return dict(OrgUnit.all_objects.filter(pk__in=real).values_list("id", "name"))
    return {bu: name for bu, name in bu_map.values() if bu in real}
