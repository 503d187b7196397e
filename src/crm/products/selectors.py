"""Every read of the catalogue, price lists and customer prices, checked for the reader.

The catalogue (units, brands, series, products, price lists) is company-wide: everyone with
the sales module's view right reads all of it; writing it takes the sales action with data
scope "all" (`require_catalogue`). Customer prices are read and written through their
customer: visible exactly when the customer is (customers scope) and the reader has the sales
module.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from crm.core.access import get_access, get_in_scope, require, scoped
from crm.core.errors import Forbidden
from crm.core.modules import Action, Module, Scope
from crm.customers.models import Customer
from crm.customers.searchkeys import query_terms
from crm.customers.selectors import customer_get_for_user

from .models import Brand, CustomerPrice, PriceList, PriceListItem, Product, Series, UnitOfMeasure
from .pricing import PriceQuote, Source, business_unit_of, price_for, prices_for

ORDERINGS = {
    "code",
    "-code",
    "name",
    "-name",
    "list_price",
    "-list_price",
    "updated_at",
    "-updated_at",
    "brand",
    "-brand",
}
DEFAULT_ORDERING = "code"
_ORDER_FIELDS = {"brand": "brand__name", "-brand": "-brand__name"}


# --- rights ------------------------------------------------------------------------------


def require_view(user: Any) -> None:
    require(user, Module.SALES, Action.VIEW)


def can_edit_catalogue(user: Any, action: str = Action.EDIT) -> bool:
    access = get_access(user)
    return access.can(Module.SALES, action) and access.scope(Module.SALES) == Scope.ALL


def require_catalogue(user: Any, action: str) -> None:
    """A catalogue write: the sales action with company-wide scope (else 403; no view: 404)."""
    require(user, Module.SALES, action)
    if get_access(user).scope(Module.SALES) != Scope.ALL:
        raise Forbidden()


# --- units, brands, series -----------------------------------------------------------------


def units(*, include: Any = None, active_only: bool = True) -> QuerySet[UnitOfMeasure]:
    """Units to pick from (plus the one a record already holds, even if retired)."""
    qs = UnitOfMeasure.objects.all()
    if active_only:
        q = Q(active=True)
        if include is not None:
            q |= Q(pk=getattr(include, "pk", include))
        qs = qs.filter(q)
    return qs.order_by("sort_order", "id")


def brands(*, include: Any = None, active_only: bool = True) -> QuerySet[Brand]:
    qs = Brand.objects.all()
    if active_only:
        q = Q(active=True)
        if include is not None:
            q |= Q(pk=getattr(include, "pk", include))
        qs = qs.filter(q)
    return qs.order_by("sort_order", "name", "id")


def series_list(
    *, brand: Any = None, include: Any = None, active_only: bool = True
) -> QuerySet[Series]:
    qs = Series.objects.filter(brand__is_deleted=False).select_related("brand")
    if brand is not None:
        qs = qs.filter(brand_id=getattr(brand, "pk", brand))
    if active_only:
        q = Q(active=True)
        if include is not None:
            q |= Q(pk=getattr(include, "pk", include))
        qs = qs.filter(q)
    return qs.order_by("brand__sort_order", "brand__name", "sort_order", "name", "id")


def unit_get(*, user: Any, pk: Any) -> UnitOfMeasure:
    require_view(user)
    return get_in_scope(UnitOfMeasure.objects.all(), pk)


def brand_get(*, user: Any, pk: Any) -> Brand:
    require_view(user)
    return get_in_scope(Brand.objects.all(), pk)


def series_get(*, user: Any, pk: Any) -> Series:
    require_view(user)
    return get_in_scope(Series.objects.filter(brand__is_deleted=False).select_related("brand"), pk)


# --- products ------------------------------------------------------------------------------


@dataclass
class ProductFilters:
    search: str = ""
    brand: int | None = None
    series: int | None = None
    unit: int | None = None
    active: bool | None = None
    ordering: str = DEFAULT_ORDERING


def search_q(search: str) -> Q:
    """Every word must occur in the search column (name, code, spec; pinyin, initials)."""
    q = Q()
    for term in query_terms(search):
        q &= Q(search_text__contains=term)
    return q


def products_for_user(user: Any, filters: ProductFilters | None = None) -> QuerySet[Product]:
    require_view(user)
    f = filters or ProductFilters()
    qs = Product.objects.select_related("brand", "series", "unit")
    if f.search:
        qs = qs.filter(search_q(f.search))
    for name in ("brand", "series", "unit"):
        value = getattr(f, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id": value})
    if f.active is not None:
        qs = qs.filter(active=f.active)
    ordering = f.ordering if f.ordering in ORDERINGS else DEFAULT_ORDERING
    return qs.order_by(_ORDER_FIELDS.get(ordering, ordering), "id")


def product_get_for_user(*, user: Any, pk: Any) -> Product:
    require_view(user)
    return get_in_scope(Product.objects.select_related("brand", "series", "unit"), pk)


def products_for_picker(user: Any, search: str) -> QuerySet[Product]:
    """Active products a line picker offers for `search`: code, name, specification, brand or
    series (pinyin and initials too), by code."""
    return products_for_user(user, ProductFilters(search=search, active=True))


REFERENCE_TOKENS = 10  # a typed code may hold spaces: its first words are tried as codes


def products_named_by(user: Any, text: str, limit: int = 2) -> list[Product]:
    """What a typed product reference names (a line typed without the picker).

    The product whose code begins the text (“CODE” or the picker's “CODE name”; the longest
    code wins; retired products too, so the caller can say so), else up to `limit` active
    products the text finds by search.
    """
    require_view(user)
    words = text.split()[:REFERENCE_TOKENS]
    prefixes = {" ".join(words[:i]) for i in range(1, len(words) + 1)}
    prefixes |= {p.upper() for p in prefixes}
    if prefixes:
        by_code = Product.objects.select_related("brand", "series", "unit").filter(
            code__in=prefixes
        )
        named = max(by_code, key=lambda p: len(p.code), default=None)
        if named is not None:
            return [named]
    return list(products_for_picker(user, text)[:limit]) if text.strip() else []


# --- price lists ---------------------------------------------------------------------------


def price_lists_for_user(user: Any, *, active: bool | None = None) -> QuerySet[PriceList]:
    require_view(user)
    qs = PriceList.objects.select_related("business_unit", "rating", "region")
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("-valid_from", "name", "id")


def price_list_get_for_user(*, user: Any, pk: Any) -> PriceList:
    return get_in_scope(price_lists_for_user(user), pk)


def items_of(price_list: PriceList, *, search: str = "") -> QuerySet[PriceListItem]:
    """Items of a price list the caller has already read (live products only)."""
    qs = PriceListItem.objects.filter(
        price_list=price_list, product__is_deleted=False
    ).select_related("product", "product__unit", "product__brand")
    if search:
        for term in query_terms(search):
            qs = qs.filter(product__search_text__contains=term)
    return qs.order_by("product__code", "id")


def item_get_for_user(*, user: Any, pk: Any) -> PriceListItem:
    """One item of a live price list, of a live product."""
    require_view(user)
    qs = PriceListItem.objects.filter(
        price_list__is_deleted=False, product__is_deleted=False
    ).select_related("price_list", "product")
    return get_in_scope(qs, pk)


def price_list_items_of_product(product: Product) -> QuerySet[PriceListItem]:
    """The product's prices on live price lists, newest list first."""
    return (
        PriceListItem.objects.filter(product=product, price_list__is_deleted=False)
        .select_related("price_list", "price_list__rating", "price_list__region")
        .select_related("price_list__business_unit")
        .order_by("-price_list__valid_from", "price_list__name", "id")
    )


