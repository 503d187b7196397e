"""Reminder sources: an open invoice due in N days (the parameter) reminds its owner once; an
overdue one nags daily; a paid one says nothing."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from crm.orders import reminders, services_receivables, services_shipping
from crm.system.reminders import PERIOD_DAILY, PERIOD_ONCE, sources

pytestmark = pytest.mark.usefixtures("demo_once")


def test_due_and_overdue_reminders(
    west_order: Any, rep_west: Any, finance: Any, confirmed: Any, west_customer: Any
) -> None:
    assert {"receivable_due", "receivable_overdue"} <= set(sources())
    order = confirmed(west_order)
    line = order.lines.get()
    services_shipping.shipment_create(
        order=order, actor=rep_west, quantities={line.pk: line.quantity}
    )
    today = timezone.localdate()
    inv = services_receivables.invoice_create(
        order=order, actor=finance, issue_date=today, due_date=today + timedelta(days=7)
    )
    due = list(reminders.receivable_due(today))
    assert [(r.user_id, r.period, r.key) for r in due] == [
        (rep_west.pk, PERIOD_ONCE, f"receivable-due:{inv.number}")
    ]
    assert list(reminders.receivable_overdue(today)) == []
    later = today + timedelta(days=8)
    overdue = list(reminders.receivable_overdue(later))
    assert [(r.user_id, r.period) for r in overdue] == [(rep_west.pk, PERIOD_DAILY)]
    assert overdue[0].url == f"/orders/invoices/{inv.pk}/"
    # the amount as the pages show it (two places), not the column's 1130.0000000000
    assert overdue[0].body.endswith("1130.00") and due[0].body.endswith("1130.00")
    services_receivables.payment_create(
        customer=west_customer, actor=finance, amount=inv.gross_amount,
        allocations=[(inv, inv.gross_amount)],
    )  # fmt: skip
    assert list(reminders.receivable_overdue(later)) == []
    assert Decimal(0) == sum(r.due is None for r in due)
