"""API of warranty and repair (SVC-3): a ticket's warranty status and repair charge, its
attachments, repair work orders with parts and labour, and product defects with counts per
product. Thin: parse → selector/service → schema; writes need the ticket editable."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from crm.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    InputSchema,
    PageNumber,
    PageOut,
    PageSize,
    Text,
    page_out,
)
from crm.core.access import require
from crm.core.errors import ValidationFailed
from crm.core.files import download
from crm.core.modules import Action, Module
from crm.customers.schemas import Id, Ref
from crm.sales.schemas import Version

from . import selectors, selectors_repair, services_repair
from .api import TicketDetailOut, WarrantyOut, _detail, _editable
from .models import (
    DefectSeverity,
    DefectStatus,
    ProductDefect,
    RepairCharge,
    RepairOrder,
    RepairOrderStatus,
)
from .schemas import TicketAttachmentOut, attachment_out

router: Router = Router(tags=["repairs"])

Amount = Annotated[Decimal, Field(ge=0, lt=10**12, max_digits=18, decimal_places=4)]


class RepairChargeIn(InputSchema):
    version: Version
    charge: RepairCharge | Literal[""] = Field(
        description="paid (the customer pays), override (free; the queue's manager), or empty"
    )


class RepairPartIn(InputSchema):
    product_id: Id
    quantity: Amount
    unit_price: Amount | None = Field(default=None, description="empty: the list price")


class RepairPartOut(Schema):
    product: Ref
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


class RepairOrderIn(InputSchema):
    labour_hours: Amount = Decimal(0)
    labour_rate: Amount = Decimal(0)
    parts: list[RepairPartIn] = Field(default_factory=list, max_length=100)
    notes: str = Field(default="", max_length=5000)


class RepairOrderPatch(InputSchema):
    version: Version
    labour_hours: Amount | None = None
    labour_rate: Amount | None = None
    parts: list[RepairPartIn] | None = Field(default=None, max_length=100)
    notes: str | None = Field(default=None, max_length=5000)
    status: RepairOrderStatus | None = None


class RepairOrderOut(Schema):
    id: int
    number: str
    ticket: Ref
    status: RepairOrderStatus
    charged: bool
    labour_hours: Decimal
    labour_rate: Decimal
    parts_amount: Decimal
    labour_amount: Decimal
    total_amount: Decimal
    amount_due: Decimal = Field(description="0 when free")
    notes: str
    parts: list[RepairPartOut]
    done_at: datetime | None
    version: int


class DefectIn(InputSchema):
    description: str = Field(min_length=1, max_length=5000)
    product_id: Id | None = Field(default=None, description="empty: the ticket's product")
    batch_number: str = Field(default="", max_length=60)
    severity: DefectSeverity = DefectSeverity.MINOR


class DefectPatch(InputSchema):
    version: Version
    description: str | None = Field(default=None, min_length=1, max_length=5000)
    batch_number: str | None = Field(default=None, max_length=60)
    severity: DefectSeverity | None = None
    status: DefectStatus | None = None


class DefectOut(Schema):
    id: int
    ticket: Ref
    customer: Ref
    product: Ref
    batch_number: str
    severity: DefectSeverity
    status: DefectStatus
    description: str
    created_at: datetime
    version: int


class DefectQuery(Schema):
    product_id: Id | None = None
    status: DefectStatus | None = None
    severity: DefectSeverity | None = None
    search: Text = ""


class DefectCountOut(Schema):
    product: Ref
    code: str
    total: int
    open: int = Field(description="open or investigating")


def _ticket_ref(t: Any) -> dict[str, Any]:
    return {"id": t.pk, "name": t.number or ""}


def _product_ref(p: Any) -> dict[str, Any]:
    return {"id": p.pk, "name": p.name}


def warranty_out(ticket: Any) -> dict[str, Any] | None:
    w = selectors_repair.warranty_of(ticket)
    if w is None:
        return None
    return {
        "state": w.state,
        "until": w.until,
        "start": w.start,
        "source": w.source,
        "source_number": w.source_number,
        "label": w.label,
        "repair_charge": ticket.repair_charge,
        "may_start": w.covered or bool(ticket.repair_charge),
    }


def repair_order_out(o: RepairOrder) -> dict[str, Any]:
    return {
        "id": o.pk,
        "number": o.number or "",
        "ticket": _ticket_ref(o.ticket),
        "status": o.status,
        "charged": o.charged,
        "labour_hours": o.labour_hours,
        "labour_rate": o.labour_rate,
        "parts_amount": o.parts_amount,
        "labour_amount": o.labour_amount,
        "total_amount": o.total_amount,
        "amount_due": o.amount_due,
        "notes": o.notes,
        "parts": [
            {
                "product": _product_ref(p.product),
                "quantity": p.quantity,
                "unit_price": p.unit_price,
                "amount": p.amount,
            }
            for p in o.parts.all()
        ],
        "done_at": o.done_at,
        "version": o.version,
    }


def defect_out(d: ProductDefect) -> dict[str, Any]:
    return {
        "id": d.pk,
        "ticket": _ticket_ref(d.ticket),
        "customer": {"id": d.customer_id, "name": d.customer.name},
        "product": _product_ref(d.product),
        "batch_number": d.batch_number,
        "severity": d.severity,
        "status": d.status,
        "description": d.description,
        "created_at": d.created_at,
        "version": d.version,
    }


def _product(user: Any, pk: int | None, field: str) -> Any:
    from crm.products.selectors import products_for_user

    if pk is None:
        return None
    product = products_for_user(user).filter(pk=pk).first()
    if product is None:
        raise ValidationFailed(fields={field: [_("Unknown or not allowed choice.")]})
    return product


def _parts(user: Any, parts: list[RepairPartIn]) -> list[dict[str, Any]]:
    return [
        {
            "product": _product(user, p.product_id, f"parts.{i}.product_id"),
            "quantity": p.quantity,
            "unit_price": p.unit_price,
        }
        for i, p in enumerate(parts)
    ]


# --- warranty ----------------------------------------------------------------------------


@router.get("/tickets/{ticket_id}/warranty", response={200: WarrantyOut | None, **ERRORS})
def warranty(request: HttpRequest, ticket_id: int) -> Any:
    """The warranty of a repair ticket's product; null for other tickets or without product."""
    t = selectors.ticket_get_for_user(user=request.user, pk=ticket_id)
    return warranty_out(t)


