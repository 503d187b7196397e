"""The orders and receivables tabs and the header figures of the customer 360° page."""

from typing import Any

from django.utils import timezone

from crm.core.fields import quantize
from crm.sales.totals import amount_places

from . import selectors, selectors_receivables

TAB_ROWS = 20


def customer_orders(user: Any, customer: Any) -> dict[str, Any]:
    rows = list(
        selectors.order_list(user, selectors.OrderFilters(customer=customer.pk, ordering="date"))[
            : TAB_ROWS + 1
        ]
    )
    return {
        "orders": rows[:TAB_ROWS],
        "more": len(rows) > TAB_ROWS,
        "can_create": selectors.can_create(user),
    }


def customer_receivables(user: Any, customer: Any) -> dict[str, Any]:
    f = selectors_receivables.InvoiceFilters(customer=customer.pk, open_only=True)
    rows = list(selectors_receivables.invoice_list(user, f)[: TAB_ROWS + 1])
    return {
        "invoices": rows[:TAB_ROWS],
        "more": len(rows) > TAB_ROWS,
        "today": timezone.localdate(),
        "can_record": selectors.is_finance(user),
    }


def open_balance(user: Any, customer: Any) -> Any:
    return quantize(selectors_receivables.balance_of(customer.pk), amount_places())


def overdue_amount(user: Any, customer: Any) -> Any:
    overdue = selectors_receivables.overdue_of(customer.pk, timezone.localdate())
    return quantize(overdue, amount_places())
