"""API of the catalogue: products, brands, series, units, the price for a customer, export and
import. Price lists and customer prices: api_prices.py (mounted on this router).
Thin: parse → selector/service → schema."""

from enum import Enum, StrEnum
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from crm.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    JobStartedOut,
    PageNumber,
    PageOut,
    PageSize,
    page_out,
)
from crm.core.errors import ValidationFailed
from crm.core.modules import Action
from crm.customers.schemas import Id, IsoDate

from . import imports, selectors, services
from .models import Brand, Product, Series, UnitOfMeasure
from .schemas import (
    BrandIn,
    BrandOut,
    BrandPatch,
    PriceQuoteOut,
    ProductIn,
    ProductOut,
    ProductPatch,
    SeriesIn,
    SeriesOut,
    SeriesPatch,
    UomIn,
    UomOut,
    UomPatch,
)
from .views_data import EXPORT_TYPES, export_queryset, export_response

router = Router(tags=["products"])


def _ref(obj: Any) -> dict[str, Any] | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def product_out(p: Product) -> dict[str, Any]:
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "brand": _ref(p.brand),
        "series": _ref(p.series),
        "specification": p.specification,
        "unit": {"id": p.unit.pk, "code": p.unit.code, "name": p.unit.name},
        "list_price": p.list_price,
        "active": p.active,
        "description": p.description,
        "warranty_months": p.warranty_months,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "version": p.version,
    }


def _series_out(s: Series) -> dict[str, Any]:
    return {
        "id": s.pk,
        "brand": _ref(s.brand),
        "name": s.name,
        "active": s.active,
        "sort_order": s.sort_order,
        "version": s.version,
    }


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    """Ids → catalogue records; unknown ids are field errors."""
    errors: dict[str, list[str]] = {}
    for key, model in (("brand_id", Brand), ("series_id", Series), ("unit_id", UnitOfMeasure)):
        if key not in data:
            continue
        value = data.pop(key)
        record = model._default_manager.filter(pk=value).first() if value is not None else None
        if value is not None and record is None:
            errors[key] = [_("Unknown entry of the list.")]
        data[key[:-3]] = record
    if errors:
        raise ValidationFailed(fields=errors)
    return data


# --- products ------------------------------------------------------------------------------

Ordering = Enum("Ordering", {o: o for o in sorted(selectors.ORDERINGS)}, type=str)  # type: ignore[misc]


class ProductQuery(Schema):
    search: str = ""
    brand_id: Id | None = None
    series_id: Id | None = None
    unit_id: Id | None = None
    active: bool | None = None
    ordering: Ordering = Ordering(selectors.DEFAULT_ORDERING)  # type: ignore[valid-type]


def _filters(query: ProductQuery) -> selectors.ProductFilters:
    return selectors.ProductFilters(
        search=query.search.replace("\x00", "")[:100],
        brand=query.brand_id,
        series=query.series_id,
        unit=query.unit_id,
        active=query.active,
        ordering=str(query.ordering.value),  # type: ignore[attr-defined]
    )


@router.get("/products", response={200: PageOut[ProductOut], **ERRORS})
def product_list(
    request: HttpRequest,
    query: Query[ProductQuery],
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    """The catalogue (everyone with the sales module); search matches name, code, spec, pinyin."""
    qs = selectors.products_for_user(request.user, _filters(query))
    return page_out(qs, page, page_size, product_out)


@router.post("/products", response={201: ProductOut, **WRITE_ERRORS})
def product_create(request: HttpRequest, payload: ProductIn) -> Any:
    """Catalogue editors only (sales create with data scope "all")."""
    selectors.require_catalogue(request.user, Action.CREATE)
    data = _resolve(payload.dict())
    product = services.product_create(actor=request.user, **data)
    return Status(
        201, product_out(selectors.product_get_for_user(user=request.user, pk=product.pk))
    )


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


@router.get(
    "/products/export",
    response={**ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "The filtered product list as a file (CSV with BOM, or XLSX).",
                "content": {t: {} for t in EXPORT_TYPES.values()},
            }
        }
    },
)
def product_export(
    request: HttpRequest, query: Query[ProductQuery], format: ExportFormat = ExportFormat.csv
) -> Any:
    qs = export_queryset(request.user, _filters(query))
    return export_response(qs, str(format.value))


