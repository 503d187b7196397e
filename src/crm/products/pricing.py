"""“The price for this customer today”: the one rule every module asks.

Precedence, per product:
1. a customer price valid on the day (the latest `valid_from` wins);
2. the most specific active price list valid on the day that matches the customer and lists
   the product. A list matches when each criterion it sets equals the customer's: rating,
   region, business unit (the nearest ancestor unit of kind "company" of the customer's unit).
   More criteria set = more specific; ties go to the latest `valid_from`, then the newest list;
3. the product's list price.

`prices_for` answers for many products with a constant number of queries; `price_for` is the
one-product case of it. Callers have already checked that the user may see the customer.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.org.models import OrgUnit, UnitKind

from .models import CustomerPrice, PriceListItem, Product


class Source:
    CUSTOMER = "customer"
    PRICE_LIST = "price_list"
    LIST_PRICE = "list_price"


@dataclass(frozen=True)
class PriceQuote:
    price: Decimal
    source: str  # Source.*
    source_label: str  # what a user reads: "客户专属价", the price list's name, "目录价"
    source_id: int | None = None  # the customer price's or the price list's id


def business_unit_of(org_unit: OrgUnit | None) -> OrgUnit | None:
    """The nearest unit of kind "company" at or above `org_unit` (one query), or None."""
    if org_unit is None:
        return None
    if org_unit.kind == UnitKind.COMPANY:
        return org_unit
    ids = [int(p) for p in (org_unit.path or "").strip("/").split("/") if p.isdigit()]
    if not ids:
        return None
    companies = OrgUnit.objects.filter(pk__in=ids, kind=UnitKind.COMPANY)
    return companies.order_by("-depth").first()


def _valid_on(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def _specificity() -> Any:
    """How many criteria a price list sets (0–3), as a SQL expression."""

    def one(field: str) -> Any:
        return Case(
            When(**{f"price_list__{field}__isnull": False}, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )

    return one("rating") + one("region") + one("business_unit")


def _as_products(products: Iterable[Product | int]) -> list[Product]:
    items = list(products)
    ids = [p for p in items if isinstance(p, int)]
    objs = [p for p in items if isinstance(p, Product)]
    if ids:
        objs += list(Product.all_objects.filter(pk__in=ids))
    return objs


def prices_for(
    customer: Any, products: Iterable[Product | int], on: date | None = None
) -> dict[int, PriceQuote]:
    """Each product's price for `customer` on day `on` (default today), by product id.
    Without a customer (none chosen yet), every product's list price.

    Queries: at most one for the business unit, one for customer prices, one for price list
    items (plus one for the products when ids are passed), whatever the number of products.
    """
    day = on or timezone.localdate()
    items = _as_products(products)
    if not items:
        return {}
    ids = [p.pk for p in items]
    quotes: dict[int, PriceQuote] = {}

    customer_prices = (
        CustomerPrice.objects.filter(_valid_on(day), customer_id=customer.pk, product_id__in=ids)
        .order_by("product_id", "-valid_from", "-id")
        .values("id", "product_id", "price")
        if customer is not None
        else ()
    )
    for cp in customer_prices:
        if cp["product_id"] not in quotes:
            quotes[cp["product_id"]] = PriceQuote(
                cp["price"], Source.CUSTOMER, _("Customer price"), cp["id"]
            )

    missing = [pk for pk in ids if pk not in quotes]
    if missing and customer is not None:
        unit = business_unit_of(getattr(customer, "org_unit", None))
        matches = Q()
        for field, value in (
            ("rating", customer.rating_id),
            ("region", customer.region_id),
            ("business_unit", unit.pk if unit else None),
        ):
            criterion = Q(**{f"price_list__{field}__isnull": True})
            if value:
                criterion |= Q(**{f"price_list__{field}_id": value})
            matches &= criterion
        rows = (
            PriceListItem.objects.filter(
                matches,
                _valid_on(day, "price_list__"),
                product_id__in=missing,
                price_list__active=True,
                price_list__is_deleted=False,
            )
            .annotate(specific=_specificity(), list_name=F("price_list__name"))
            .order_by("product_id", "-specific", "-price_list__valid_from", "-price_list_id", "-id")
            .values("product_id", "price", "price_list_id", "list_name")
        )
        for row in rows:
            if row["product_id"] not in quotes:
                quotes[row["product_id"]] = PriceQuote(
                    row["price"], Source.PRICE_LIST, row["list_name"], row["price_list_id"]
                )

    for product in items:
        if product.pk not in quotes:
            quotes[product.pk] = PriceQuote(
                product.list_price, Source.LIST_PRICE, _("List price"), None
            )
    return quotes


def price_for(customer: Any, product: Product | int, on: date | None = None) -> PriceQuote:
    """The price of one product for `customer` on day `on` (default today)."""
    quotes = prices_for(customer, [product], on)
    if not quotes:
        raise Product.DoesNotExist()
    return next(iter(quotes.values()))


__all__ = ["PriceQuote", "Source", "business_unit_of", "price_for", "prices_for"]
