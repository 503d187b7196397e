"""Whatever the payments and allocations, a month's lines' bases add up to what was paid in
it, ex tax: Σ basis = round(Σ allocation × invoice net / invoice gross) to the amount places
(the rounding rule of docs/commissions.md)."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from crm.commissions import services_compute
from crm.commissions.models import CommissionLine
from crm.core.fields import quantize
from crm.orders import services_receivables
from crm.orders.models_receivables import Invoice, PaymentAllocation

from .conftest import make_paid

pytestmark = pytest.mark.usefixtures("demo_once")
DAYS = [
    date(2026, 8, 31),
    date(2026, 9, 1),
    date(2026, 9, 17),
    date(2026, 9, 30),
    date(2026, 10, 1),
]


@pytest.fixture
def invoices(
    rep_west: Any,
    rep_east: Any,
    west_customer: Any,
    east_customer: Any,
    products: Any,
    finance: Any,
) -> list[Invoice]:
    """Invoices of both reps with one or two series, at China's VAT rates, nothing paid."""
    a, b = products
    out = []
    for rep, customer, lines, tax in (
        (rep_west, west_customer, [(a, "3.5", "99.99"), (b, "7", "13.13")], "13"),
        (rep_west, west_customer, [(b, "1", "1234.57")], "9"),
        (rep_east, east_customer, [(a, "2", "0.37"), (b, "11", "7.77"), (a, "1", "3")], "6"),
        (rep_east, east_customer, [(a, "5", "20")], "0"),
    ):
        inv = make_paid(
            rep=rep,
            finance=finance,
            customer=customer,
            lines=lines,
            received_on=date(2026, 8, 1),
            pay="0.01",
            tax_rate=tax,
        )
        out.append(inv)
    return out


@settings(
    max_examples=25,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_bases_sum_to_the_paid_ex_tax_amount(
    invoices: list[Invoice], finance: Any, data: Any
) -> None:
    with transaction.atomic():
        for _ in range(data.draw(st.integers(min_value=0, max_value=6))):
            inv = data.draw(st.sampled_from(invoices))
            allocated = inv.allocations.aggregate(s=Sum("amount"))["s"] or 0
            open_amount = inv.gross_amount - allocated
            if open_amount <= 0:
                continue
            amount = data.draw(
                st.decimals(min_value=Decimal("0.01"), max_value=open_amount, places=2)
            )
            services_receivables.payment_create(
                customer=inv.customer,
                actor=finance,
                amount=amount,
                received_on=data.draw(st.sampled_from(DAYS)),
                allocations=[(inv, amount)],
            )
        services_compute.period_recompute(period="2026-09", actor=finance)
        exact = sum(
            (
                a.amount * a.invoice.net_amount / a.invoice.gross_amount
                for a in PaymentAllocation.objects.filter(
                    payment__received_on__range=(date(2026, 9, 1), date(2026, 9, 30))
                ).select_related("invoice")
            ),
            Decimal(0),
        )
        lines = CommissionLine.objects.filter(statement__period__period="2026-09")
        bases = lines.aggregate(s=Sum("basis"))["s"] or 0
        assert bases == quantize(exact, 2)
        assert all(line.basis >= 0 and line.commission >= 0 for line in lines)
        transaction.set_rollback(True)
