"""The demo commissions: skipped without orders data; with it, the last months computed
from the demo payments, bases adding up to the months' paid ex-tax amounts; twice is fine."""

from typing import Any

import pytest
from django.db.models import Sum

from crm.commissions.demo import load_commissions
from crm.commissions.models import CommissionLine, CommissionStatement

pytestmark = pytest.mark.usefixtures("demo_once")


def test_skipped_without_orders(db: Any) -> None:
    assert load_commissions() == {"rules": 0, "months": 0, "statements": 0}


def test_load_commissions(admin: Any) -> None:
    from crm.customers.demo import load_customers
    from crm.orders.demo import load_orders
    from crm.products.demo import load_products
    from crm.sales.demo import load_sales

    load_customers(200)
    load_products(customers=200)
    load_sales(customers=200)
    load_orders(customers=200)
    made = load_commissions(months=24)
    assert made["months"] == 24 and made["statements"] == CommissionStatement.objects.count() > 0
    assert CommissionLine.objects.filter(rule__isnull=False).exists()
    for st in CommissionStatement.objects.all()[:20]:
        sums = st.lines.aggregate(b=Sum("basis"), c=Sum("commission"))
        assert (sums["b"], sums["c"]) == (st.basis, st.commission)
    again = load_commissions(months=24)
    assert again["statements"] == made["statements"] and again["rules"] == 0
