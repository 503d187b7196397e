"""Every read of quotes, scoped to the reader like opportunities (Module.SALES, by the quote's
owner and unit)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from crm.core.access import get_access, get_in_scope, scoped_by_unit_ids
from crm.core.modules import Action, Module

from .models_quotes import Quote, QuoteLine

ORDERINGS = {
    "updated": ("-updated_at", "-id"),
    "created": ("-created_at", "-id"),
    "number": ("-number", "-revision"),
    "amount": ("-gross_amount", "-id"),
    "valid_until": ("valid_until", "id"),
}


@dataclass
class QuoteFilters:
    search: str = ""
    status: str = ""
    customer: int | None = None
    owner: int | None = None
    opportunity: int | None = None
    current_only: bool = False  # hide superseded versions
    ordering: str = "updated"


def quotes_for_user(user: Any) -> QuerySet[Quote]:
    return scoped_by_unit_ids(Quote.objects.all(), user, Module.SALES)


def quote_list(user: Any, filters: QuoteFilters) -> QuerySet[Quote]:
    qs = quotes_for_user(user).select_related("customer", "owner", "org_unit", "opportunity")
    if filters.status:
        qs = qs.filter(status=filters.status)
    elif filters.current_only:
        qs = qs.exclude(status="superseded")
    if filters.customer:
        qs = qs.filter(customer_id=filters.customer)
    if filters.owner:
        qs = qs.filter(owner_id=filters.owner)
    if filters.opportunity:
        qs = qs.filter(opportunity_id=filters.opportunity)
    text = filters.search.strip()
    if text:
        qs = qs.filter(
            Q(number__istartswith=text)
            | Q(title__icontains=text)
            | Q(customer__name__icontains=text)
        )
    return qs.order_by(*ORDERINGS.get(filters.ordering, ORDERINGS["updated"]))


def quote_get_for_user(*, user: Any, pk: Any) -> Quote:
    qs = quotes_for_user(user).select_related(
        "customer", "contact", "owner", "org_unit", "opportunity", "previous"
    )
    return get_in_scope(qs, pk)


def lines_of(quote: Quote) -> QuerySet[QuoteLine]:
    return quote.lines.select_related("product", "product__unit").order_by("sort_order", "id")


def versions_of(quote: Quote) -> QuerySet[Quote]:
    """Every version with the quote's number, newest first (the same scope as the quote)."""
    return (
        Quote.objects.filter(number=quote.number)
        .exclude(number="")
        .select_related("owner")
        .order_by("-revision")
    )


def quotes_of_customer(user: Any, customer: Any) -> QuerySet[Quote]:
    return quote_list(user, QuoteFilters(customer=customer.pk, current_only=True))


def can_edit(user: Any, quote: Quote) -> bool:
    return get_access(user).can(Module.SALES, Action.EDIT)


def quotes_of_opportunity(user: Any, opportunity: Any, limit: int = 20) -> list[Quote]:
    return list(
        quote_list(user, QuoteFilters(opportunity=opportunity.pk, current_only=True))[:limit]
    )
