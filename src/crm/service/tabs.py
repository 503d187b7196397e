"""The tickets tab of the customer 360° page (crm.customers.tabs)."""

from typing import Any

from crm.core.access import get_access
from crm.core.modules import Action, Module

from . import selectors

TAB_ROWS = 20


def customer_tickets(user: Any, customer: Any) -> dict[str, Any]:
    """The customer's tickets the user may see (newest activity first, capped)."""
    qs = selectors.ticket_list(user, selectors.TicketFilters(customer=customer.pk))
    rows = list(qs[: TAB_ROWS + 1])
    return {
        "tickets": rows[:TAB_ROWS],
        "more": len(rows) > TAB_ROWS,
        "can_create": get_access(user).can(Module.SERVICE, Action.CREATE),
    }


def open_tickets(user: Any, customer: Any) -> int:
    """Header figure of the 360° page."""
    return int(
        selectors.tickets_for_user(user, customer=customer.pk)
        .filter(status__in=selectors.OPEN_STATUSES)
        .count()
    )
