"""API of sales orders, shipments and returns (SAL-6). Thin: parse → selector/service →
schema. Receivables are in api_receivables (same router)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from crm.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    Id,
    PageNumber,
    PageOut,
    PageSize,
    Text,
    page_out,
    ref,
)
from crm.core.access import require
from crm.core.errors import Forbidden, ValidationFailed
from crm.core.modules import Action, Module
from crm.customers import selectors as customer_selectors

from . import selectors, services, services_shipping
from .models import OrderStatus, SalesOrder
from .models_shipping import SalesReturn, Shipment
from .schemas import (
    SalesOrderDetailOut,
    SalesOrderIn,
    SalesOrderOut,
    SalesOrderPatch,
    SalesOrderTransitionIn,
    SalesReturnIn,
    SalesReturnOut,
    ShipmentEventIn,
    ShipmentEventOut,
    ShipmentIn,
    ShipmentOut,
)

router = Router(tags=["orders"])
IDEMPOTENCY_HEADER = "Idempotency-Key"


class SalesOrderQuery(Schema):
    search: Text = ""
    mine: bool = False
    status: OrderStatus | None = None
    open: bool = False
    customer_id: Id | None = None
    ordering: str = "updated"


def order_out(o: SalesOrder) -> dict[str, Any]:
    return {
        "id": o.pk,
        "number": o.number or "",
        "customer": ref(o.customer),
        "opportunity_id": o.opportunity_id,
        "quote_id": o.quote_id,
        "contract_id": o.contract_id,
        "owner": ref(o.owner),
        "org_unit": ref(o.org_unit),
        "status": o.status,
        "order_date": o.order_date,
        "payment_terms_days": o.payment_terms_days,
        "net_total": o.net_total,
        "tax_total": o.tax_total,
        "gross_total": o.gross_total,
        "created_at": o.created_at,
        "updated_at": o.updated_at,
        "version": o.version,
    }


def _detail(user: Any, pk: int) -> dict[str, Any]:
    from crm.sales.approvals import approval_pending_for

    o = selectors.order_get_for_user(user=user, pk=pk)
    return {
        **order_out(o),
        "notes": o.notes,
        "lines": [
            {
                "id": li.pk,
                "product": {"id": li.product_id, "name": str(li.product)},
                "unit": li.unit.name,
                "quantity": li.quantity,
                "unit_price": li.unit_price,
                "discount_percent": li.discount_percent,
                "tax_rate": li.tax_rate,
                "net_amount": li.net_amount,
                "tax_amount": li.tax_amount,
                "gross_amount": li.gross_amount,
                "shipped_quantity": li.shipped_quantity,
                "returned_quantity": li.returned_quantity,
            }
            for li in selectors.lines_of(o)
        ],
        "allowed_transitions": services.allowed_targets(o.status),
        "can_edit": selectors.can_edit(user, o),
        "approval_pending": approval_pending_for(o) is not None,
        "status_history": [
            {
                "from_status": c.from_status,
                "to_status": c.to_status,
                "changed_at": c.changed_at,
                "changed_by": ref(c.changed_by),
                "comment": c.comment,
            }
            for c in selectors.status_changes_of(o)[:200]
        ],
    }


def editable(user: Any, pk: int) -> SalesOrder:
    """The order if the user may change it: 404 out of sight, 403 when only readable."""
    o = selectors.order_get_for_user(user=user, pk=pk)
    require(user, Module.SALES, Action.EDIT)
    if not selectors.can_edit(user, o):
        raise Forbidden()
    return o


def _lines(user: Any, lines: list[Any]) -> list[dict[str, Any]]:
    """Line bodies → service lines; unknown or inactive products are a 422."""
    from crm.products.selectors import products_for_user

    ids = {x.product_id for x in lines}
    products = {p.pk: p for p in products_for_user(user).filter(pk__in=ids, active=True)}
    out = []
    for i, x in enumerate(lines):
        product = products.get(x.product_id)
        if product is None:
            raise ValidationFailed(
                fields={f"lines.{i}.product_id": [_("Unknown or not allowed choice.")]}
            )
        out.append(
            {
                "product": product,
                "quantity": x.quantity,
                "unit_price": x.unit_price,
                "discount_percent": x.discount_percent,
                "tax_rate": x.tax_rate,
            }
        )
    return out


def _opportunity(user: Any, pk: int | None) -> Any:
    if pk is None:
        return None
    from crm.sales.selectors import opportunities_for_user

    found = opportunities_for_user(user).filter(pk=pk).first()
    if found is None:
        raise ValidationFailed(fields={"opportunity_id": [_("Unknown or not allowed choice.")]})
    return found


@router.get("/orders", response={200: PageOut[SalesOrderOut], **ERRORS})
def order_list(
    request: HttpRequest,
    query: Query[SalesOrderQuery],
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    require(request.user, Module.SALES, Action.VIEW)
    filters = selectors.OrderFilters(
        mine=query.mine,
        status=query.status or "",
        open_only=query.open,
        customer=query.customer_id,
        search=query.search,
        ordering=query.ordering,
    )
    return page_out(selectors.order_list(request.user, filters), page, page_size, order_out)


@router.post(
    "/orders", response={200: SalesOrderDetailOut, 201: SalesOrderDetailOut, **WRITE_ERRORS}
)
def order_create(request: HttpRequest, payload: SalesOrderIn) -> Any:
    """A draft order. With an `Idempotency-Key` header, a replay with the same body returns
    the first order (200), the same key with another body is a 422
    `idempotency_key_reused`; keys are per user."""
    user = request.user
    require(user, Module.SALES, Action.CREATE)
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if len(key) > 200:
        raise ValidationFailed(fields={IDEMPOTENCY_HEADER: [_("At most 200 characters.")]})
    customer = customer_selectors.customer_get_for_user(user=user, pk=payload.customer_id)
    kwargs = {
        "customer": customer,
        "lines": _lines(user, payload.lines),
        "opportunity": _opportunity(user, payload.opportunity_id),
        "order_date": payload.order_date,
        "payment_terms_days": payload.payment_terms_days,
        "notes": payload.notes,
    }
    if not key:
        o = services.order_create(actor=user, **kwargs)
        return Status(201, _detail(user, o.pk))
    o, created = services.order_create_idempotent(
        actor=user, key=key, body=payload.model_dump(mode="json"), **kwargs
    )
    return Status(201 if created else 200, _detail(user, o.pk))


@router.post("/orders/from-quote/{quote_id}", response={201: SalesOrderDetailOut, **WRITE_ERRORS})
def order_from_quote(request: HttpRequest, quote_id: int) -> Any:
    """A draft order with an accepted quote's lines (409 `not_orderable` otherwise, or when
    an order was already made from it)."""
    from crm.sales.selectors_quotes import quote_get_for_user

    quote = quote_get_for_user(user=request.user, pk=quote_id)
    require(request.user, Module.SALES, Action.CREATE)
    o = services.order_from_document(document=quote, actor=request.user)
    return Status(201, _detail(request.user, o.pk))


@router.post(
    "/orders/from-contract/{contract_id}", response={201: SalesOrderDetailOut, **WRITE_ERRORS}
)
def order_from_contract(request: HttpRequest, contract_id: int) -> Any:
    """A draft order with an active contract's lines and payment terms."""
    from crm.sales.selectors_contracts import contract_get_for_user

    contract = contract_get_for_user(user=request.user, pk=contract_id)
    require(request.user, Module.SALES, Action.CREATE)
    o = services.order_from_document(document=contract, actor=request.user)
    return Status(201, _detail(request.user, o.pk))