class ImportKind(StrEnum):
    products = "products"
    price_list_items = "price_list_items"


@router.post("/products/import", response={202: JobStartedOut, **WRITE_ERRORS})
def product_import(
    request: HttpRequest,
    file: File[UploadedFile],
    kind: Form[ImportKind] = ImportKind.products,
    price_list_id: Form[int | None] = None,
    dry_run: Form[bool] = False,
) -> Any:
    """Import products (existing codes are updated) or one price list's items, all or none.

    Answers 202 with a job id; poll `/api/v1/jobs/{id}`. A failed job's `result.errors`
    lists each row's errors.
    """
    price_list = None
    if kind == ImportKind.price_list_items:
        if price_list_id is None:
            raise ValidationFailed(fields={"price_list_id": [_("Choose the price list.")]})
        price_list = selectors.price_list_get_for_user(user=request.user, pk=price_list_id)
    job = imports.import_start(
        user=request.user,
        kind=str(kind.value),
        upload=file,
        dry_run=dry_run,
        price_list=price_list,
    )
    return Status(202, {"job_id": job.pk})


@router.get("/products/{product_id}", response={200: ProductOut, **ERRORS})
def product_detail(request: HttpRequest, product_id: int) -> Any:
    return product_out(selectors.product_get_for_user(user=request.user, pk=product_id))


@router.patch("/products/{product_id}", response={200: ProductOut, **WRITE_ERRORS})
def product_patch(request: HttpRequest, product_id: int, payload: ProductPatch) -> Any:
    product = selectors.product_get_for_user(user=request.user, pk=product_id)
    selectors.require_catalogue(request.user, Action.EDIT)
    sent = payload.dict(exclude_unset=True, exclude={"version"})
    for key in ("code", "name", "unit_id", "list_price"):
        if key in sent and sent[key] is None:
            del sent[key]
    services.product_update(
        product=product, version=payload.version, actor=request.user, **_resolve(sent)
    )
    return product_out(selectors.product_get_for_user(user=request.user, pk=product.pk))


@router.delete("/products/{product_id}", response={204: None, **WRITE_ERRORS})
def product_delete(request: HttpRequest, product_id: int) -> Any:
    product = selectors.product_get_for_user(user=request.user, pk=product_id)
    selectors.require_catalogue(request.user, Action.DELETE)
    services.product_delete(product=product, actor=request.user)
    return Status(204, None)


@router.get("/products/{product_id}/price", response={200: PriceQuoteOut, **ERRORS})
def product_price(
    request: HttpRequest, product_id: int, customer: int, on: IsoDate | None = None
) -> Any:
    """The price `customer` pays for the product on day `on` (default today): an agreed
    customer price, else the most specific matching price list, else the list price."""
    product = selectors.product_get_for_user(user=request.user, pk=product_id)
    buyer = selectors.customer_for_prices(user=request.user, pk=customer)
    day = on or timezone.localdate()
    quote = selectors.price_for(buyer, product, day)
    return {
        "product_id": product.pk,
        "customer_id": buyer.pk,
        "on": day,
        "price": quote.price,
        "source": quote.source,
        "source_label": quote.source_label,
        "source_id": quote.source_id,
    }


# --- units, brands, series -----------------------------------------------------------------


@router.get("/units", response={200: list[UomOut], **ERRORS})
def unit_list(request: HttpRequest, active: bool | None = None) -> Any:
    selectors.require_view(request.user)
    qs = selectors.units(active_only=False)
    return list(qs.filter(active=active) if active is not None else qs)


@router.post("/units", response={201: UomOut, **WRITE_ERRORS})
def unit_create(request: HttpRequest, payload: UomIn) -> Any:
    selectors.require_catalogue(request.user, Action.CREATE)
    return Status(201, services.unit_create(actor=request.user, **payload.dict()))


