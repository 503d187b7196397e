"""Reads of warranty and repair (SVC-3): the warranty check, a ticket's attachments, work
orders and defects, and the defects list with counts per product — all scoped through the
tickets the user sees (crm.service.selectors)."""

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.access import get_in_scope

from . import selectors
from .models import (
    DefectSeverity,
    DefectStatus,
    ProductDefect,
    RepairOrder,
    Ticket,
    TicketAttachment,
)

REPAIR_TYPE = "repair"  # the code of the ticket type the warranty check applies to


def add_months(start: date, months: int) -> date:
    """`start` plus whole months; a day past the month's end becomes its last day
    (31 Jan + 1 month = 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


class WarrantyState:
    IN_WARRANTY = "in_warranty"
    EXPIRED = "expired"
    NONE = "none"  # no shipped order or active contract with the product


@dataclass(frozen=True)
class Warranty:
    state: str
    until: date | None = None  # the last day covered
    source: str = ""  # "order" or "contract"
    source_number: str = ""
    start: date | None = None

    @property
    def covered(self) -> bool:
        return self.state == WarrantyState.IN_WARRANTY

    @property
    def label(self) -> str:
        if self.state == WarrantyState.IN_WARRANTY:
            return _("In warranty until %(date)s") % {"date": self.until}
        if self.state == WarrantyState.EXPIRED:
            return _("Warranty expired on %(date)s") % {"date": self.until}
        return _("No purchase of this product found")


def _purchases(customer_id: int, product_id: int) -> list[tuple[date, str, str]]:
    """(start date, source, number) of every shipped/completed order and active contract of the
    customer with the product: the warranty starts at the shipment (or the contract's start)."""
    from crm.orders.models import OrderStatus, SalesOrder
    from crm.orders.models_shipping import Shipment
    from crm.sales.models_contracts import Contract, ContractStatus

    done = [OrderStatus.SHIPPED, OrderStatus.COMPLETED]
    out: list[tuple[date, str, str]] = []
    shipments = (
        Shipment.objects.filter(
            customer=customer_id,
            order__status__in=done,
            order__is_deleted=False,
            lines__order_line__product=product_id,
        )
        .order_by("-shipped_on")
        .values_list("shipped_on", "order__number")[:1]
    )
    out += [(d, "order", n or "") for d, n in shipments]
    # Orders marked shipped without shipment records: the day they became shipped.
    orders = (
        SalesOrder.objects.filter(customer=customer_id, status__in=done, lines__product=product_id)
        .exclude(shipments__is_deleted=False)
        .order_by("-order_date")
        .values_list("status_changed_at", "order_date", "number")[:1]
    )
    for changed, ordered, number in orders:
        day = timezone.localdate(changed) if changed else ordered
        out.append((day, "order", number or ""))
    contracts = (
        Contract.objects.filter(
            customer=customer_id, status=ContractStatus.ACTIVE, lines__product=product_id
        )
        .order_by("-start_date")
        .values_list("start_date", "number")[:1]
    )
    out += [(d, "contract", n or "") for d, n in contracts]
    return out


def warranty_for(*, customer_id: int, product: Any, today: date | None = None) -> Warranty:
    """The customer's warranty on the product: the latest end over their purchases of it."""
    today = today or timezone.localdate()
    best: Warranty | None = None
    for start, source, number in _purchases(customer_id, product.pk):
        until = add_months(start, product.warranty_months)
        if best is None or (best.until is not None and until > best.until):
            state = WarrantyState.IN_WARRANTY if today <= until else WarrantyState.EXPIRED
            best = Warranty(state, until, source, number, start)
    return best or Warranty(WarrantyState.NONE)


def warranty_of(ticket: Ticket, today: date | None = None) -> Warranty | None:
    """The warranty a repair ticket's product has; None for other tickets or without product."""
    if ticket.product_id is None or ticket.type.code != REPAIR_TYPE:
        return None
    return warranty_for(customer_id=ticket.customer_id, product=ticket.product, today=today)


def is_repair(ticket: Ticket) -> bool:
    return ticket.type.code == REPAIR_TYPE


def orders_of_customer(customer: Any, limit: int = 30) -> list[Any]:
    """The customer's latest orders, offered on a new ticket (a ticket's readers see the order
    it names through the ticket, whatever their orders scope)."""
    from crm.orders.models import SalesOrder

    return list(
        SalesOrder.objects.filter(customer=customer, number__isnull=False).order_by(
            "-order_date", "-id"
        )[:limit]
    )


def order_named(customer: Any, text: str) -> Any:
    """The customer's order a picker value names (its number, maybe followed by more)."""
    from crm.orders.models import SalesOrder

    token = (text or "").replace("\x00", "").strip().split(" ", 1)[0]
    return SalesOrder.objects.filter(customer=customer, number=token).first() if token else None


# --- a ticket's records ------------------------------------------------------------------


def attachments_of(ticket: Ticket) -> QuerySet[TicketAttachment]:
    """The ticket's own files; those sent with a reply or note are listed under it."""
    return ticket.attachments.filter(entry__isnull=True).select_related("uploaded_by")


def attachment_get_for_user(*, user: Any, pk: Any) -> TicketAttachment:
    tickets = selectors.tickets_for_user(user).values("pk")
    return get_in_scope(TicketAttachment.objects.filter(ticket__in=tickets), pk)


def repair_orders_of(ticket: Ticket) -> QuerySet[RepairOrder]:
    return ticket.repair_orders.prefetch_related("parts__product")


def repair_orders_for_user(user: Any) -> QuerySet[RepairOrder]:
    tickets = selectors.tickets_for_user(user).values("pk")
    return RepairOrder.objects.filter(ticket__in=tickets).select_related("ticket__type")


def repair_order_get_for_user(*, user: Any, pk: Any) -> RepairOrder:
    return get_in_scope(repair_orders_for_user(user).prefetch_related("parts__product"), pk)


def defects_of(ticket: Ticket) -> QuerySet[ProductDefect]:
    return ticket.defects.select_related("product")


def defects_for_user(user: Any) -> QuerySet[ProductDefect]:
    tickets = selectors.tickets_for_user(user).values("pk")
    return ProductDefect.objects.filter(ticket__in=tickets).select_related(
        "product", "customer", "ticket"
    )


def defect_get_for_user(*, user: Any, pk: Any) -> ProductDefect:
    return get_in_scope(defects_for_user(user), pk)


@dataclass
class DefectFilters:
    product: int | None = None
    status: str = ""
    severity: str = ""
    search: str = ""  # batch number or description


def defect_list(user: Any, filters: DefectFilters) -> QuerySet[ProductDefect]:
    qs = defects_for_user(user)
    if filters.product:
        qs = qs.filter(product=filters.product)
    if filters.status in DefectStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.severity in DefectSeverity.values:
        qs = qs.filter(severity=filters.severity)
    if filters.search:
        term = filters.search.strip()[:100]
        qs = qs.filter(Q(batch_number__icontains=term) | Q(description__icontains=term))
    return qs.order_by("-created_at", "-id")


def defect_counts(user: Any, filters: DefectFilters, limit: int = 50) -> list[dict[str, Any]]:
    """Defects per product (one SQL aggregate over the filtered list): total and still open."""
    unresolved = [DefectStatus.OPEN, DefectStatus.INVESTIGATING]
    rows = (
        defect_list(user, filters)
        .order_by()
        .values("product", "product__code", "product__name")
        .annotate(total=Count("id"), open=Count("id", filter=Q(status__in=unresolved)))
        .order_by("-total", "product__code")[:limit]
    )
    return [
        {
            "product_id": r["product"],
            "code": r["product__code"],
            "name": r["product__name"],
            "total": r["total"],
            "open": r["open"],
        }
        for r in rows
    ]