@router.post("/tickets/{ticket_id}/repair-charge", response={200: TicketDetailOut, **WRITE_ERRORS})
def repair_charge(request: HttpRequest, ticket_id: int, payload: RepairChargeIn) -> Any:
    """Record that an out-of-warranty repair is paid by the customer (`paid`) or let through
    free by the queue's manager (`override`; 403 for others). Until then moving the ticket to
    in progress is refused with 409 `out_of_warranty`."""
    t = _editable(request.user, ticket_id)
    services_repair.repair_charge_set(
        ticket=t, version=payload.version, charge=payload.charge, actor=request.user
    )
    return _detail(request.user, t.pk)


# --- attachments -------------------------------------------------------------------------


@router.get("/tickets/{ticket_id}/attachments", response={200: list[TicketAttachmentOut], **ERRORS})
def attachment_list(request: HttpRequest, ticket_id: int) -> Any:
    """The ticket's own files (those sent with a reply or note are listed under the entry)."""
    t = selectors.ticket_get_for_user(user=request.user, pk=ticket_id)
    return [attachment_out(a) for a in selectors_repair.attachments_of(t)[:100]]


@router.post(
    "/tickets/{ticket_id}/attachments", response={201: TicketAttachmentOut, **WRITE_ERRORS}
)
def attachment_create(request: HttpRequest, ticket_id: int, file: File[UploadedFile]) -> Any:
    """Multipart upload: PDF, JPG, PNG, DOCX, XLSX or TXT; at most 10 MB."""
    t = _editable(request.user, ticket_id)
    a = services_repair.attachment_add(ticket=t, file=file, actor=request.user)
    return Status(201, attachment_out(a))


@router.get("/tickets/attachments/{attachment_id}", response={200: None, **ERRORS})
def attachment_download(request: HttpRequest, attachment_id: int) -> Any:
    a = selectors_repair.attachment_get_for_user(user=request.user, pk=attachment_id)
    return download(a.file, a.name)


# --- repair orders -----------------------------------------------------------------------


@router.get("/tickets/{ticket_id}/repair-orders", response={200: list[RepairOrderOut], **ERRORS})
def repair_order_list(request: HttpRequest, ticket_id: int) -> Any:
    t = selectors.ticket_get_for_user(user=request.user, pk=ticket_id)
    return [repair_order_out(o) for o in selectors_repair.repair_orders_of(t)[:100]]


