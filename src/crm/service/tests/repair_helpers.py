"""Building blocks of the warranty and repair tests (and their access-matrix entries): a
product with a warranty, a shipped order or an active contract of it, a repair ticket."""

from datetime import date
from decimal import Decimal
from typing import Any

from crm.orders import services as order_services
from crm.orders import services_shipping
from crm.orders.models import SalesOrder
from crm.products import services as product_services
from crm.products.models import Product, UnitOfMeasure
from crm.service import services
from crm.service.models import Ticket, TicketType


def warranty_product(admin: Any, code: str = "PUMP-1", months: int = 12) -> Product:
    return product_services.product_create(
        actor=admin,
        code=code,
        name="离心泵",
        unit=UnitOfMeasure.objects.get(code="t"),
        list_price=Decimal("500.00"),
        warranty_months=months,
    )


def shipped_order(rep: Any, customer: Any, product: Product, shipped_on: date) -> SalesOrder:
    """An order of one unit of `product`, confirmed and shipped in full on `shipped_on`."""
    order = order_services.order_create(
        actor=rep,
        customer=customer,
        lines=[{"product": product, "quantity": Decimal(1), "unit_price": Decimal("500.00")}],
    )
    order = order_services.order_transition(
        order=order, to="confirmed", version=order.version, actor=rep
    )
    line = order.lines.get()
    services_shipping.shipment_create(
        order=order, actor=rep, quantities={line.pk: Decimal(1)}, shipped_on=shipped_on
    )
    order.refresh_from_db()
    return order


def repair_ticket(agent: Any, customer: Any, product: Product | None, **fields: Any) -> Ticket:
    return services.ticket_create(
        actor=agent,
        customer=customer,
        title="水泵漏油",
        type=TicketType.objects.get(code="repair"),
        product=product,
        **fields,
    )


def active_contract(rep: Any, customer: Any, product: Product, start: date, end: date) -> Any:
    """A contract of `product` from `start`, signed and active."""
    from crm.sales import services_contracts

    contract = services_contracts.contract_create(
        actor=rep,
        customer=customer,
        title="设备采购合同",
        start_date=start,
        end_date=end,
        lines=[{"product": product, "quantity": Decimal(1), "unit_price": Decimal("500.00")}],
    )
    return services_contracts.contract_transition(
        contract=contract, to="active", version=contract.version, actor=rep
    )
