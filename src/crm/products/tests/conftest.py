from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from crm.customers import services as customer_services
from crm.customers.models import Customer
from crm.products import services
from crm.products.models import Brand, Product, Series, UnitOfMeasure


@pytest.fixture
def ton(db: Any) -> UnitOfMeasure:
    return UnitOfMeasure.objects.get(code="t")


@pytest.fixture
def sheet(db: Any) -> UnitOfMeasure:
    return UnitOfMeasure.objects.get(code="张")


@pytest.fixture
def brand(admin: Any) -> Brand:
    return services.brand_create(actor=admin, name="万华")


@pytest.fixture
def series(admin: Any, brand: Brand) -> Series:
    return services.series_create(actor=admin, brand=brand, name="聚氨酯")


@pytest.fixture
def make_product(admin: Any, ton: UnitOfMeasure) -> Callable[..., Product]:
    """`make_product(code, price="100", **fields)` through the service, as the admin."""

    def make(code: str = "P-001", price: Any = "100", **fields: Any) -> Product:
        fields.setdefault("name", f"产品 {code}")
        fields.setdefault("unit", ton)
        return services.product_create(actor=admin, code=code, list_price=Decimal(price), **fields)

    return make


@pytest.fixture
def product(make_product: Any, brand: Brand, series: Series) -> Product:
    return make_product(
        "WH-MDI-100", "4850", name="纯MDI", brand=brand, series=series, specification="250 kg/桶"
    )


@pytest.fixture
def east_customer(rep_east: Any) -> Customer:
    return customer_services.customer_create(
        actor=rep_east, name="中国石油化工股份有限公司", short_name="中石化"
    )


@pytest.fixture
def west_customer(rep_west: Any) -> Customer:
    return customer_services.customer_create(
        actor=rep_west, name="成都蜀能贸易有限公司", short_name="蜀能"
    )