@router.post("/tickets/{ticket_id}/repair-orders", response={201: RepairOrderOut, **WRITE_ERRORS})
def repair_order_create(request: HttpRequest, ticket_id: int, payload: RepairOrderIn) -> Any:
    """A work order of a repair ticket (409 `not_a_repair` for other types); free when the
    product is in warranty or a manager overrode, charged otherwise."""
    t = _editable(request.user, ticket_id)
    o = services_repair.repair_order_create(
        ticket=t,
        actor=request.user,
        labour_hours=payload.labour_hours,
        labour_rate=payload.labour_rate,
        parts=_parts(request.user, payload.parts),
        notes=payload.notes,
    )
    return Status(201, repair_order_out(selectors_repair.repair_orders_of(t).get(pk=o.pk)))


@router.get("/repair-orders/{order_id}", response={200: RepairOrderOut, **ERRORS})
def repair_order_detail(request: HttpRequest, order_id: int) -> Any:
    o = selectors_repair.repair_order_get_for_user(user=request.user, pk=order_id)
    return repair_order_out(o)


@router.patch("/repair-orders/{order_id}", response={200: RepairOrderOut, **WRITE_ERRORS})
def repair_order_patch(request: HttpRequest, order_id: int, payload: RepairOrderPatch) -> Any:
    """Change labour, parts (the list replaces the old one) or notes while open; `status`
    done/open finishes or reopens it (409 `repair_done` for changes to a done one)."""
    o = selectors_repair.repair_order_get_for_user(user=request.user, pk=order_id)
    _editable(request.user, o.ticket_id)
    services_repair.repair_order_update(
        order=o,
        version=payload.version,
        actor=request.user,
        labour_hours=payload.labour_hours,
        labour_rate=payload.labour_rate,
        parts=None if payload.parts is None else _parts(request.user, payload.parts),
        notes=payload.notes,
        status=payload.status,
    )
    return repair_order_out(selectors_repair.repair_order_get_for_user(user=request.user, pk=o.pk))


# --- defects -----------------------------------------------------------------------------


@router.get("/defects", response={200: PageOut[DefectOut], **ERRORS})
def defect_list(
    request: HttpRequest,
    query: Query[DefectQuery],
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    require(request.user, Module.SERVICE, Action.VIEW)
    qs = selectors_repair.defect_list(request.user, _filters(query))
    return page_out(qs, page, page_size, defect_out)


@router.get("/defects/counts", response={200: list[DefectCountOut], **ERRORS})
def defect_counts(request: HttpRequest, query: Query[DefectQuery]) -> Any:
    """Defects per product (the 50 with most), total and still open."""
    require(request.user, Module.SERVICE, Action.VIEW)
    return [
        {
            "product": {"id": r["product_id"], "name": r["name"]},
            "code": r["code"],
            "total": r["total"],
            "open": r["open"],
        }
        for r in selectors_repair.defect_counts(request.user, _filters(query))
    ]


def _filters(query: DefectQuery) -> selectors_repair.DefectFilters:
    return selectors_repair.DefectFilters(
        product=query.product_id,
        status=query.status or "",
        severity=query.severity or "",
        search=query.search,
    )


@router.get("/tickets/{ticket_id}/defects", response={200: list[DefectOut], **ERRORS})
def ticket_defects(request: HttpRequest, ticket_id: int) -> Any:
    t = selectors.ticket_get_for_user(user=request.user, pk=ticket_id)
    return [defect_out(d) for d in selectors_repair.defects_of(t).select_related("customer")]


@router.post("/tickets/{ticket_id}/defects", response={201: DefectOut, **WRITE_ERRORS})
def defect_create(request: HttpRequest, ticket_id: int, payload: DefectIn) -> Any:
    t = _editable(request.user, ticket_id)
    d = services_repair.defect_create(
        ticket=t,
        actor=request.user,
        description=payload.description,
        product=_product(request.user, payload.product_id, "product_id"),
        batch_number=payload.batch_number,
        severity=payload.severity,
    )
    return Status(201, defect_out(selectors_repair.defect_get_for_user(user=request.user, pk=d.pk)))


@router.get("/defects/{defect_id}", response={200: DefectOut, **ERRORS})
def defect_detail(request: HttpRequest, defect_id: int) -> Any:
    return defect_out(selectors_repair.defect_get_for_user(user=request.user, pk=defect_id))


@router.patch("/defects/{defect_id}", response={200: DefectOut, **WRITE_ERRORS})
def defect_patch(request: HttpRequest, defect_id: int, payload: DefectPatch) -> Any:
    d = selectors_repair.defect_get_for_user(user=request.user, pk=defect_id)
    _editable(request.user, d.ticket_id)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    changes = {k: v for k, v in changes.items() if v is not None}
    services_repair.defect_update(defect=d, version=payload.version, actor=request.user, **changes)
    return defect_out(selectors_repair.defect_get_for_user(user=request.user, pk=d.pk))
