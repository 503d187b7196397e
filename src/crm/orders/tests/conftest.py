"""Fixtures of the order and receivable tests: customers, products and orders made through
the services, and the demo's finance user."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from crm.customers import services as customer_services
from crm.customers.models import Customer
from crm.orders import services
from crm.orders.models import SalesOrder
from crm.org.models import User
from crm.products import services as product_services
from crm.products.models import Product, UnitOfMeasure


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