@router.get("/orders/{order_id}", response={200: SalesOrderDetailOut, **ERRORS})
def order_detail(request: HttpRequest, order_id: int) -> Any:
    return _detail(request.user, order_id)


@router.patch("/orders/{order_id}", response={200: SalesOrderDetailOut, **WRITE_ERRORS})
def order_patch(request: HttpRequest, order_id: int, payload: SalesOrderPatch) -> Any:
    """Change a draft (409 `order_locked` otherwise); `lines` replace all lines."""
    o = editable(request.user, order_id)
    sent = payload.dict(exclude_unset=True, exclude={"version", "lines"})
    if "order_date" in sent and sent["order_date"] is None:
        del sent["order_date"]
    lines = _lines(request.user, payload.lines) if payload.lines is not None else None
    services.order_update(order=o, version=payload.version, actor=request.user, lines=lines, **sent)
    return _detail(request.user, o.pk)


@router.post("/orders/{order_id}/transition", response={200: SalesOrderDetailOut, **WRITE_ERRORS})
def order_transition(request: HttpRequest, order_id: int, payload: SalesOrderTransitionIn) -> Any:
    """Move to `to` along an allowed edge (409 `invalid_transition` otherwise; 409
    `stale_version` for an old `version`). Confirming over the credit limit leaves the order
    "pending" until the approval is decided (409 `credit_limit_exceeded` with no rule)."""
    o = editable(request.user, order_id)
    services.order_transition(
        order=o,
        to=payload.to,
        version=payload.version,
        actor=request.user,
        comment=payload.comment,
    )
    return _detail(request.user, o.pk)


