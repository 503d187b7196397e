"""API of price lists (with their items) and customer prices. Mounted on crm.products.api's
router. Thin: parse → selector/service → schema."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from crm.api.schemas import ERRORS, WRITE_ERRORS, PageNumber, PageOut, PageSize, page_out
from crm.core.errors import ValidationFailed
from crm.core.modules import Action
from crm.customers.models import ChoiceKind
from crm.customers.schemas import Id, IsoDate
from crm.customers.selectors import choice_get
from crm.org.models import OrgUnit

from . import selectors, services_prices
from .models import CustomerPrice, PriceList, PriceListItem, Product
from .schemas import (
    CustomerPriceIn,
    CustomerPriceOut,
    CustomerPricePatch,
    EffectivePriceOut,
    PriceListIn,
    PriceListItemIn,
    PriceListItemOut,
    PriceListOut,
    PriceListPatch,
)

router = Router(tags=["prices"])


def _product_ref(p: Product) -> dict[str, Any]:
    return {"id": p.pk, "code": p.code, "name": p.name}


def _price_list_out(pl: PriceList) -> dict[str, Any]:
    return {
        "id": pl.pk,
        "name": pl.name,
        "business_unit": (
            {"id": pl.business_unit.pk, "name": pl.business_unit.name} if pl.business_unit else None
        ),
        "rating": {"id": pl.rating.pk, "label": pl.rating.label} if pl.rating else None,
        "region": {"id": pl.region.pk, "label": pl.region.label} if pl.region else None,
        "valid_from": pl.valid_from,
        "valid_to": pl.valid_to,
        "active": pl.active,
        "notes": pl.notes,
        "created_at": pl.created_at,
        "updated_at": pl.updated_at,
        "version": pl.version,
    }


def _item_out(i: PriceListItem) -> dict[str, Any]:
    return {
        "id": i.pk,
        "price_list_id": i.price_list_id,
        "product": _product_ref(i.product),
        "price": i.price,
        "updated_at": i.updated_at,
    }


def _customer_price_out(cp: CustomerPrice) -> dict[str, Any]:
    return {
        "id": cp.pk,
        "customer_id": cp.customer_id,
        "product": _product_ref(cp.product),
        "price": cp.price,
        "valid_from": cp.valid_from,
        "valid_to": cp.valid_to,
        "notes": cp.notes,
        "created_at": cp.created_at,
        "updated_at": cp.updated_at,
        "version": cp.version,
    }


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    for key, kind in (("rating_id", ChoiceKind.RATING), ("region_id", ChoiceKind.REGION)):
        if key in data:
            value = data.pop(key)
            choice = choice_get(kind, value) if value is not None else None
            if value is not None and choice is None:
                errors[key] = [_("Unknown entry of the list.")]
            data[key[:-3]] = choice
    if "business_unit_id" in data:
        value = data.pop("business_unit_id")
        unit = OrgUnit.objects.filter(pk=value).first() if value is not None else None
        if value is not None and unit is None:
            errors["business_unit_id"] = [_("Unknown unit.")]
        data["business_unit"] = unit
    if errors:
        raise ValidationFailed(fields=errors)
    return data


def _product(pk: int) -> Product:
    product = Product.objects.filter(pk=pk).first()
    if product is None:
        raise ValidationFailed(fields={"product_id": [_("Choose a product of the catalogue.")]})
    return product


# --- price lists ---------------------------------------------------------------------------


@router.get("/price-lists", response={200: PageOut[PriceListOut], **ERRORS})
def price_list_list(
    request: HttpRequest,
    active: bool | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    qs = selectors.price_lists_for_user(request.user, active=active)
    return page_out(qs, page, page_size, _price_list_out)


@router.post("/price-lists", response={201: PriceListOut, **WRITE_ERRORS})
def price_list_create(request: HttpRequest, payload: PriceListIn) -> Any:
    selectors.require_catalogue(request.user, Action.CREATE)
    data = _resolve(payload.dict())
    pl = services_prices.price_list_create(actor=request.user, **data)
    return Status(
        201, _price_list_out(selectors.price_list_get_for_user(user=request.user, pk=pl.pk))
    )


@router.get("/price-lists/{price_list_id}", response={200: PriceListOut, **ERRORS})
def price_list_detail(request: HttpRequest, price_list_id: int) -> Any:
    return _price_list_out(selectors.price_list_get_for_user(user=request.user, pk=price_list_id))


@router.patch("/price-lists/{price_list_id}", response={200: PriceListOut, **WRITE_ERRORS})
def price_list_patch(request: HttpRequest, price_list_id: int, payload: PriceListPatch) -> Any:
    pl = selectors.price_list_get_for_user(user=request.user, pk=price_list_id)
    selectors.require_catalogue(request.user, Action.EDIT)
    sent = payload.dict(exclude_unset=True, exclude={"version"})
    for key in ("name", "valid_from", "active", "notes"):
        if key in sent and sent[key] is None:
            del sent[key]
    services_prices.price_list_update(
        price_list=pl, version=payload.version, actor=request.user, **_resolve(sent)
    )
    return _price_list_out(selectors.price_list_get_for_user(user=request.user, pk=pl.pk))


@router.delete("/price-lists/{price_list_id}", response={204: None, **WRITE_ERRORS})
def price_list_delete(request: HttpRequest, price_list_id: int) -> Any:
    pl = selectors.price_list_get_for_user(user=request.user, pk=price_list_id)
    selectors.require_catalogue(request.user, Action.DELETE)
    services_prices.price_list_delete(price_list=pl, actor=request.user)
    return Status(204, None)


@router.get(
    "/price-lists/{price_list_id}/items", response={200: PageOut[PriceListItemOut], **ERRORS}
)
def item_list(
    request: HttpRequest,
    price_list_id: int,
    search: str = "",
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    pl = selectors.price_list_get_for_user(user=request.user, pk=price_list_id)
    qs = selectors.items_of(pl, search=search.replace("\x00", "")[:100])
    return page_out(qs, page, page_size, _item_out)


@router.post("/price-lists/{price_list_id}/items", response={200: PriceListItemOut, **WRITE_ERRORS})
def item_set(request: HttpRequest, price_list_id: int, payload: PriceListItemIn) -> Any:
    """Put a product on the list at a price, or change its price there."""
    pl = selectors.price_list_get_for_user(user=request.user, pk=price_list_id)
    selectors.require_catalogue(request.user, Action.EDIT)
    item = services_prices.item_set(
        price_list=pl, product=_product(payload.product_id), price=payload.price, actor=request.user
    )
    return _item_out(selectors.item_get(price_list=pl, pk=item.pk))


@router.delete("/price-list-items/{item_id}", response={204: None, **WRITE_ERRORS})
def item_delete(request: HttpRequest, item_id: int) -> Any:
    """Take a product off its price list."""
    item = selectors.item_get_for_user(user=request.user, pk=item_id)
    selectors.require_catalogue(request.user, Action.EDIT)
    services_prices.item_delete(item=item, actor=request.user)
    return Status(204, None)


# --- customer prices -----------------------------------------------------------------------


@router.get("/customers/{customer_id}/prices", response={200: PageOut[EffectivePriceOut], **ERRORS})
def customer_effective_prices(
    request: HttpRequest,
    customer_id: int,
    search: str = "",
    on: IsoDate | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    """What the customer pays on day `on` (default today) for each product on sale."""
    customer = selectors.customer_for_prices(user=request.user, pk=customer_id)
    qs = selectors.products_for_user(
        request.user,
        selectors.ProductFilters(search=search.replace("\x00", "")[:100], active=True),
    )
    result = page_out(qs, page, page_size)
    quotes = selectors.prices_for(customer, result["items"], on or timezone.localdate())
    result["items"] = [
        {
            "product": _product_ref(p),
            "specification": p.specification,
            "unit": {"id": p.unit.pk, "code": p.unit.code, "name": p.unit.name},
            "list_price": p.list_price,
            "price": quotes[p.pk].price,
            "source": quotes[p.pk].source,
            "source_label": quotes[p.pk].source_label,
            "source_id": quotes[p.pk].source_id,
        }
        for p in result["items"]
    ]
    return result


@router.post("/customers/{customer_id}/prices", response={201: CustomerPriceOut, **WRITE_ERRORS})
def customer_price_create(request: HttpRequest, customer_id: int, payload: CustomerPriceIn) -> Any:
    """Agree a price with the customer (sales edit right, the customer in the caller's scope)."""
    customer = selectors.customer_for_prices(user=request.user, pk=customer_id)
    selectors.require_customer_prices_edit(request.user)
    cp = services_prices.customer_price_create(
        actor=request.user,
        customer=customer,
        product=_product(payload.product_id),
        price=payload.price,
        valid_from=payload.valid_from or timezone.localdate(),
        valid_to=payload.valid_to,
        notes=payload.notes,
    )
    return Status(201, _customer_price_out(cp))


@router.get("/customer-prices", response={200: PageOut[CustomerPriceOut], **ERRORS})
def customer_price_list(
    request: HttpRequest,
    customer_id: Id | None = None,
    product_id: Id | None = None,
    search: str = "",
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    """Agreed prices of the customers the caller may see."""
    selectors.require_view(request.user)
    qs = selectors.customer_prices_for_user(request.user)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if product_id is not None:
        qs = qs.filter(product_id=product_id)
    if search:
        qs = selectors.customer_prices_matching(qs, search.replace("\x00", "")[:100])
    qs = qs.order_by("customer_id", "product__code", "-valid_from", "-id")
    return page_out(qs, page, page_size, _customer_price_out)


@router.get("/customer-prices/{customer_price_id}", response={200: CustomerPriceOut, **ERRORS})
def customer_price_detail(request: HttpRequest, customer_price_id: int) -> Any:
    cp = selectors.customer_price_get_for_user(user=request.user, pk=customer_price_id)
    return _customer_price_out(cp)


@router.patch(
    "/customer-prices/{customer_price_id}", response={200: CustomerPriceOut, **WRITE_ERRORS}
)
def customer_price_patch(
    request: HttpRequest, customer_price_id: int, payload: CustomerPricePatch
) -> Any:
    cp = selectors.customer_price_get_for_user(user=request.user, pk=customer_price_id)
    selectors.require_customer_prices_edit(request.user)
    sent = payload.dict(exclude_unset=True, exclude={"version"})
    for key in ("price", "valid_from", "notes"):
        if key in sent and sent[key] is None:
            del sent[key]
    services_prices.customer_price_update(
        customer_price=cp, version=payload.version, actor=request.user, **sent
    )
    return _customer_price_out(selectors.customer_price_get_for_user(user=request.user, pk=cp.pk))


@router.delete("/customer-prices/{customer_price_id}", response={204: None, **WRITE_ERRORS})
def customer_price_delete(request: HttpRequest, customer_price_id: int) -> Any:
    cp = selectors.customer_price_get_for_user(user=request.user, pk=customer_price_id)
    selectors.require_customer_prices_edit(request.user)
    services_prices.customer_price_delete(customer_price=cp, actor=request.user)
    return Status(204, None)
