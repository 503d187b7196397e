"""The quotes (报价) and contracts (合同) tabs of the customer 360° page (crm.customers.tabs)."""

from typing import Any

from crm.core.access import get_access
from crm.core.modules import Action, Module

from . import selectors_quotes

TAB_ROWS = 20


def customer_quotes(user: Any, customer: Any) -> dict[str, Any]:
    """The current versions of the customer's quotes the user may see, newest first."""
    qs = selectors_quotes.quotes_of_customer(user, customer)
    rows = list(qs[: TAB_ROWS + 1])
    return {
        "quotes": rows[:TAB_ROWS],
        "more": len(rows) > TAB_ROWS,
        "can_create": get_access(user).can(Module.SALES, Action.CREATE),
    }


def customer_contracts(user: Any, customer: Any) -> dict[str, Any]:
    """The customer's contracts the user may see (合同), newest first."""
    from . import selectors_contracts

    qs = selectors_contracts.contract_list(
        user, selectors_contracts.ContractFilters(customer=customer.pk)
    )
    rows = list(qs[: TAB_ROWS + 1])
    return {
        "contracts": rows[:TAB_ROWS],
        "more": len(rows) > TAB_ROWS,
        "can_create": get_access(user).can(Module.SALES, Action.CREATE),
    }


def open_quotes(user: Any, customer: Any) -> int:
    """Header figure of the 360° page: current quote versions still open."""
    return (
        selectors_quotes.quotes_of_customer(user, customer)
        .filter(status__in=("draft", "pending", "sent"))
        .count()
    )


def active_contracts(user: Any, customer: Any) -> int:
    """Header figure of the 360° page."""
    from . import selectors_contracts

    return (
        selectors_contracts.contract_list(
            user, selectors_contracts.ContractFilters(customer=customer.pk)
        )
        .filter(status="active")
        .count()
    )
