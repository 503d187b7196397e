"""The home page panel of reps: their own commission this month and last month (one query)."""

from typing import Any

from django.utils import timezone

from . import selectors
from .periods import period_of, previous


def month_panel(user: Any) -> dict[str, Any]:
    this = period_of(timezone.localdate())
    last = previous(this)
    totals = selectors.own_totals(user, [this, last])
    return {
        "this_period": this,
        "last_period": last,
        "this_total": totals.get(this),
        "last_total": totals.get(last),
    }
