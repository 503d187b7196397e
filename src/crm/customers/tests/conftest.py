from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from crm.customers import imports, services
from crm.customers.models import Customer

VALID_USCC = "91110000600037341L"
OTHER_USCC = "91310000132200821H"
# Credit limits an import must write as given (test_imports*.py: spooled and streamed).
LIMITS = {
    "额度甲公司": Decimal("1234.5"),
    "额度乙公司": Decimal("98765.4321"),
    "额度丙公司": Decimal(0),
}


def written_limits() -> dict[str, Decimal]:
    rows = Customer.objects.filter(name__in=LIMITS).values_list("name", "credit_limit")
    return dict(rows)


@pytest.fixture
def make_customer(demo: Any) -> Callable[..., Customer]:
    """`make_customer(owner, name=…, **fields)` through the service, as the owner."""

    def make(owner: Any, name: str = "华东测试客户有限公司", **fields: Any) -> Customer:
        return services.customer_create(actor=owner, name=name, **fields)

    return make


@pytest.fixture
def east_customer(make_customer: Any, rep_east: Any) -> Customer:
    return make_customer(
        rep_east, name="中国石油化工股份有限公司", short_name="中石化", phone="021-55551234"
    )


@pytest.fixture
def west_customer(make_customer: Any, rep_west: Any) -> Customer:
    return make_customer(rep_west, name="成都蜀能贸易有限公司", short_name="蜀能")


def checked_row(owner: Any, **values: Any) -> list[Any]:
    """A row as crm.customers.imports checks it (`imports.PREPARED` order), for writing tests:
    an empty prospect owned by `owner`, with `values` over it."""
    row: dict[str, Any] = dict.fromkeys(imports.PREPARED, "")
    row |= {"credit_limit": "0", "status": "prospect", "search_text": "k"}
    row |= {"owner_id": owner.pk, "org_unit_id": owner.unit_id}
    row |= {f"{k}_id": None for k in services.CHOICE_FIELDS}
    return [(row | values)[k] for k in imports.PREPARED]
