"""Fixtures of the commission tests: products in two series, and paid invoices made through
the orders services (order → confirm → invoice → payment allocated to it)."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from crm.customers import services as customer_services
from crm.customers.models import Choice, Customer
from crm.orders import services as order_services
from crm.orders import services_receivables
from crm.orders.models_receivables import Invoice
from crm.org.models import User
from crm.products import services as product_services
from crm.products.models import Product, Series, UnitOfMeasure


@pytest.fixture
def finance(demo: dict[str, User]) -> User:
    return demo["finance"]


@pytest.fixture
def series(admin: Any) -> tuple[Series, Series]:
    brand = product_services.brand_create(actor=admin, name="长城")
    return (
        product_services.series_create(actor=admin, brand=brand, name="润滑油"),
        product_services.series_create(actor=admin, brand=brand, name="润滑脂"),
    )


@pytest.fixture
def products(admin: Any, series: tuple[Series, Series]) -> tuple[Product, Product]:
    unit = UnitOfMeasure.objects.get(code="t")
    return tuple(  # type: ignore[return-value]
        product_services.product_create(
            actor=admin,
            code=f"P-{i}",
            name=f"产品{i}",
            unit=unit,
            list_price=Decimal("100"),
            series=s,
        )
        for i, s in enumerate(series)
    )


@pytest.fixture
def rating_a(db: Any) -> Choice:
    return Choice.objects.filter(kind="rating").order_by("sort_order", "id").first()  # type: ignore[return-value]


@pytest.fixture
def west_customer(rep_west: Any) -> Customer:
    return customer_services.customer_create(actor=rep_west, name="成都蜀能贸易有限公司")


@pytest.fixture
def east_customer(rep_east: Any) -> Customer:
    return customer_services.customer_create(actor=rep_east, name="上海浦江化工有限公司")


PaidFactory = Callable[..., Invoice]


def make_paid(
    *,
    rep: Any,
    finance: Any,
    customer: Customer,
    lines: list[tuple[Product, str, str]],
    received_on: date,
    pay: str | None = None,
    tax_rate: str = "13",
) -> Invoice:
    """An order of `lines` (product, quantity, unit price) by `rep`, confirmed, invoiced as a
    whole and paid (all of it, or `pay`) on `received_on`."""
    order = order_services.order_create(
        actor=rep,
        customer=customer,
        lines=[
            {
                "product": p,
                "quantity": Decimal(q),
                "unit_price": Decimal(price),
                "tax_rate": Decimal(tax_rate),
            }
            for p, q, price in lines
        ],
        order_date=received_on,
    )
    order = order_services.order_transition(
        order=order, to="confirmed", version=order.version, actor=rep
    )
    invoice = services_receivables.invoice_create(
        order=order, actor=finance, issue_date=received_on
    )
    amount = Decimal(pay) if pay is not None else invoice.gross_amount
    services_receivables.payment_create(
        customer=customer,
        actor=finance,
        amount=amount,
        received_on=received_on,
        allocations=[(invoice, amount)],
    )
    return invoice


@pytest.fixture
def paid(finance: Any) -> PaidFactory:
    def make(**kwargs: Any) -> Invoice:
        return make_paid(finance=finance, **kwargs)

    return make
