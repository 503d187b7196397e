"""Shipments, logistics events and returns: quantities never exceed what is open, the order's
status follows, a return credits the ledger."""

from decimal import Decimal
from typing import Any

import pytest

from crm.orders import services_shipping
from crm.orders.errors import InvalidTransition, OverShipped
from crm.orders.models import OrderStatus, SalesOrder
from crm.orders.models_receivables import ReceivableEntry
from crm.orders.selectors_receivables import balance_of

pytestmark = pytest.mark.usefixtures("demo_once")


def _ship(order: Any, actor: Any, qty: str) -> Any:
    line = order.lines.get()
    return services_shipping.shipment_create(
        order=order,
        actor=actor,
        quantities={line.pk: Decimal(qty)},
        carrier="顺丰",
        tracking_number="SF1234567890",
    )


def test_shipments_follow_the_order_status(west_order: Any, rep_west: Any, confirmed: Any) -> None:
    with pytest.raises(InvalidTransition):  # a draft is not shipped
        _ship(west_order, rep_west, "1")
    order = confirmed(west_order)
    first = _ship(order, rep_west, "4")
    assert first.number.startswith("SH")
    assert SalesOrder.objects.get(pk=order.pk).status == OrderStatus.PARTLY_SHIPPED
    with pytest.raises(OverShipped):
        _ship(order, rep_west, "6.5")
    _ship(order, rep_west, "6")
    done = SalesOrder.objects.get(pk=order.pk)
    assert done.status == OrderStatus.SHIPPED and done.lines.get().shipped_quantity == 10
    assert [c.to_status for c in done.status_changes.all()][-2:] == ["partly_shipped", "shipped"]


def test_logistics_events_move_forward(west_order: Any, rep_west: Any, confirmed: Any) -> None:
    shipment = _ship(confirmed(west_order), rep_west, "10")
    services_shipping.shipment_event_add(
        shipment=shipment, status="in_transit", actor=rep_west, note="已发车"
    )
    services_shipping.shipment_event_add(shipment=shipment, status="delivered", actor=rep_west)
    with pytest.raises(InvalidTransition):
        services_shipping.shipment_event_add(shipment=shipment, status="picked_up", actor=rep_west)
    shipment.refresh_from_db()
    assert shipment.status == "delivered"
    assert [e.status for e in shipment.events.all()] == ["created", "in_transit", "delivered"]


def test_return_at_most_shipped_and_credits_the_ledger(
    west_order: Any, rep_west: Any, confirmed: Any, west_customer: Any
) -> None:
    order = confirmed(west_order)
    _ship(order, rep_west, "4")
    line = order.lines.get()
    with pytest.raises(OverShipped):
        services_shipping.return_create(
            order=order, actor=rep_west, quantities={line.pk: Decimal("5")}, reason="破损"
        )
    ret = services_shipping.return_create(
        order=order, actor=rep_west, quantities={line.pk: Decimal("1")}, reason="包装破损"
    )
    assert ret.gross_amount == Decimal("113.00")  # one tenth of 1,130.00
    entry = ReceivableEntry.objects.get(sales_return=ret)
    assert entry.kind == "credit" and entry.amount == Decimal("-113.00")
    assert balance_of(west_customer.pk) == Decimal("-113.00")
    line.refresh_from_db()
    assert line.returned_quantity == 1
