"""Commission periods are calendar months written "YYYY-MM"."""

import re
from datetime import date

from django.utils.translation import gettext as _

from crm.core.errors import ValidationFailed

_PERIOD = re.compile(r"(\d{4})-(\d{2})")


def month_bounds(period: str) -> tuple[date, date]:
    """(first day, first day of the next month) of "YYYY-MM"; a 422 for anything else."""
    m = _PERIOD.fullmatch(str(period or ""))
    year, month = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    if not m or not (1 <= month <= 12) or year < 2000 or year > 2999:
        raise ValidationFailed(fields={"period": [_("Enter a month as YYYY-MM.")]})
    start = date(year, month, 1)
    end = date(year + month // 12, month % 12 + 1, 1)
    return start, end


def period_of(day: date) -> str:
    return f"{day:%Y-%m}"


def previous(period: str) -> str:
    start, _end = month_bounds(period)
    return f"{start.year - (start.month == 1)}-{(start.month - 2) % 12 + 1:02d}"
