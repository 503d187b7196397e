"""Returns reduce commissions: a return's ex-tax value, times the share of its order paid by
the end of the month it is issued in, is deducted from that month's basis; recompute stays
idempotent."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from crm.commissions import services_compute
from crm.commissions.models import CommissionLine, CommissionStatement
from crm.orders import services_shipping
from crm.orders.models_receivables import Invoice

pytestmark = pytest.mark.usefixtures("demo_once")
SEPT = date(2026, 9, 15)
OCT = date(2026, 10, 5)


def _ship_and_return(invoice: Invoice, rep: Any, returned: str, on: date) -> None:
    order = invoice.order
    line = order.lines.get()
    services_shipping.shipment_create(
        order=order, actor=rep, quantities={line.pk: line.quantity}, shipped_on=on
    )
    order.refresh_from_db()
    services_shipping.return_create(
        order=order,
        actor=rep,
        quantities={line.pk: Decimal(returned)},
        reason="包装破损",
        returned_on=on,
    )


def _statement(rep: Any, period: str) -> tuple[Decimal, Decimal] | None:
    st = CommissionStatement.objects.filter(period__period=period, rep=rep).first()
    return None if st is None else (st.basis, st.commission)


def test_return_of_a_paid_order_is_deducted_in_its_month(
    paid: Any, rep_west: Any, west_customer: Any, products: Any, finance: Any
) -> None:
    # given 10 t × 100 net (1,130 gross) paid in full in September; 3 t returned in October
    a, _b = products
    invoice = paid(rep=rep_west, customer=west_customer, lines=[(a, "10", "100")], received_on=SEPT)
    _ship_and_return(invoice, rep_west, "3", OCT)
    # when both months are computed
    services_compute.period_recompute(period="2026-09", actor=finance)
    services_compute.period_recompute(period="2026-10", actor=finance)
    # then September keeps its 1,000; October claws back 300 ex tax at the seeded 1 %
    assert _statement(rep_west, "2026-09") == (Decimal("1000.00"), Decimal("10.00"))
    assert _statement(rep_west, "2026-10") == (Decimal("-300.00"), Decimal("-3.00"))
    line = CommissionLine.objects.get(statement__period__period="2026-10")
    assert line.series_id == a.series_id and str(line.rule) == "销售人员提成"


def test_return_of_an_unpaid_order_deducts_nothing(
    paid: Any, rep_west: Any, west_customer: Any, products: Any, finance: Any
) -> None:
    # given an invoice paid only in November (after the October return)
    a, _b = products
    invoice = paid(
        rep=rep_west,
        customer=west_customer,
        lines=[(a, "10", "100")],
        received_on=date(2026, 11, 3),
    )
    _ship_and_return(invoice, rep_west, "3", OCT)
    services_compute.period_recompute(period="2026-10", actor=finance)
    assert _statement(rep_west, "2026-10") is None


def test_partly_paid_order_deducts_the_paid_share_and_recompute_is_idempotent(
    paid: Any, rep_west: Any, west_customer: Any, products: Any, finance: Any
) -> None:
    # given 3 t × 100 net (339 gross), 113 paid (a third) and 1 t returned, both in September
    a, _b = products
    invoice = paid(
        rep=rep_west,
        customer=west_customer,
        lines=[(a, "3", "100")],
        received_on=SEPT,
        pay="113",
    )
    _ship_and_return(invoice, rep_west, "1", SEPT)
    # when
    services_compute.period_recompute(period="2026-09", actor=finance)
    first = list(CommissionLine.objects.values_list("series_id", "basis", "commission"))
    services_compute.period_recompute(period="2026-09", actor=finance)
    # then 100 paid ex tax − 100 returned × 1/3 paid = 66.67, the same rows twice
    assert _statement(rep_west, "2026-09") == (Decimal("66.67"), Decimal("0.67"))
    assert list(CommissionLine.objects.values_list("series_id", "basis", "commission")) == first


def test_tiered_rule_claws_back_at_the_first_bracket(
    paid: Any, rep_west: Any, west_customer: Any, products: Any, finance: Any, admin: Any
) -> None:
    from crm.commissions import services
    from crm.org.models import Role

    a, _b = products
    services.rule_create(
        actor=admin,
        name="阶梯",
        role=Role.objects.get(code="sales_rep"),
        series=a.series,
        kind="tiered",
        tiers=[(Decimal(0), Decimal(2)), (Decimal(500), Decimal(4))],
        valid_from=date(2026, 1, 1),
    )
    invoice = paid(rep=rep_west, customer=west_customer, lines=[(a, "10", "100")], received_on=SEPT)
    _ship_and_return(invoice, rep_west, "5", OCT)
    services_compute.period_recompute(period="2026-10", actor=finance)
    # −500 ex tax at the first bracket's 2 %
    assert _statement(rep_west, "2026-10") == (Decimal("-500.00"), Decimal("-10.00"))


def test_whole_amounts_are_divided_exactly(
    paid: Any, rep_west: Any, west_customer: Any, products: Any, finance: Any
) -> None:
    # given 100 paid of a 339 invoice (300 net): SQLite would divide the whole numbers as
    # integers (88) where the exact share is 88.4955…
    a, _b = products
    paid(
        rep=rep_west,
        customer=west_customer,
        lines=[(a, "3", "100")],
        received_on=SEPT,
        pay="100",
    )
    services_compute.period_recompute(period="2026-09", actor=finance)
    assert _statement(rep_west, "2026-09") == (Decimal("88.50"), Decimal("0.89"))
