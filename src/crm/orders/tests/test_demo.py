"""The demo orders: about ten lines per customer over three years, consistent with the
opportunities and their quotes and contracts, amounts as the services compute them, ledgers
that add up, Pareto revenue, some overdue, idempotent; the COPY rows the workers make are the
rows the in-process path makes; the PostgreSQL bulk mode (workers, indexes rebuilt)."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, F, Max, Min, Sum
from django.utils import timezone

from crm.core.bulk import copy_text
from crm.customers.demo import load_customers
from crm.orders import demo
from crm.orders import selectors_receivables as rsel
from crm.orders.demo import load_orders
from crm.orders.models import OrderLine, SalesOrder
from crm.orders.models_receivables import Invoice, Payment, PaymentAllocation, ReceivableEntry
from crm.orders.models_shipping import Shipment, ShipmentLine
from crm.products.demo import load_products
from crm.sales.demo import load_sales
from crm.sales.demo_quotes import load_quotes
from crm.sales.totals import Places, line_totals

pytestmark = pytest.mark.usefixtures("demo_once")


def _load(n: int = 200) -> dict[str, int]:
    load_customers(n)
    load_products(customers=n)
    load_sales(customers=n)
    load_quotes()
    return load_orders(customers=n)


def _ledgers_add_up() -> None:
    invoiced = Invoice.objects.aggregate(s=Sum("gross_amount"))["s"]
    allocated = PaymentAllocation.objects.aggregate(s=Sum("amount"))["s"]
    assert Payment.objects.aggregate(s=Sum("amount"))["s"] == allocated
    assert ReceivableEntry.objects.aggregate(s=Sum("amount"))["s"] == invoiced - allocated


def test_load_orders(leader: Any) -> None:
    made = _load()
    today = timezone.localdate()
    assert made["orders"] == SalesOrder.objects.count() > 200
    assert made["lines"] == OrderLine.objects.count()
    assert 7 * 200 <= made["lines"] <= 14 * 200  # about ten lines per customer
    assert made["shipments"] == Shipment.objects.count() > 0
    assert made["invoices"] == Invoice.objects.count() > 0
    assert made["payments"] == Payment.objects.count() > 0
    assert load_orders(customers=200)["orders"] == 0  # idempotent
    # three years, none in the future
    span = SalesOrder.objects.aggregate(first=Min("order_date"), last=Max("order_date"))
    assert today - timedelta(days=3 * 365) <= span["first"] <= today - timedelta(days=2 * 365)
    assert span["last"] <= today
    # won opportunities: same customer, the opportunity's accepted quote and contract
    from_opps = SalesOrder.objects.filter(opportunity__isnull=False).select_related(
        "opportunity", "quote", "contract"
    )
    assert from_opps.exists()
    for o in from_opps[:30]:
        assert o.opportunity is not None and o.opportunity.customer_id == o.customer_id
        assert o.order_date == o.opportunity.closed_on
        assert o.quote is not None and o.quote.opportunity_id == o.opportunity_id
        assert o.contract is not None and o.contract.opportunity_id == o.opportunity_id
        assert o.payment_terms_days == o.contract.payment_terms_days
    # amounts exactly as crm.sales.totals computes them; documents are the sums of lines
    for line in OrderLine.objects.order_by("?")[:200]:
        t = line_totals(
            quantity=line.quantity, unit_price=line.unit_price, tax_rate=13, p=Places(amount=2)
        )
        assert (line.net_amount, line.tax_amount, line.gross_amount) == (t.net, t.tax, t.gross)
        assert 0 <= line.shipped_quantity <= line.quantity
    for o in SalesOrder.objects.order_by("?")[:100]:
        sums = OrderLine.objects.filter(order=o).aggregate(
            n=Sum("net_amount"), g=Sum("gross_amount")
        )
        assert (o.net_total, o.gross_total) == (sums["n"], sums["g"])
        assert o.number == f"SO{o.pk:09d}"
    for inv in Invoice.objects.select_related("order")[:50]:
        assert inv.gross_amount == inv.order.gross_total and inv.due_date > inv.issue_date
        assert inv.order.status in ("shipped", "completed")
    shipped = ShipmentLine.objects.filter(quantity__gt=F("order_line__quantity"))
    assert not shipped.exists()
    _ledgers_add_up()
    over = PaymentAllocation.objects.filter(amount__gt=F("invoice__gross_amount"))
    assert not over.exists()
    # some overdue, the aging report adds up
    invoiced = Invoice.objects.aggregate(s=Sum("gross_amount"))["s"]
    allocated = PaymentAllocation.objects.aggregate(s=Sum("amount"))["s"]
    aging = rsel.aging_report(leader, today).totals
    assert aging["total"] == invoiced - allocated
    assert aging["d90_plus"] > 0 and aging["d0_30"] + aging["d31_60"] + aging["d61_90"] > 0
    # Pareto: the top fifth of the buying customers hold most of the revenue
    per = sorted(
        (r["s"] for r in SalesOrder.objects.values("customer").annotate(s=Sum("gross_total"))),
        reverse=True,
    )
    assert sum(per[: max(1, len(per) // 5)]) > sum(per) / 2
    most = SalesOrder.objects.values("customer").annotate(n=Count("pk")).order_by("-n")[0]
    assert most["n"] <= demo.MAX_ORDERS + 5  # a few more from won opportunities


def test_copy_text_is_the_in_process_rows(db: Any) -> None:
    """The workers' COPY text (made straight from the values) = the in-process rows
    through crm.core.bulk's formatter."""
    today = timezone.localdate()
    products = [(1, 2, Decimal("12.3456")), (3, 2, Decimal(100)), (4, 5, Decimal("0.5"))]
    ctx = demo._Ctx(
        seed=7,
        today=today,
        pool=[(i, 10 + i % 3, 20) for i in range(1, 301)],
        products=products,
        units={1: 2, 3: 2, 4: 5},
        xm=1.5,
        ids=[demo._Ids(1, 1, 1, 1, 1)],
    )
    rows = demo._batch(ctx, 0)
    text = demo._batch(ctx, 0, text=True)
    assert ["".join(part) for part in text] == [copy_text(part) for part in rows]
    assert sum(map(len, rows)) > 1000


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and index rebuild: PostgreSQL")
def test_bulk_mode(monkeypatch: Any, leader: Any) -> None:
    """A large PostgreSQL load: rows from forked workers, indexes dropped and rebuilt."""
    monkeypatch.setattr(demo, "BULK_THRESHOLD", 1)
    monkeypatch.setattr(demo, "BATCH", 50)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename LIKE 'orders_%'")
        indexes = cursor.fetchone()[0]
    load_customers(200)
    load_products(customers=200)
    load_sales(customers=200)
    made = load_orders(customers=200, workers=2)
    assert made["orders"] == SalesOrder.objects.count() > 200
    assert made["lines"] == OrderLine.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename LIKE 'orders_%'")
        assert cursor.fetchone()[0] == indexes
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
    _ledgers_add_up()
    # the sequences continue after the rows (the services' next document gets a fresh id)
    for model in (SalesOrder, OrderLine, Shipment, Invoice, Payment):
        top = model.objects.aggregate(m=Max("pk"))["m"]
        with connection.cursor() as cursor:
            table = model._meta.db_table
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
            assert cursor.fetchone()[0] > top