def item_get(*, price_list: PriceList, pk: Any) -> PriceListItem:
    return get_in_scope(items_of(price_list), pk)


# --- customer prices -----------------------------------------------------------------------


def customer_for_prices(*, user: Any, pk: Any) -> Any:
    """A customer whose prices the user may read: the customer in scope, and the sales module."""
    customer = customer_get_for_user(user=user, pk=pk)
    require_view(user)
    return customer


def customer_prices_for_user(user: Any) -> QuerySet[CustomerPrice]:
    """Customer prices of the customers the user may see (their customers scope)."""
    if not get_access(user).can(Module.SALES, Action.VIEW):
        return CustomerPrice.objects.none()
    return scoped(
        CustomerPrice.objects.filter(customer__is_deleted=False, product__is_deleted=False),
        user,
        Module.CUSTOMERS,
        owner_field="customer__owner",
        unit_field="customer__org_unit",
    ).select_related("customer", "product", "product__unit")


def customer_prices_matching(qs: QuerySet[CustomerPrice], q: str) -> QuerySet[CustomerPrice]:
    """Prices whose customer (name, code, pinyin) or product (code, name, spec) match `q`."""
    from crm.customers.selectors import search_q as customer_search_q

    return qs.filter(
        Q(customer__in=Customer.objects.filter(customer_search_q(q)).values("pk"))
        | Q(product__in=Product.objects.filter(search_q(q)).values("pk"))
    )


def require_customer_prices_edit(user: Any) -> None:
    require(user, Module.SALES, Action.EDIT)


def customer_prices_of(customer: Any) -> QuerySet[CustomerPrice]:
    """All agreed prices of a customer the caller has already read, newest first."""
    return (
        CustomerPrice.objects.filter(customer=customer, product__is_deleted=False)
        .select_related("product", "product__unit")
        .order_by("product__code", "-valid_from", "-id")
    )


def customer_price_get_for_user(*, user: Any, pk: Any) -> CustomerPrice:
    require_view(user)
    return get_in_scope(customer_prices_for_user(user), pk)


def effective_prices(
    customer: Any, products: list[Product], on: Any = None
) -> list[tuple[Product, PriceQuote]]:
    """(product, quote) for a page of products; a constant number of queries."""
    quotes = prices_for(customer, products, on)
    return [(p, quotes[p.pk]) for p in products]


__all__ = [
    "PriceQuote",
    "ProductFilters",
    "Source",
    "business_unit_of",
    "price_for",
    "prices_for",
]
