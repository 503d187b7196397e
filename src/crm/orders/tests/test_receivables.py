"""Invoices, payments, allocations, aging: balance = the ledger's sum, allocations never exceed
what is open, due dates from payment terms; hypothesis properties over any sequence."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from crm.core.fields import MoneyField
from crm.orders import selectors_receivables as rsel
from crm.orders import services_receivables, services_shipping
from crm.orders.errors import OverAllocated
from crm.orders.models_receivables import Invoice, PaymentAllocation, ReceivableEntry

pytestmark = pytest.mark.usefixtures("demo_once")

M = MoneyField()
ZERO = Value(Decimal(0), output_field=M)


def _bucket_sums(today: date, field: str = "open_amount", due: str = "due_date") -> dict[str, Any]:
    # the oracle of the aging report: Django aggregates over each invoice's open amount
    """Sum of `field` per aging bucket of the invoice's `due` date (days overdue = today −
    due date)."""

    def days(n: int) -> date:
        return today - timedelta(days=n)

    ranges = {
        "not_due": Q(**{f"{due}__gt": today}),
        "d0_30": Q(**{f"{due}__lte": today, f"{due}__gte": days(30)}),
        "d31_60": Q(**{f"{due}__lt": days(30), f"{due}__gte": days(60)}),
        "d61_90": Q(**{f"{due}__lt": days(60), f"{due}__gte": days(90)}),
        "d90_plus": Q(**{f"{due}__lt": days(90)}),
    }
    sums: dict[str, Any] = {
        key: Coalesce(Sum(field, filter=q, output_field=M), ZERO, output_field=M)
        for key, q in ranges.items()
    }
    sums["total"] = Coalesce(Sum(field, output_field=M), ZERO, output_field=M)
    return sums


def _shipped(order: Any, actor: Any, confirmed: Any) -> tuple[Any, Any]:
    order = confirmed(order)
    line = order.lines.get()
    shipment = services_shipping.shipment_create(
        order=order, actor=actor, quantities={line.pk: line.quantity}
    )
    return order, shipment


def test_invoice_payment_allocation_balance(
    west_order: Any, rep_west: Any, finance: Any, confirmed: Any, west_customer: Any
) -> None:
    order, shipment = _shipped(west_order, rep_west, confirmed)
    today = timezone.localdate()
    inv = services_receivables.invoice_create(
        order=order, actor=finance, shipment=shipment, fapiao_number="No.0001", issue_date=today
    )
    assert inv.gross_amount == Decimal("1130.00") and inv.due_date == today + timedelta(days=30)
    assert rsel.balance_of(west_customer.pk) == Decimal("1130.00")
    with pytest.raises(Exception):  # noqa: B017 - the shipment is invoiced once
        services_receivables.invoice_create(order=order, actor=finance, shipment=shipment)
    with pytest.raises(OverAllocated):
        services_receivables.payment_create(
            customer=west_customer,
            actor=finance,
            amount=Decimal("2000"),
            allocations=[(inv, Decimal("1130.01"))],
        )
    services_receivables.payment_create(
        customer=west_customer,
        actor=finance,
        amount=Decimal("1000"),
        allocations=[(inv, Decimal("1000"))],
    )
    assert rsel.balance_of(west_customer.pk) == Decimal("130.00")
    assert rsel.invoices_for_user(finance).get(pk=inv.pk).open_amount == Decimal("130.00")
    inv.refresh_from_db()
    assert not inv.settled  # part paid: still open
    services_receivables.payment_create(
        customer=west_customer,
        actor=finance,
        amount=Decimal("130"),
        allocations=[(inv, Decimal("130"))],
    )
    assert rsel.balance_of(west_customer.pk) == 0
    assert rsel.overdue_of(west_customer.pk, today + timedelta(days=365)) == 0
    inv.refresh_from_db()
    assert inv.settled
    assert not rsel.invoice_list(finance, rsel.InvoiceFilters(open_only=True)).filter(pk=inv.pk)


def test_migration_marks_the_paid_invoices(world: dict[str, Any]) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("crm.orders.migrations.0007_invoice_settled")
    invoices = [
        services_receivables.invoice_create(order=order, actor=world["finance"])
        for order in world["orders"]
    ]
    for invoice, share in zip(invoices, (Decimal(1), Decimal("0.5")), strict=False):
        amount = invoice.gross_amount * share
        services_receivables.payment_create(
            customer=world["customer"],
            actor=world["finance"],
            amount=amount,
            allocations=[(invoice, amount)],
        )
    flags = dict(
        Invoice.objects.filter(pk__in=[i.pk for i in invoices]).values_list("pk", "settled")
    )
    assert [flags[i.pk] for i in invoices] == [True, False, False]
    Invoice.objects.update(settled=False)  # as before the migration
    migration.mark_paid(apps, None)
    flags = dict(
        Invoice.objects.filter(pk__in=[i.pk for i in invoices]).values_list("pk", "settled")
    )
    assert [flags[i.pk] for i in invoices] == [True, False, False]


def test_due_date_from_customer_terms_and_overdue_aging(
    west_order: Any,
    rep_west: Any,
    finance: Any,
    confirmed: Any,
    west_customer: Any,
    leader: Any,
    rep_east: Any,
) -> None:
    services_receivables.credit_limit_set(
        customer=west_customer, actor=finance, amount=None, payment_terms_days=45
    )
    order, _s = _shipped(west_order, rep_west, confirmed)
    issued = timezone.localdate() - timedelta(days=100)
    inv = services_receivables.invoice_create(order=order, actor=finance, issue_date=issued)
    assert inv.due_date == issued + timedelta(days=45)  # 55 days overdue today
    report = rsel.aging_report(leader, timezone.localdate())
    totals = report.totals
    assert totals["d31_60"] == Decimal("1130.00") and totals["total"] == Decimal("1130.00")
    out_of_scope = rsel.aging_report(rep_east, timezone.localdate())
    assert out_of_scope.totals["total"] == 0 and out_of_scope.page.items == []
    assert [(r["customer_id"], r["customer__name"], r["d31_60"]) for r in report.page.items] == [
        (west_customer.pk, west_customer.name, Decimal("1130.00"))
    ]
    overdue = rsel.invoice_list(leader, rsel.InvoiceFilters(overdue_on=timezone.localdate()))
    assert [i.pk for i in overdue] == [inv.pk]


def test_aging_report_is_one_statement_and_agrees_with_the_open_amounts(
    leader: Any, django_assert_num_queries: Any, world: dict[str, Any]
) -> None:
    """Buckets, count and page in one statement (and the page's names in one more), whatever
    the data; the same buckets as summing each invoice's open amount; a paid invoice is left
    out; a page past the end still has the totals and the count."""
    from crm.core.access import get_access

    today = timezone.localdate()
    for order, due in zip(world["orders"], (-75, -40, 10), strict=True):
        issued = today + timedelta(days=min(due, 0) - 1)
        invoice = services_receivables.invoice_create(
            order=order,
            actor=world["finance"],
            issue_date=issued,
            due_date=today + timedelta(days=due),
        )
        services_receivables.payment_create(
            customer=world["customer"],
            actor=world["finance"],
            amount=Decimal("100"),
            allocations=[(invoice, Decimal("100"))],
        )
    paid = world["orders"][0].invoices.get()
    services_receivables.payment_create(
        customer=world["customer"],
        actor=world["finance"],
        amount=paid.gross_amount - 100,
        allocations=[(paid, paid.gross_amount - 100)],
    )
    get_access(leader)  # the user's grants, read once per request
    with django_assert_num_queries(2):
        report = rsel.aging_report(leader, today)
    per_invoice = rsel.with_open(rsel.invoices_in_scope(leader)).aggregate(**_bucket_sums(today))
    totals = report.totals
    assert totals == per_invoice
    assert totals["d61_90"] == 0  # the -75 days invoice is paid in full
    assert totals["d31_60"] > 0 and totals["not_due"] > 0
    assert [r["total"] for r in report.page.items] == [totals["total"]]
    assert report.page.count == 1
    for far in (3, 10**20):  # a page past the end; one beyond any database integer
        past_end = rsel.aging_report(leader, today, page=far)
        assert past_end.page.items == [] and past_end.page.count == 1
        assert past_end.totals == totals


# --- properties ---------------------------------------------------------------------------


@pytest.fixture
def world(
    rep_west: Any, finance: Any, west_customer: Any, make_order: Any, confirmed: Any
) -> dict[str, Any]:
    orders = []
    for qty in ("10", "7", "3"):
        order = confirmed(make_order(rep_west, west_customer, qty))
        orders.append(order)
    return {"rep": rep_west, "finance": finance, "customer": west_customer, "orders": orders}


def _step(w: dict[str, Any], data: Any) -> None:
    from crm.core.errors import DomainError

    op = data.draw(st.sampled_from(["ship", "invoice", "pay", "return", "allocate"]))
    order = data.draw(st.sampled_from(w["orders"]))
    line = order.lines.get()
    amount = data.draw(st.decimals(min_value=1, max_value=3000, places=2))
    qty = data.draw(st.decimals(min_value=Decimal("0.5"), max_value=10, places=1))
    try:
        with transaction.atomic():
            if op == "ship":
                services_shipping.shipment_create(
                    order=order, actor=w["rep"], quantities={line.pk: qty}
                )
            elif op == "invoice":
                services_receivables.invoice_create(order=order, actor=w["finance"])
            elif op == "return":
                services_shipping.return_create(
                    order=order, actor=w["rep"], quantities={line.pk: qty}, reason="退货"
                )
            else:
                open_invoices = list(
                    rsel.invoice_list(w["finance"], rsel.InvoiceFilters(open_only=True))
                )
                allocations = []
                if open_invoices:
                    inv = data.draw(st.sampled_from(open_invoices))
                    allocations = [(inv, min(amount, inv.open_amount))]
                services_receivables.payment_create(
                    customer=w["customer"],
                    actor=w["finance"],
                    amount=amount,
                    allocations=allocations,
                )
    except DomainError:
        pass  # refused steps (over-shipping, nothing to invoice…) change nothing


@settings(
    max_examples=15,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_balance_equals_ledger_whatever_happens(world: dict[str, Any], data: Any) -> None:
    with transaction.atomic():
        for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
            _step(world, data)
        customer = world["customer"]
        entries = ReceivableEntry.objects.filter(customer=customer)
        invoiced = (
            Invoice.objects.filter(customer=customer).aggregate(s=Sum("gross_amount"))["s"] or 0
        )
        paid = -(entries.filter(kind="payment").aggregate(s=Sum("amount"))["s"] or 0)
        credited = -(entries.filter(kind="credit").aggregate(s=Sum("amount"))["s"] or 0)
        assert rsel.balance_of(customer.pk) == sum(e.amount for e in entries)
        assert rsel.balance_of(customer.pk) == invoiced - paid - credited
        for invoice in rsel.with_open(Invoice.objects.filter(customer=customer)):
            assert invoice.settled == (invoice.open_amount == 0), invoice
        for inv in rsel.invoices_for_user(world["finance"]).filter(customer=customer):
            allocated = (
                PaymentAllocation.objects.filter(invoice=inv).aggregate(s=Sum("amount"))["s"] or 0
            )
            assert 0 <= inv.open_amount == inv.gross_amount - allocated
        for order in world["orders"]:
            line = order.lines.get()
            assert 0 <= line.returned_quantity <= line.shipped_quantity <= line.quantity
        transaction.set_rollback(True)
