"""Fixtures of quotes: made through the services, as the reps would."""

from decimal import Decimal
from typing import Any

import pytest

from crm.sales import services_quotes
from crm.sales.models_quotes import Quote

from .conftest import in_days


@pytest.fixture
def quote_product(admin: Any) -> Any:
    from crm.products import services as product_services
    from crm.products.models import UnitOfMeasure

    return product_services.product_create(
        actor=admin,
        code="WH-TDI-80",
        name="甲苯二异氰酸酯",
        unit=UnitOfMeasure.objects.get(code="t"),
        list_price=Decimal("12000"),
    )


@pytest.fixture
def east_quote(rep_east: Any, pipeline_east_customer: Any, quote_product: Any) -> Quote:
    return services_quotes.quote_create(
        actor=rep_east,
        customer=pipeline_east_customer,
        title="TDI 年度报价",
        valid_until=in_days(20),
        lines=[{"product": quote_product, "quantity": Decimal("2"), "discount_pct": Decimal("5")}],
    )


@pytest.fixture
def west_quote(rep_west: Any, pipeline_west_customer: Any, quote_product: Any) -> Quote:
    return services_quotes.quote_create(
        actor=rep_west,
        customer=pipeline_west_customer,
        valid_until=in_days(20),
        lines=[{"product": quote_product, "quantity": Decimal("1")}],
    )
