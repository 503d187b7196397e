"""Reminder sources of quotes and contracts (registered with crm.system.reminders in
SalesConfig.ready()); pending approvals are in approvals.reminders."""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from crm.system.reminders import Reminder

QUOTE_EXPIRY_LEAD_DAYS = 3


def quotes_expiring(today: date) -> Iterator["Reminder"]:
    """Sent quotes whose validity ends within the next days, to their owner (once). The same
    run expires the quotes already past their date (idempotent)."""
    from crm.system.reminders import Reminder

    from .models_quotes import Quote, QuoteStatus
    from .services_quotes import quotes_expire

    quotes_expire(today)
    rows = Quote.objects.filter(
        status=QuoteStatus.SENT,
        valid_until__gte=today,
        valid_until__lte=today + timedelta(days=QUOTE_EXPIRY_LEAD_DAYS),
    ).values_list("pk", "number", "revision", "owner_id", "valid_until")
    for pk, number, revision, owner_id, valid_until in rows.order_by("id"):
        label = f"{number}-{revision}" if revision > 1 else number
        yield Reminder(
            user_id=owner_id,
            key=f"quote-expiring:{pk}",
            title=_("Quote %(number)s expires on %(day)s")
            % {"number": label, "day": valid_until.isoformat()},
            url=f"/sales/quotes/{pk}/",
            due=valid_until,
        )


def contracts_expiring(today: date) -> Iterator["Reminder"]:
    """Active contracts ending within the lead time of the system parameter
    `contract_expiry_reminder_days`, to their owner (once per contract). The same run expires
    the contracts already past their end (idempotent)."""
    from crm.org.selectors import parameter_get
    from crm.system.reminders import Reminder

    from .models_contracts import Contract, ContractStatus
    from .services_contracts import contracts_expire

    contracts_expire(today)
    lead = parameter_get("contract_expiry_reminder_days")
    rows = Contract.objects.filter(
        status=ContractStatus.ACTIVE,
        end_date__gte=today,
        end_date__lte=today + timedelta(days=lead),
    ).values_list("pk", "number", "title", "owner_id", "end_date")
    for pk, number, title, owner_id, end_date in rows.order_by("id"):
        yield Reminder(
            user_id=owner_id,
            key=f"contract-expiry:{pk}",
            title=_("Contract %(number)s %(title)s ends on %(day)s")
            % {"number": number, "title": title, "day": end_date.isoformat()},
            url=f"/sales/contracts/{pk}/",
            due=end_date,
        )
