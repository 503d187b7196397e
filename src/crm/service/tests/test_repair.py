"""Warranty and repair services (SVC-3): warranty date arithmetic, the check before a repair
starts (paid repair, manager override), work orders with Decimal totals, defects and counts,
attachments, the order link of a ticket."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from crm.core.errors import Conflict, Forbidden, StaleVersion, ValidationFailed
from crm.service import selectors_repair, services, services_repair, services_sla
from crm.service.models import RepairOrderStatus, TicketStatus
from crm.service.selectors_repair import WarrantyState, add_months, warranty_for

from .repair_helpers import (
    active_contract,
    repair_ticket,
    shipped_order,
    warranty_product,
)

pytestmark = pytest.mark.usefixtures("demo_once")


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 11, 15), 2, date(2026, 1, 15)),  # across the year
        (date(2025, 3, 31), 6, date(2025, 9, 30)),
        (date(2025, 5, 10), 0, date(2025, 5, 10)),
        (date(2025, 12, 31), 24, date(2027, 12, 31)),
    ],
)
def test_add_months(start: date, months: int, end: date) -> None:
    assert add_months(start, months) == end


def test_warranty_from_the_latest_shipment(admin: Any, rep_west: Any, west_customer: Any) -> None:
    product = warranty_product(admin, months=12)
    assert warranty_for(customer_id=west_customer.pk, product=product).state == WarrantyState.NONE
    today = timezone.localdate()
    shipped_order(rep_west, west_customer, product, today - timedelta(days=500))
    w = warranty_for(customer_id=west_customer.pk, product=product, today=today)
    assert w.state == WarrantyState.EXPIRED and w.source == "order"
    assert w.until == add_months(today - timedelta(days=500), 12)
    # The last covered day is still in warranty; the day after is not.
    assert warranty_for(customer_id=west_customer.pk, product=product, today=w.until).covered
    after = w.until + timedelta(days=1)
    assert not warranty_for(customer_id=west_customer.pk, product=product, today=after).covered
    recent = today - timedelta(days=30)
    order = shipped_order(rep_west, west_customer, product, recent)
    w = warranty_for(customer_id=west_customer.pk, product=product, today=today)
    assert w.covered and w.until == add_months(recent, 12) and w.source_number == order.number


def test_warranty_from_an_active_contract(admin: Any, rep_west: Any, west_customer: Any) -> None:
    product = warranty_product(admin, months=6)
    today = timezone.localdate()
    start = today - timedelta(days=60)
    active_contract(rep_west, west_customer, product, start, today + timedelta(days=300))
    w = warranty_for(customer_id=west_customer.pk, product=product, today=today)
    assert w.covered and w.source == "contract" and w.until == add_months(start, 6)


def test_other_customers_purchases_do_not_count(
    admin: Any, rep_west: Any, rep_east: Any, west_customer: Any, east_customer: Any
) -> None:
    product = warranty_product(admin)
    shipped_order(rep_east, east_customer, product, timezone.localdate())
    assert warranty_for(customer_id=west_customer.pk, product=product).state == WarrantyState.NONE


def test_out_of_warranty_repair_refused_until_paid(
    admin: Any, agent: Any, rep_west: Any, west_customer: Any
) -> None:
    product = warranty_product(admin, months=12)
    shipped_order(rep_west, west_customer, product, timezone.localdate() - timedelta(days=800))
    t = repair_ticket(agent, west_customer, product)
    with pytest.raises(Conflict) as exc:
        services.ticket_transition(ticket=t, to="in_progress", version=t.version, actor=agent)
    assert exc.value.code == "out_of_warranty"
    t.refresh_from_db()
    assert t.status == TicketStatus.NEW
    # Other moves are not held up by the warranty.
    t = services.ticket_transition(ticket=t, to="assigned", version=t.version, actor=agent)
    with pytest.raises(Forbidden):  # the agent is not the queue's manager
        services_repair.repair_charge_set(
            ticket=t, version=t.version, charge="override", actor=agent
        )
    t = services_repair.repair_charge_set(ticket=t, version=t.version, charge="paid", actor=agent)
    with pytest.raises(StaleVersion):
        services_repair.repair_charge_set(ticket=t, version=1, charge="", actor=agent)
    t = services.ticket_transition(ticket=t, to="in_progress", version=t.version, actor=agent)
    assert t.status == TicketStatus.IN_PROGRESS
    order = services_repair.repair_order_create(
        ticket=t, actor=agent, labour_hours=Decimal("1.5"), labour_rate=Decimal("120")
    )
    assert order.charged and order.amount_due == Decimal("180.00")


def test_no_purchase_refused_and_manager_override(
    admin: Any, agent: Any, west_customer: Any
) -> None:
    product = warranty_product(admin)
    t = repair_ticket(agent, west_customer, product)
    with pytest.raises(Conflict) as exc:
        services.ticket_transition(ticket=t, to="in_progress", version=t.version, actor=agent)
    assert exc.value.code == "out_of_warranty"
    services_sla.queue_manager_set(queue=t.org_unit, manager=agent, actor=admin)
    t = services_repair.repair_charge_set(
        ticket=t, version=t.version, charge="override", actor=agent
    )
    t = services.ticket_transition(ticket=t, to="in_progress", version=t.version, actor=agent)
    order = services_repair.repair_order_create(ticket=t, actor=agent, labour_hours=1)
    assert not order.charged and order.amount_due == 0


def test_in_warranty_and_other_tickets_pass(
    admin: Any, agent: Any, rep_west: Any, west_customer: Any, complaint: Any
) -> None:
    product = warranty_product(admin)
    shipped_order(rep_west, west_customer, product, timezone.localdate() - timedelta(days=10))
    t = repair_ticket(agent, west_customer, product)
    t = services.ticket_transition(ticket=t, to="in_progress", version=t.version, actor=agent)
    assert t.status == TicketStatus.IN_PROGRESS
    no_product = repair_ticket(agent, west_customer, None)
    assert selectors_repair.warranty_of(no_product) is None
    services.ticket_transition(
        ticket=no_product, to="in_progress", version=no_product.version, actor=agent
    )
    other = services.ticket_create(
        actor=agent, customer=west_customer, title="咨询", type=complaint, product=product
    )
    assert selectors_repair.warranty_of(other) is None
    with pytest.raises(Conflict):
        services_repair.repair_order_create(ticket=other, actor=agent)


def test_repair_order_totals_and_done(
    admin: Any, agent: Any, rep_west: Any, west_customer: Any
) -> None:
    product = warranty_product(admin)
    part = warranty_product(admin, code="SEAL-1", months=0)
    shipped_order(rep_west, west_customer, product, timezone.localdate())
    t = repair_ticket(agent, west_customer, product)
    order = services_repair.repair_order_create(
        ticket=t,
        actor=agent,
        labour_hours="2.25",
        labour_rate="80.5",
        parts=[
            {"product": part, "quantity": Decimal("3"), "unit_price": Decimal("12.345")},
            {"product": part, "quantity": Decimal("1"), "unit_price": None},  # list price
        ],
    )
    assert not order.charged  # in warranty: free
    assert order.parts_amount == Decimal("37.04") + Decimal("500.00")
    assert order.labour_amount == Decimal("181.13")
    assert order.total_amount == order.parts_amount + order.labour_amount
    assert order.amount_due == 0 and (order.number or "").startswith("R")
    assert sorted(p.amount for p in order.parts.all()) == [Decimal("37.04"), Decimal("500.00")]
    with pytest.raises(ValidationFailed) as exc:
        services_repair.repair_order_create(
            ticket=t, actor=agent, labour_hours="-1", parts=[{"product": part, "quantity": 0}]
        )
    assert {"labour_hours", "parts.0.quantity"} <= set(exc.value.fields)
    order = services_repair.repair_order_update(
        order=order, version=order.version, actor=agent, parts=[], labour_hours="1"
    )
    assert order.parts_amount == 0 and order.total_amount == Decimal("80.50")
    order = services_repair.repair_order_update(
        order=order, version=order.version, actor=agent, status="done"
    )
    assert order.status == RepairOrderStatus.DONE and order.done_at is not None
    with pytest.raises(Conflict):
        services_repair.repair_order_update(
            order=order, version=order.version, actor=agent, labour_hours="5"
        )


def test_defects_and_counts_per_product(
    admin: Any, agent: Any, west_customer: Any, leader: Any
) -> None:
    pump = warranty_product(admin)
    seal = warranty_product(admin, code="SEAL-1")
    t = repair_ticket(agent, west_customer, pump)
    with pytest.raises(ValidationFailed):
        services_repair.defect_create(ticket=t, actor=agent, description=" ")
    d1 = services_repair.defect_create(
        ticket=t, actor=agent, description="密封圈开裂", batch_number="B2026-01", severity="major"
    )
    assert d1.product == pump and d1.customer_id == west_customer.pk
    services_repair.defect_create(ticket=t, actor=agent, description="漏油", product=pump)
    services_repair.defect_create(ticket=t, actor=agent, description="老化", product=seal)
    services_repair.defect_update(defect=d1, version=d1.version, actor=agent, status="fixed")
    counts = selectors_repair.defect_counts(leader, selectors_repair.DefectFilters())
    by_code = {c["code"]: (c["total"], c["open"]) for c in counts}
    assert by_code["PUMP-1"] == (2, 1) and by_code["SEAL-1"] == (1, 1)
    assert counts[0]["code"] == "PUMP-1"
    fixed = selectors_repair.defect_list(leader, selectors_repair.DefectFilters(status="fixed"))
    assert list(fixed) == [d1]
    batch = selectors_repair.DefectFilters(search="B2026")
    assert list(selectors_repair.defect_list(leader, batch)) == [d1]


def test_attachment_checks_type_and_size(agent: Any, west_ticket: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services_repair.attachment_add(
            ticket=west_ticket, file=SimpleUploadedFile("x.exe", b"MZ"), actor=agent
        )
    assert "file" in exc.value.fields
    a = services_repair.attachment_add(
        ticket=west_ticket, file=SimpleUploadedFile("故障照片.png", b"\x89PNG"), actor=agent
    )
    assert a.name == "故障照片.png" and a.size == 4


def test_order_link_must_be_the_customers(
    admin: Any, agent: Any, rep_west: Any, rep_east: Any, west_customer: Any, east_customer: Any
) -> None:
    product = warranty_product(admin)
    mine = shipped_order(rep_west, west_customer, product, timezone.localdate())
    theirs = shipped_order(rep_east, east_customer, product, timezone.localdate())
    with pytest.raises(ValidationFailed) as exc:
        repair_ticket(agent, west_customer, product, order=theirs)
    assert "order_id" in exc.value.fields
    t = repair_ticket(agent, west_customer, product, order=mine)
    assert t.order == mine
    t = services.ticket_update(ticket=t, version=t.version, actor=agent, order=None)
    assert t.order is None
