"""Shipments, their logistics events and returns (SAL-6).

Each write locks the order's row and then its lines (select_for_update) before reading the
shipped and returned quantities, so two concurrent shipments cannot both take the last units.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.errors import StaleVersion
from crm.core.fields import quantize
from crm.core.services import record_create, record_update
from crm.sales.totals import amount_places

from . import services
from .errors import InvalidTransition, OverShipped, field_error
from .models import OrderLine, OrderStatus, SalesOrder
from .models_receivables import EntryKind, ReceivableEntry
from .models_shipping import (
    ReturnLine,
    SalesReturn,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
    ShipmentStatus,
)

S = OrderStatus
SHIPPABLE = (S.CONFIRMED, S.PARTLY_SHIPPED)
RETURNABLE = (S.PARTLY_SHIPPED, S.SHIPPED, S.COMPLETED)
# A shipment's events move forward only.
EVENT_ORDER = [s.value for s in ShipmentStatus]


def _lock(order: SalesOrder) -> tuple[SalesOrder, dict[int, OrderLine]]:
    """The order's row and its lines, locked until the caller's transaction ends."""
    current = SalesOrder.objects.select_for_update().filter(pk=order.pk).first()
    if current is None:
        raise StaleVersion()
    lines = {x.pk: x for x in OrderLine.objects.select_for_update().filter(order=current)}
    return current, lines


def _quantities(
    raw: dict[int, Decimal], lines: dict[int, OrderLine]
) -> list[tuple[OrderLine, Decimal]]:
    out = []
    for line_id, qty in raw.items():
        line = lines.get(int(line_id))
        if line is None:
            raise field_error("lines", _("A line does not belong to this order."))
        qty = Decimal(qty)
        if qty < 0:
            raise field_error(f"lines.{line_id}", _("Enter a quantity of zero or more."))
        if qty > 0:
            out.append((line, qty))
    if not out:
        raise field_error("lines", _("Enter a quantity for at least one line."))
    return out


def _follow_shipping(order: SalesOrder, actor: Any) -> SalesOrder:
    """Set partly shipped / shipped from the lines' shipped quantities."""
    lines = list(OrderLine.objects.filter(order=order))
    to = services.shipped_status(lines)
    if to == order.status:
        return order
    return services._move(order, to, order.version, actor)


@transaction.atomic
def shipment_create(
    *,
    order: SalesOrder,
    actor: Any,
    quantities: dict[int, Decimal],
    carrier: str = "",
    tracking_number: str = "",
    shipped_on: date | None = None,
    note: str = "",
) -> Shipment:
    """Ship `quantities` (order line id → quantity); each at most what is still open."""
    current, lines = _lock(order)
    if current.status not in SHIPPABLE:
        raise InvalidTransition(
            _("An order that is %(status)s cannot be shipped.")
            % {"status": S(current.status).label}
        )
    picked = _quantities(quantities, lines)
    for line, qty in picked:
        if qty > line.quantity - line.shipped_quantity:
            raise OverShipped(
                fields={
                    f"lines.{line.pk}": [
                        _("At most %(open)s can still be shipped.")
                        % {"open": line.quantity - line.shipped_quantity}
                    ]
                }
            )
    shipment = Shipment(
        order=current,
        customer_id=current.customer_id,
        carrier=(carrier or "").strip()[:100],
        tracking_number=(tracking_number or "").strip()[:100],
        shipped_on=shipped_on or timezone.localdate(),
    )
    record_create(instance=shipment, actor=actor)
    shipment.number = f"SH{shipment.pk:09d}"
    Shipment.all_objects.filter(pk=shipment.pk).update(number=shipment.number)
    ShipmentLine.objects.bulk_create(
        ShipmentLine(shipment=shipment, order_line=line, quantity=qty) for line, qty in picked
    )
    for line, qty in picked:
        OrderLine.objects.filter(pk=line.pk).update(shipped_quantity=F("shipped_quantity") + qty)
    ShipmentEvent.objects.create(
        shipment=shipment,
        status=ShipmentStatus.CREATED,
        at=timezone.now(),
        note=(note or "").strip()[:500],
        created_by=actor,
    )
    _follow_shipping(current, actor)
    return shipment


@transaction.atomic
def shipment_event_add(
    *, shipment: Shipment, status: str, actor: Any, at: datetime | None = None, note: str = ""
) -> ShipmentEvent:
    """A logistics step; the shipment's status moves forward with it, never back."""
    current = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if EVENT_ORDER.index(status) < EVENT_ORDER.index(current.status):
        raise InvalidTransition(
            _("A shipment that is %(from)s cannot go back to %(to)s.")
            % {"from": ShipmentStatus(current.status).label, "to": ShipmentStatus(status).label}
        )
    event = ShipmentEvent.objects.create(
        shipment=current,
        status=status,
        at=at or timezone.now(),
        note=(note or "").strip()[:500],
        created_by=actor,
    )
    if status != current.status:
        record_update(
            instance=current, version=current.version, changes={"status": status}, actor=actor
        )
    return event


@transaction.atomic
def return_create(
    *,
    order: SalesOrder,
    actor: Any,
    quantities: dict[int, Decimal],
    reason: str,
    returned_on: date | None = None,
) -> SalesReturn:
    """Take back shipped goods (each line at most shipped − returned); the return's gross
    value becomes a credit note on the receivables ledger."""
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Say why the goods come back."))
    current, lines = _lock(order)
    if current.status not in RETURNABLE:
        raise InvalidTransition(
            _("Nothing of an order that is %(status)s can be returned.")
            % {"status": S(current.status).label}
        )
    picked = _quantities(quantities, lines)
    places = amount_places()
    credits = []
    for line, qty in picked:
        if qty > line.shipped_quantity - line.returned_quantity:
            raise OverShipped(
                fields={
                    f"lines.{line.pk}": [
                        _("At most %(open)s can be returned.")
                        % {"open": line.shipped_quantity - line.returned_quantity}
                    ]
                }
            )
        credits.append(quantize(line.gross_amount * qty / line.quantity, places))
    total = sum(credits, Decimal(0))
    ret = SalesReturn(
        order=current,
        customer_id=current.customer_id,
        reason=reason[:500],
        returned_on=returned_on or timezone.localdate(),
        gross_amount=total,
    )
    record_create(instance=ret, actor=actor)
    ret.number = f"RT{ret.pk:09d}"
    SalesReturn.all_objects.filter(pk=ret.pk).update(number=ret.number)
    ReturnLine.objects.bulk_create(
        ReturnLine(sales_return=ret, order_line=line, quantity=qty, gross_amount=amount)
        for (line, qty), amount in zip(picked, credits, strict=True)
    )
    for line, qty in picked:
        OrderLine.objects.filter(pk=line.pk).update(returned_quantity=F("returned_quantity") + qty)
    if total > 0:
        ReceivableEntry.objects.create(
            customer_id=current.customer_id,
            kind=EntryKind.CREDIT,
            amount=-total,
            on=ret.returned_on,
            sales_return=ret,
            owner_id=current.owner_id,
            org_unit_id=current.org_unit_id,
        )
    return ret
