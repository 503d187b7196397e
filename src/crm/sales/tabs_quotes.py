"""The quotes (报价) and contracts (合同) tabs of the customer 360° page (crm.customers.tabs)."""

from typing import Any

from django.utils.translation import gettext as _

from crm.core.access import get_access
from crm.core.modules import Action, Module

from . import selectors_quotes

TAB_ROWS = 20


def customer_quotes(user: Any, customer: Any) -> dict[str, Any]:
    """The current versions of the customer's quotes the user may see, newest first."""
    qs = selectors_quotes.quotes_of_customer(user, customer)
    rows = list(qs[: TAB_ROWS + 1])
    open_count = sum(1 for q in rows if q.status in ("draft", "pending", "sent"))
    return {
        "quotes": rows[:TAB_ROWS],
        "more": len(rows) > TAB_ROWS,
        "can_create": get_access(user).can(Module.SALES, Action.CREATE),
        "summary": [(_("Open quotes"), open_count if len(rows) <= TAB_ROWS else f"{open_count}+")],
    }


def customer_contracts(user: Any, customer: Any) -> dict[str, Any]:
    """The customer's contracts the user may see (合同), newest first."""
    from . import selectors_contracts

    qs = selectors_contracts.contract_list(
        user, selectors_contracts.ContractFilters(customer=customer.pk)
    )
    rows = list(qs[: TAB_ROWS + 1])
    active = sum(1 for c in rows if c.status == "active")
    return {
        "contracts": rows[:TAB_ROWS],
        "more": len(rows) > TAB_ROWS,
        "can_create": get_access(user).can(Module.SALES, Action.CREATE),
        "summary": [(_("Active contracts"), active if len(rows) <= TAB_ROWS else f"{active}+")],
    }
