"""Target periods: months, quarters and years, aligned with the fiscal year's first month.

The system parameter `fiscal_year_start` (MM-DD) gives the first month of the fiscal year;
quarters and years start on the first day of that month (its day is not used). With the
default 01-01 they are calendar quarters and years.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from .models_activities import PeriodKind

_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}


def fiscal_start_month() -> int:
    from crm.org.selectors import parameter_get

    value = parameter_get("fiscal_year_start")
    try:
        month = int(str(value)[:2])
    except (TypeError, ValueError):
        return 1
    return month if 1 <= month <= 12 else 1


def add_months(d: date, months: int) -> date:
    total = d.year * 12 + (d.month - 1) + months
    return date(total // 12, total % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # exclusive

    fiscal_month: int = 1

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            fiscal_year = (
                self.start.year if self.start.month >= self.fiscal_month else (self.start.year - 1)
            )
            quarter = (self.start.month - self.fiscal_month) % 12 // 3 + 1
            return _("%(year)s Q%(quarter)s") % {"year": fiscal_year, "quarter": quarter}
        return _("Year %(year)s") % {"year": self.start.year}

    def previous(self) -> "Period":
        step = _MONTHS[PeriodKind(self.kind)]
        return period_of(self.kind, add_months(self.start, -step), self.fiscal_month)

    def next(self) -> "Period":
        return period_of(self.kind, self.end, self.fiscal_month)


def period_of(kind: str, day: date, fiscal_month: int | None = None) -> Period:
    """The period of `kind` that contains `day`."""
    kind = PeriodKind(kind)
    months = _MONTHS[kind]
    first = date(day.year, day.month, 1)
    fm = 1
    if kind != PeriodKind.MONTH:
        fm = fiscal_month if fiscal_month is not None else fiscal_start_month()
        first = add_months(first, -((first.month - fm) % months))
    return Period(kind=str(kind), start=first, end=add_months(first, months), fiscal_month=fm)


def is_period_start(kind: str, day: date, fiscal_month: int | None = None) -> bool:
    return period_of(kind, day, fiscal_month).start == day


def parse_period(kind: Any, day: Any, today: date, fiscal_month: int | None = None) -> Period:
    """A period from the query string (bad values fall back to this month), never a 500."""
    try:
        k = PeriodKind(kind or PeriodKind.MONTH)
    except ValueError:
        k = PeriodKind.MONTH
    try:
        d = date.fromisoformat(str(day)) if day else today
    except ValueError:
        d = today
    if not (date(1990, 1, 1) <= d <= date(2100, 1, 1)):
        d = today
    return period_of(k, d, fiscal_month)


def period_at(kind: str, start: date, fiscal_month: int = 1) -> Period:
    """The period of `kind` that begins on `start` (a stored target's; no query)."""
    k = PeriodKind(kind)
    return Period(
        kind=str(k),
        start=start,
        end=add_months(start, _MONTHS[k]),
        fiscal_month=fiscal_month if k != PeriodKind.MONTH else 1,
    )