@router.patch("/units/{unit_id}", response={200: UomOut, **WRITE_ERRORS})
def unit_patch(request: HttpRequest, unit_id: int, payload: UomPatch) -> Any:
    unit = selectors.unit_get(user=request.user, pk=unit_id)
    selectors.require_catalogue(request.user, Action.EDIT)
    sent = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.unit_update(unit=unit, actor=request.user, **sent)


@router.get("/brands", response={200: list[BrandOut], **ERRORS})
def brand_list(request: HttpRequest, active: bool | None = None) -> Any:
    selectors.require_view(request.user)
    qs = selectors.brands(active_only=False)
    return list(qs.filter(active=active) if active is not None else qs)


@router.post("/brands", response={201: BrandOut, **WRITE_ERRORS})
def brand_create(request: HttpRequest, payload: BrandIn) -> Any:
    selectors.require_catalogue(request.user, Action.CREATE)
    return Status(201, services.brand_create(actor=request.user, **payload.dict()))


@router.patch("/brands/{brand_id}", response={200: BrandOut, **WRITE_ERRORS})
def brand_patch(request: HttpRequest, brand_id: int, payload: BrandPatch) -> Any:
    brand = selectors.brand_get(user=request.user, pk=brand_id)
    selectors.require_catalogue(request.user, Action.EDIT)
    sent = {
        k: v
        for k, v in payload.dict(exclude_unset=True, exclude={"version"}).items()
        if v is not None
    }
    return services.brand_update(brand=brand, version=payload.version, actor=request.user, **sent)


@router.delete("/brands/{brand_id}", response={204: None, **WRITE_ERRORS})
def brand_delete(request: HttpRequest, brand_id: int) -> Any:
    brand = selectors.brand_get(user=request.user, pk=brand_id)
    selectors.require_catalogue(request.user, Action.DELETE)
    services.brand_delete(brand=brand, actor=request.user)
    return Status(204, None)


@router.get("/series", response={200: list[SeriesOut], **ERRORS})
def series_list(
    request: HttpRequest, brand_id: Id | None = None, active: bool | None = None
) -> Any:
    selectors.require_view(request.user)
    qs = selectors.series_list(brand=brand_id, active_only=False)
    if active is not None:
        qs = qs.filter(active=active)
    return [_series_out(s) for s in qs]


@router.post("/series", response={201: SeriesOut, **WRITE_ERRORS})
def series_create(request: HttpRequest, payload: SeriesIn) -> Any:
    selectors.require_catalogue(request.user, Action.CREATE)
    data = payload.dict()
    brand = Brand.objects.filter(pk=data.pop("brand_id")).first()
    if brand is None:
        raise ValidationFailed(fields={"brand_id": [_("Unknown entry of the list.")]})
    series = services.series_create(actor=request.user, brand=brand, **data)
    return Status(201, _series_out(series))


@router.patch("/series/{series_id}", response={200: SeriesOut, **WRITE_ERRORS})
def series_patch(request: HttpRequest, series_id: int, payload: SeriesPatch) -> Any:
    series = selectors.series_get(user=request.user, pk=series_id)
    selectors.require_catalogue(request.user, Action.EDIT)
    sent = {
        k: v
        for k, v in payload.dict(exclude_unset=True, exclude={"version"}).items()
        if v is not None
    }
    updated = services.series_update(
        series=series, version=payload.version, actor=request.user, **sent
    )
    return _series_out(selectors.series_get(user=request.user, pk=updated.pk))


@router.delete("/series/{series_id}", response={204: None, **WRITE_ERRORS})
def series_delete(request: HttpRequest, series_id: int) -> Any:
    series = selectors.series_get(user=request.user, pk=series_id)
    selectors.require_catalogue(request.user, Action.DELETE)
    services.series_delete(series=series, actor=request.user)
    return Status(204, None)


def _mount() -> None:
    from .api_prices import router as prices_router

    router.add_router("", prices_router)


_mount()
