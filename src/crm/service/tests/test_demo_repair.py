"""The demo's warranty and repair data: work orders and defects on repair tickets, warranty
periods on the catalogue; a second run adds nothing."""

from typing import Any

import pytest

from crm.products.models import Product
from crm.service.demo_repair import load_repairs
from crm.service.models import ProductDefect, RepairOrder

from .repair_helpers import repair_ticket, warranty_product

pytestmark = pytest.mark.usefixtures("demo_once")


def test_load_repairs_is_idempotent(admin: Any, agent: Any, west_customer: Any) -> None:
    warranty_product(admin, months=0)
    first = repair_ticket(agent, west_customer, None)
    second = repair_ticket(agent, west_customer, None)
    done = load_repairs(customers=40)
    assert done["repair_orders"] == 2 and done["products"] >= 1
    assert not Product.objects.filter(active=True, warranty_months=0).exists()
    for t in (first, second):
        t.refresh_from_db()
        order = RepairOrder.objects.get(ticket=t)
        assert t.product_id is not None and order.total_amount > 0
        # No purchase of the product: out of warranty, so the demo records a paid repair.
        assert t.repair_charge == "paid" and order.charged
    defects = ProductDefect.objects.count()
    assert load_repairs(customers=40) == {"products": 0, "repair_orders": 0, "defects": 0}
    assert RepairOrder.objects.count() == 2 and ProductDefect.objects.count() == defects
