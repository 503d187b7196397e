"""The equipment tab 设备 of the customer 360° page (crm.customers.tabs)."""

from typing import Any

from django.utils.translation import gettext as _

from . import selectors

TAB_ROWS = 20


def customer_equipment(user: Any, customer: Any) -> dict[str, Any]:
    """The customer's equipment with each one's next plan date: one query, capped."""
    rows = selectors.customer_equipment(user, customer.pk, TAB_ROWS + 1)
    return {
        "equipment": rows[:TAB_ROWS],
        "more": len(rows) > TAB_ROWS,
        "can_create": selectors.can_create(user),
        "summary": [(_("Equipment"), f"{TAB_ROWS}+" if len(rows) > TAB_ROWS else len(rows))],
    }
