"""Reminder sources (crm.system.reminders): receivables falling due in N days (the
`receivable_due_reminder_days` parameter) and overdue ones, each to the invoice's owner."""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _

from .models_receivables import Invoice
from .selectors_receivables import with_open

BATCH = 2000


def _money(value: Any) -> str:
    """An amount as the pages show it: the system's decimal places, the language's grouping."""
    from crm.org.selectors import parameter_get

    return floatformat(value, f"{int(parameter_get('amount_decimal_places'))}g")


def _open_invoices(**filters: Any) -> Iterator[Any]:
    qs = (
        with_open(Invoice.objects.filter(settled=False, **filters))
        .filter(open_amount__gt=0)
        .select_related("customer")
        .order_by("id")
    )
    return qs.iterator(chunk_size=BATCH)


def receivable_due(today: date) -> Iterator[Any]:
    """Open invoices due exactly N days from today: once per invoice."""
    from crm.org.selectors import parameter_get
    from crm.system.reminders import PERIOD_ONCE, Reminder

    days = int(parameter_get("receivable_due_reminder_days"))
    for inv in _open_invoices(due_date=today + timedelta(days=days)):
        yield Reminder(
            user_id=inv.owner_id,
            key=f"receivable-due:{inv.number}",
            title=_("Receivable %(number)s of %(customer)s falls due on %(due)s")
            % {"number": inv.number, "customer": inv.customer.name, "due": inv.due_date},
            body=_("Open amount: %(amount)s") % {"amount": _money(inv.open_amount)},
            url=reverse("orders:invoice_detail", args=[inv.pk]),
            due=inv.due_date,
            period=PERIOD_ONCE,
        )


def receivable_overdue(today: date) -> Iterator[Any]:
    """Open invoices past their due date: a daily nag to the owner."""
    from crm.system.reminders import PERIOD_DAILY, Reminder

    for inv in _open_invoices(due_date__lt=today):
        yield Reminder(
            user_id=inv.owner_id,
            key=f"receivable-overdue:{inv.number}",
            title=_("Receivable %(number)s of %(customer)s is overdue since %(due)s")
            % {"number": inv.number, "customer": inv.customer.name, "due": inv.due_date},
            body=_("Open amount: %(amount)s") % {"amount": _money(inv.open_amount)},
            url=reverse("orders:invoice_detail", args=[inv.pk]),
            due=inv.due_date,
            period=PERIOD_DAILY,
        )
