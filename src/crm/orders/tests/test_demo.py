"""The demo orders: consistent with the opportunities, ledgers that add up, some overdue,
idempotent."""

from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone

from crm.customers.demo import load_customers
from crm.orders import selectors_receivables as rsel
from crm.orders.demo import load_orders
from crm.orders.models import OrderLine, SalesOrder
from crm.orders.models_receivables import Invoice, PaymentAllocation, ReceivableEntry
from crm.products.demo import load_products
from crm.sales.demo import load_sales

pytestmark = pytest.mark.usefixtures("demo_once")


def test_load_orders(leader: Any) -> None:
    load_customers(200)
    load_products(customers=200)
    load_sales(customers=200)
    made = load_orders(customers=200)
    assert made["orders"] == SalesOrder.objects.count() > 50
    assert made["invoices"] > 0 and made["payments"] > 0
    assert load_orders(customers=200)["orders"] == 0  # idempotent
    for o in SalesOrder.objects.filter(opportunity__isnull=False)[:20]:
        assert o.opportunity is not None and o.opportunity.customer_id == o.customer_id
    for o in SalesOrder.objects.all()[:50]:
        lines = OrderLine.objects.filter(order=o).aggregate(g=Sum("gross_amount"))["g"]
        assert o.gross_total == lines and o.number == f"SO{o.pk:09d}"
    invoiced = Invoice.objects.aggregate(s=Sum("gross_amount"))["s"]
    allocated = PaymentAllocation.objects.aggregate(s=Sum("amount"))["s"]
    assert ReceivableEntry.objects.aggregate(s=Sum("amount"))["s"] == invoiced - allocated
    aging = rsel.aging_totals(leader, timezone.localdate())
    assert aging["total"] == invoiced - allocated
    assert aging["d90_plus"] + aging["d61_90"] + aging["d31_60"] + aging["d0_30"] > 0
    # Pareto: the top fifth of the buying customers hold most of the revenue
    per = sorted(
        (r["s"] for r in SalesOrder.objects.values("customer").annotate(s=Sum("gross_total"))),
        reverse=True,
    )
    assert sum(per[: max(1, len(per) // 5)]) > sum(per) / 2
