"""The opportunities tab of the customer 360° page (crm.customers.tabs)."""

from typing import Any

from crm.core.access import get_access
from crm.core.fields import quantize
from crm.core.modules import Action, Module

from . import selectors

TAB_ROWS = 20


def customer_opportunities(user: Any, customer: Any) -> dict[str, Any]:
    """The user's opportunities of the customer (newest first, capped), the leads it came
    from, and their figures: open count and amount, weighted pipeline, won amount."""
    qs = selectors.opportunities_for_user(user, selectors.OpportunityFilters(customer=customer.pk))
    figures = selectors.customer_summary(user, customer)
    leads = list(selectors.leads_for_user(user).filter(customer=customer)[:10])
    return {
        "opportunities": list(qs[: TAB_ROWS + 1]),
        "cap": TAB_ROWS,
        "figures": figures,
        "leads": leads,
        "can_create": get_access(user).can(Module.SALES, Action.CREATE),
    }


def open_opportunities(user: Any, customer: Any) -> int:
    """Header figure of the 360° page."""
    return int(selectors.customer_summary(user, customer)["open_count"])


def weighted_pipeline(user: Any, customer: Any) -> str:
    """Header figure of the 360° page."""
    return f"{quantize(selectors.customer_summary(user, customer)['weighted'], 2):,}"
