"""System parameters: each key's type, default, bounds and label.

Rows in SystemParameter hold values an administrator changed; a missing row means the default.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from crm.core.errors import ValidationFailed

CURRENCIES = ["CNY", "HKD", "TWD", "USD", "EUR", "JPY", "GBP", "KRW", "SGD"]


@dataclass(frozen=True)
class ParamSpec:
    key: str
    label: Any
    kind: str  # "int", "choice", "month_day", "text"
    default: str
    min_value: int | None = None
    max_value: int | None = None
    choices: tuple[str, ...] = ()
    unit: Any = ""
    help_text: Any = ""


def _int(spec: ParamSpec, raw: str) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ValidationFailed(_("Enter a whole number.")) from None
    if spec.min_value is not None and value < spec.min_value:
        raise ValidationFailed(_("The smallest allowed value is %(n)s.") % {"n": spec.min_value})
    if spec.max_value is not None and value > spec.max_value:
        raise ValidationFailed(_("The largest allowed value is %(n)s.") % {"n": spec.max_value})
    return value


def _choice(spec: ParamSpec, raw: str) -> str:
    value = str(raw).strip().upper()
    if value not in spec.choices:
        raise ValidationFailed(_("Choose one of: %(c)s.") % {"c": ", ".join(spec.choices)})
    return value


def _month_day(spec: ParamSpec, raw: str) -> str:
    value = str(raw).strip()
    try:
        # 2024 is a leap year, so 02-29 is accepted as a month-day.
        parsed = dt.datetime.strptime(f"2024-{value}", "%Y-%m-%d")  # noqa: DTZ007
    except ValueError:
        raise ValidationFailed(_("Enter a month and day as MM-DD, e.g. 01-01.")) from None
    return parsed.strftime("%m-%d")


def _text(spec: ParamSpec, raw: str) -> str:
    return str(raw).strip()


_PARSERS: dict[str, Callable[[ParamSpec, str], Any]] = {
    "text": _text,
    "int": _int,
    "choice": _choice,
    "month_day": _month_day,
}

_SPECS = [
    ParamSpec(
        "receivable_due_reminder_days",
        _("Receivable due reminder lead time"),
        "int",
        "7",
        0,
        365,
        unit=_("days"),
        help_text=_("Remind this many days before a receivable falls due."),
    ),
    ParamSpec(
        "contract_expiry_reminder_days",
        _("Contract expiry reminder lead time"),
        "int",
        "30",
        0,
        365,
        unit=_("days"),
        help_text=_("Remind this many days before a contract expires."),
    ),
    ParamSpec(
        "company_name",
        _("Company name"),
        "text",
        "本公司",
        help_text=_("Printed at the top of quotes and contracts."),
    ),
    ParamSpec("amount_decimal_places", _("Decimal places for amounts"), "int", "2", 0, 4),
    ParamSpec("quantity_decimal_places", _("Decimal places for quantities"), "int", "3", 0, 4),
    ParamSpec("price_decimal_places", _("Decimal places for prices"), "int", "4", 0, 4),
    ParamSpec(
        "default_currency", _("Default currency"), "choice", "CNY", choices=tuple(CURRENCIES)
    ),
    ParamSpec(
        "customer_stale_months",
        _("Customer stale after"),
        "int",
        "12",
        1,
        120,
        unit=_("months"),
        help_text=_("A customer not updated for this many months is listed as stale."),
    ),
    ParamSpec(
        "fiscal_year_start",
        _("Fiscal year start"),
        "month_day",
        "01-01",
        help_text=_("Month and day, MM-DD."),
    ),
]

PARAMETERS: dict[str, ParamSpec] = {s.key: s for s in _SPECS}


def parse_value(key: str, raw: Any) -> Any:
    """Validate `raw` for `key`; return the typed value or raise ValidationFailed."""
    spec = PARAMETERS[key]
    if raw is None or str(raw).strip() == "":
        raise ValidationFailed(_("This value is required."))
    if len(str(raw)) > 200:
        raise ValidationFailed(_("The value is too long."))
    return _PARSERS[spec.kind](spec, str(raw))
