"""What the edit pages of documents with priced product lines (quotes, contracts) share: the
line formset with a document's stored lines as its rows, and the live totals preview (htmx),
computed by the function the services use (services_quotes.prepare_lines → sales/totals.py)."""

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crm.core.errors import ValidationFailed
from crm.customers import selectors as customer_selectors

from . import services_quotes
from .amount_words import rmb_upper
from .forms_quotes import QuoteLineFormSet
from .totals import document_totals, places

PREFIX = "lines"


def _int(raw: Any) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**63 else None


def lines_posted(request: HttpRequest) -> bool:
    """Whether the POST carries the line formset (a header-only post leaves the lines alone)."""
    return request.method == "POST" and f"{PREFIX}-TOTAL_FORMS" in request.POST


def line_formset(
    request: HttpRequest, lines: Iterable[Any] = (), *, bound: bool | None = None
) -> Any:
    """The formset of a page: bound to the POST (`bound`, default: on any POST), else showing
    the stored `lines` (QuoteLine or ContractLine rows, product and unit selected)."""
    initial = [
        {
            "product": line.product,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount_pct": line.discount_pct,
            "tax_rate": line.tax_rate,
        }
        for line in lines
    ]
    if bound is None:
        bound = request.method == "POST"
    source = request.POST if bound else None
    return QuoteLineFormSet(  # type: ignore[call-arg]
        source, initial=initial, prefix=PREFIX, user=request.user
    )


def lines_preview(request: HttpRequest, dom_prefix: str) -> HttpResponse:
    """The totals of the lines being edited (`customer` in the POST prices lines without a
    price), or a hint while they are incomplete; ids `<dom_prefix>-totals` and
    `<dom_prefix>-preview-gross`. The caller has checked the view right."""
    customer = None
    customer_id = _int(request.POST.get("customer"))
    if customer_id:
        customer = (
            customer_selectors.customers_for_user(request.user).filter(pk=customer_id).first()
        )
    formset: Any = QuoteLineFormSet(  # type: ignore[call-arg]
        request.POST, prefix=PREFIX, user=request.user
    )
    totals = None
    if formset.is_valid():
        try:
            items = services_quotes.prepare_lines(customer, formset.lines())
        except ValidationFailed:
            items = None
        if items is not None:
            totals = document_totals(items, places())
    return render(
        request,
        "sales/_line_totals.html",
        {
            "totals": totals,
            "words": rmb_upper(totals.gross) if totals else "",
            "dom_prefix": dom_prefix,
        },
    )
