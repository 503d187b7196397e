"""`{% customer_figures customer as figures %}`: the header figures other apps registered
with crm.customers.tabs.register_figure, for the signed-in user."""

from typing import Any

from django import template

from crm.customers.tabs import figures_for

register = template.Library()


@register.simple_tag(takes_context=True)
def customer_figures(context: Any, customer: Any) -> list[dict[str, Any]]:
    request = context.get("request")
    if request is None or customer is None:
        return []
    return figures_for(request.user, customer)