def shipment_out(s: Shipment) -> dict[str, Any]:
    return {
        "id": s.pk,
        "number": s.number or "",
        "order_id": s.order_id,
        "carrier": s.carrier,
        "tracking_number": s.tracking_number,
        "status": s.status,
        "shipped_on": s.shipped_on,
        "lines": [
            {"order_line_id": x.order_line_id, "quantity": x.quantity} for x in s.lines.all()
        ],
        "events": [
            {"id": e.pk, "status": e.status, "at": e.at, "note": e.note} for e in s.events.all()
        ],
        "version": s.version,
    }


@router.get("/orders/{order_id}/shipments", response={200: list[ShipmentOut], **ERRORS})
def shipment_list(request: HttpRequest, order_id: int) -> Any:
    o = selectors.order_get_for_user(user=request.user, pk=order_id)
    return [shipment_out(s) for s in selectors.shipments_of(o)[:500]]


@router.post("/orders/{order_id}/shipments", response={201: ShipmentOut, **WRITE_ERRORS})
def shipment_create(request: HttpRequest, order_id: int, payload: ShipmentIn) -> Any:
    """Ship quantities of the order's lines: each at most ordered − shipped (422
    `quantity_exceeds_open`); the order becomes partly shipped or shipped."""
    o = editable(request.user, order_id)
    quantities: dict[int, Any] = {}
    for x in payload.lines:
        quantities[x.order_line_id] = quantities.get(x.order_line_id, 0) + x.quantity
    s = services_shipping.shipment_create(
        order=o,
        actor=request.user,
        quantities=quantities,
        carrier=payload.carrier,
        tracking_number=payload.tracking_number,
        shipped_on=payload.shipped_on,
        note=payload.note,
    )
    return Status(201, shipment_out(selectors.shipments_of(o).get(pk=s.pk)))


@router.get("/shipments/{shipment_id}", response={200: ShipmentOut, **ERRORS})
def shipment_detail(request: HttpRequest, shipment_id: int) -> Any:
    s = selectors.shipment_get_for_user(user=request.user, pk=shipment_id)
    return shipment_out(s)


@router.post("/shipments/{shipment_id}/events", response={201: ShipmentEventOut, **WRITE_ERRORS})
def shipment_event_create(request: HttpRequest, shipment_id: int, payload: ShipmentEventIn) -> Any:
    """A logistics step (picked up, in transit, delivered); never backwards (409)."""
    s = selectors.shipment_get_for_user(user=request.user, pk=shipment_id)
    editable(request.user, s.order_id)
    e = services_shipping.shipment_event_add(
        shipment=s, status=payload.status, at=payload.at, note=payload.note, actor=request.user
    )
    return Status(201, {"id": e.pk, "status": e.status, "at": e.at, "note": e.note})


def return_out(r: SalesReturn) -> dict[str, Any]:
    return {
        "id": r.pk,
        "number": r.number or "",
        "order_id": r.order_id,
        "customer": ref(r.customer),
        "reason": r.reason,
        "returned_on": r.returned_on,
        "gross_amount": r.gross_amount,
        "lines": [
            {"order_line_id": x.order_line_id, "quantity": x.quantity} for x in r.lines.all()
        ],
    }


@router.get("/returns", response={200: PageOut[SalesReturnOut], **ERRORS})
def return_list(
    request: HttpRequest,
    order_id: Id | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    require(request.user, Module.SALES, Action.VIEW)
    qs = selectors.returns_for_user(request.user).prefetch_related("lines")
    if order_id is not None:
        qs = qs.filter(order=order_id)
    return page_out(qs.order_by("-returned_on", "-id"), page, page_size, return_out)


@router.post("/returns", response={201: SalesReturnOut, **WRITE_ERRORS})
def return_create(request: HttpRequest, payload: SalesReturnIn) -> Any:
    """Goods back against shipped lines (each at most shipped − returned); the return's value
    is a credit note on the customer's ledger."""
    o = editable(request.user, payload.order_id)
    quantities: dict[int, Any] = {}
    for x in payload.lines:
        quantities[x.order_line_id] = quantities.get(x.order_line_id, 0) + x.quantity
    r = services_shipping.return_create(
        order=o,
        actor=request.user,
        quantities=quantities,
        reason=payload.reason,
        returned_on=payload.returned_on,
    )
    return Status(201, return_out(r))


from . import api_receivables  # noqa: E402,F401 - its routes join this router
