"""Order services: create with totals, edit only as draft, status moves with version and log,
the credit check sending an order to approval, idempotent create."""

from decimal import Decimal
from typing import Any

import pytest

from crm.core.errors import StaleVersion
from crm.orders import services, services_receivables
from crm.orders.errors import IdempotencyKeyReused, InvalidTransition, OrderLocked
from crm.orders.models import IdempotencyKey, OrderStatus, SalesOrder

pytestmark = pytest.mark.usefixtures("demo_once")


def test_create_computes_line_and_document_totals(
    rep_west: Any, west_customer: Any, product: Any
) -> None:
    order = services.order_create(
        actor=rep_west,
        customer=west_customer,
        lines=[
            {
                "product": product,
                "quantity": Decimal("3"),
                "unit_price": Decimal("33.33"),
                "discount_percent": Decimal("10"),
                "tax_rate": Decimal("13"),
            },
            {"product": product, "quantity": Decimal("1.5"), "unit_price": None},
        ],
    )
    assert order.number == f"SO{order.pk:09d}" and order.status == OrderStatus.DRAFT
    first, second = order.lines.order_by("sort_order")
    assert first.net_amount == Decimal("89.99") and first.tax_amount == Decimal("11.70")
    assert second.unit_price == Decimal("1000.00")  # the list price as the customer's price
    assert second.net_amount == Decimal("1500.00") and second.tax_amount == Decimal("195.00")
    assert order.net_total == first.net_amount + second.net_amount
    assert order.gross_total == first.gross_amount + second.gross_amount
    assert order.org_unit_id == rep_west.unit_id
    assert [c.to_status for c in order.status_changes.all()] == ["draft"]


def test_only_a_draft_changes(west_order: Any, rep_west: Any, product: Any, confirmed: Any) -> None:
    updated = services.order_update(
        order=west_order,
        version=west_order.version,
        actor=rep_west,
        lines=[{"product": product, "quantity": Decimal("2"), "unit_price": Decimal("50")}],
        notes="加急",
    )
    assert updated.gross_total == Decimal("113.00") and updated.lines.count() == 1
    with pytest.raises(StaleVersion):
        services.order_update(order=updated, version=west_order.version, actor=rep_west, notes="x")
    done = confirmed(updated)
    with pytest.raises(OrderLocked):
        services.order_update(order=done, version=done.version, actor=rep_west, notes="x")


def test_transition_rules_and_log(west_order: Any, rep_west: Any, confirmed: Any) -> None:
    with pytest.raises(InvalidTransition):
        services.order_transition(
            order=west_order, to="shipped", version=west_order.version, actor=rep_west
        )
    done = confirmed(west_order)
    assert done.status == "confirmed" and done.version == west_order.version + 1
    with pytest.raises(StaleVersion):
        services.order_transition(
            order=done, to="cancelled", version=west_order.version, actor=rep_west
        )
    gone = services.order_transition(
        order=done, to="cancelled", version=done.version, actor=rep_west
    )
    assert [c.to_status for c in gone.status_changes.all()] == ["draft", "confirmed", "cancelled"]


def test_credit_limit_exceeded_goes_to_approval_then_confirmed(
    west_order: Any, rep_west: Any, mgr_west: Any, finance: Any, west_customer: Any
) -> None:
    from crm.sales.approvals import approval_decide, approval_pending_for

    # given a limit below the order's gross (1,130.00)
    services_receivables.credit_limit_set(
        customer=west_customer, actor=finance, amount=Decimal("1000"), payment_terms_days=None
    )
    # when the rep confirms
    pending = services.order_transition(
        order=west_order, to="confirmed", version=west_order.version, actor=rep_west
    )
    # then it waits, locked, for the manager's approval
    assert pending.status == OrderStatus.PENDING
    request = approval_pending_for(pending)
    assert request is not None and request.facts["credit_exceeded"] is True
    with pytest.raises(OrderLocked):
        services.order_update(order=pending, version=pending.version, actor=rep_west, notes="x")
    approval_decide(request, user=mgr_west, approve=True, comment="")
    assert SalesOrder.objects.get(pk=west_order.pk).status == OrderStatus.CONFIRMED


def test_the_customer_records_limit_applies_until_finance_sets_one(
    west_order: Any, rep_west: Any, finance: Any, west_customer: Any
) -> None:
    from crm.customers.models import Customer
    from crm.orders import credit

    gross = Decimal("1130.00")
    assert credit.check(west_customer, gross).limit is None  # 0 on the record: no limit
    Customer.objects.filter(pk=west_customer.pk).update(credit_limit=Decimal("1000"))
    west_customer.refresh_from_db()
    assert credit.check(west_customer, gross).exceeded  # the record's 信用额度 applies
    services_receivables.credit_limit_set(
        customer=west_customer, actor=finance, amount=Decimal("5000"), payment_terms_days=30
    )
    check = credit.check(west_customer, gross)
    assert check.limit == Decimal("5000") and not check.exceeded  # finance's takes its place
    # terms only (no amount) from finance: the record's limit still applies
    row = services_receivables.credit_limit_set(
        customer=west_customer, actor=finance, amount=None, payment_terms_days=45, version=1
    )
    assert row.amount is None and credit.check(west_customer, gross).limit == Decimal("1000")
    pending = services.order_transition(
        order=west_order, to="confirmed", version=west_order.version, actor=rep_west
    )
    assert pending.status == OrderStatus.PENDING


def test_rejected_credit_approval_returns_the_order_to_draft(
    west_order: Any, rep_west: Any, mgr_west: Any, finance: Any, west_customer: Any
) -> None:
    from crm.sales.approvals import approval_decide, approval_pending_for

    services_receivables.credit_limit_set(
        customer=west_customer, actor=finance, amount=Decimal("0"), payment_terms_days=None
    )
    pending = services.order_transition(
        order=west_order, to="confirmed", version=west_order.version, actor=rep_west
    )
    request = approval_pending_for(pending)
    assert request is not None
    approval_decide(request, user=mgr_west, approve=False, comment="额度不足")
    assert SalesOrder.objects.get(pk=west_order.pk).status == OrderStatus.DRAFT


def test_idempotent_create(rep_west: Any, west_customer: Any, product: Any) -> None:
    lines = [{"product": product, "quantity": Decimal("1"), "unit_price": Decimal("10")}]
    body = {"customer_id": west_customer.pk, "lines": [{"product_id": product.pk}]}
    first, created = services.order_create_idempotent(
        actor=rep_west, key="k-1", body=body, customer=west_customer, lines=lines
    )
    again, created_again = services.order_create_idempotent(
        actor=rep_west, key="k-1", body=body, customer=west_customer, lines=lines
    )
    assert created and not created_again and again.pk == first.pk
    with pytest.raises(IdempotencyKeyReused):
        services.order_create_idempotent(
            actor=rep_west,
            key="k-1",
            body={**body, "notes": "x"},
            customer=west_customer,
            lines=lines,
        )
    assert SalesOrder.objects.filter(customer=west_customer).count() == 1
    assert IdempotencyKey.objects.filter(user=rep_west).count() == 1
