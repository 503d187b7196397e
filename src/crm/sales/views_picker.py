"""The opportunity form's product picker (htmx): the active products matching what is typed
in a line, each with its unit and the price for the chosen customer today."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crm.core.access import require
from crm.core.modules import Action, Module
from crm.customers import selectors as customer_selectors
from crm.products import selectors as product_selectors
from crm.web.pages import page_view

PICKER_LIMIT = 20  # products listed at once; more are reached by typing more


def customer_named(user: Any, text: str) -> Any:
    """The customer a picker value names (“C00000012 name”, a bare code or an id), if the
    user may see it; else None."""
    token = (text or "").replace("\x00", "").strip().split(" ", 1)[0]
    if not token:
        return None
    qs = customer_selectors.customers_for_user(user)
    if token.isdigit():
        return qs.filter(pk=int(token)).first() if len(token) < 19 else None
    return qs.filter(code=token.upper()).first()


def _query(params: Any) -> str:
    """What the line's search box holds: `q`, or the box's own field (lines-N-product_text)."""
    value = params.get("q")
    if value is None:
        value = next((v for k, v in params.items() if k.endswith("-product_text")), "")
    return str(value).replace("\x00", "").strip()[:100]


@page_view
def product_options(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.VIEW)
    query = _query(request.GET)
    products = []
    if query:
        products = list(
            product_selectors.products_for_picker(request.user, query)[: PICKER_LIMIT + 1]
        )
    customer = customer_named(request.user, request.GET.get("customer", "")) if products else None
    quotes = product_selectors.prices_for(customer, products[:PICKER_LIMIT])
    return render(
        request,
        "sales/_product_options.html",
        {
            "query": query,
            "customer": customer,
            "rows": [(p, quotes[p.pk]) for p in products[:PICKER_LIMIT]],
            "more": len(products) > PICKER_LIMIT,
        },
    )
