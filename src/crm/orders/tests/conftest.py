"""Fixtures of the order and receivable tests: customers, products and orders made through
the services, the demo's finance user, and a customer's ledger for the statement."""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from crm.customers import services as customer_services
from crm.customers.models import Customer
from crm.orders import services, services_receivables, services_shipping
from crm.orders.models import SalesOrder
from crm.org.models import User
from crm.products import services as product_services
from crm.products.models import Product, UnitOfMeasure


def _day(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def finance(demo: dict[str, User]) -> User:
    return demo["finance"]


@pytest.fixture
def west_customer(rep_west: Any) -> Customer:
    return customer_services.customer_create(actor=rep_west, name="成都蜀能贸易有限公司")


@pytest.fixture
def east_customer(rep_east: Any) -> Customer:
    return customer_services.customer_create(actor=rep_east, name="上海浦江化工有限公司")


@pytest.fixture
def product(admin: Any) -> Product:
    return product_services.product_create(
        actor=admin,
        code="LUB-100",
        name="工业润滑油",
        unit=UnitOfMeasure.objects.get(code="t"),
        list_price=Decimal("1000.00"),
    )


@pytest.fixture
def make_order(product: Product) -> Callable[..., SalesOrder]:
    def make(actor: Any, customer: Customer, *quantities: str, **kwargs: Any) -> SalesOrder:
        lines = [
            {"product": product, "quantity": Decimal(q), "unit_price": Decimal("100.00")}
            for q in (quantities or ("10",))
        ]
        return services.order_create(actor=actor, customer=customer, lines=lines, **kwargs)

    return make


@pytest.fixture
def west_order(make_order: Callable[..., SalesOrder], rep_west: Any, west_customer: Any) -> Any:
    return make_order(rep_west, west_customer)


@pytest.fixture
def confirmed(rep_west: Any) -> Callable[[SalesOrder], SalesOrder]:
    def confirm(order: SalesOrder) -> SalesOrder:
        return services.order_transition(
            order=order, to="confirmed", version=order.version, actor=rep_west
        )

    return confirm


@pytest.fixture
def ledger(
    make_order: Callable[..., SalesOrder],
    confirmed: Callable[[SalesOrder], SalesOrder],
    rep_west: Any,
    west_customer: Any,
    finance: Any,
) -> dict[str, Any]:
    """The west customer's ledger for the statement's tests, whose period is the last 30 days.
    Before it: an invoice of 1,130 (10 × 100 + 13 %). In it: an order shipped and invoiced
    (2,260), a payment of 1,000 and a return of 2 units (226 credited); closing 2,164."""
    old = confirmed(make_order(rep_west, west_customer, "10"))
    services_receivables.invoice_create(order=old, actor=finance, issue_date=_day(-60))
    order = confirmed(make_order(rep_west, west_customer, "20"))
    line = order.lines.get()
    services_shipping.shipment_create(
        order=order, actor=rep_west, quantities={line.pk: Decimal("20")}, shipped_on=_day(-10)
    )
    invoice = services_receivables.invoice_create(
        order=order, actor=finance, issue_date=_day(-9), fapiao_number="04401234"
    )
    payment = services_receivables.payment_create(
        customer=west_customer,
        actor=finance,
        amount=Decimal("1000"),
        received_on=_day(-5),
        reference="回单 88",
    )
    ret = services_shipping.return_create(
        order=order,
        actor=rep_west,
        quantities={line.pk: Decimal("2")},
        reason="包装破损",
        returned_on=_day(-3),
    )
    return {"order": order, "invoice": invoice, "payment": payment, "return": ret}
