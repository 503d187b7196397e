"""Order to cash in the browser: a rep creates an order with the product picker, confirms and
ships it; finance invoices it and records the payment with its allocation; the customer's open
balance is 0; then a return credits the customer."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _seeded(e2e_demo: Any) -> None:
    """Units of measure and approval rules come from data migrations, which a transactional
    test's flush removes."""
    from crm.org.models import Role
    from crm.products.models import UnitOfMeasure
    from crm.products.seed import seed_units
    from crm.sales.models_approvals import ApprovalRule
    from crm.sales.seed import seed_approval_rules

    seed_units(UnitOfMeasure)
    seed_approval_rules(ApprovalRule, Role)


def test_order_ship_invoice_pay_return(new_page: Any, e2e_demo: Any) -> None:
    from decimal import Decimal

    from crm.customers.services import customer_create
    from crm.orders.models import SalesOrder
    from crm.products.models import UnitOfMeasure
    from crm.products.services import product_create

    customer = customer_create(actor=e2e_demo["rep_west_1"], name="成都蜀能贸易有限公司")
    product_create(
        actor=e2e_demo["admin"],
        code="LUB-100",
        name="工业润滑油",
        unit=UnitOfMeasure.objects.get(code="t"),
        list_price=Decimal("1000"),
    )
    rep = new_page()
    sign_in(rep, "rep_west_1")
    rep.goto(f"/customers/{customer.pk}/")
    rep.click('[data-bs-target="#tab-orders"]')
    rep.click("#order-new-for-customer")
    # the product search is wired by htmx once the page has loaded; typing earlier is lost
    rep.wait_for_url(re.compile(r"/orders/new/"), wait_until="load")
    rep.locator(".line-product-text").first.fill("LUB-100")
    rep.locator(".product-option").first.click()
    rep.locator(".line-quantity").first.fill("2")
    rep.click("#order-save")
    expect(rep.locator("#order-status")).to_have_text("草稿")
    expect(rep.locator("#order-total")).to_have_text("2260.00")
    rep.click("#order-to-confirmed")
    expect(rep.locator("#order-status")).to_have_text("已确认")
    rep.fill("#id_carrier", "顺丰速运")
    rep.click("#shipment-save")
    expect(rep.locator("#order-status")).to_have_text("已发货")
    expect(rep.locator("#shipments")).to_contain_text("顺丰速运")
    order = SalesOrder.objects.get(customer=customer)

    fin = new_page()
    sign_in(fin, "finance")
    fin.goto(f"/orders/{order.pk}/")
    fin.fill("#id_fapiao_number", "44031234")
    fin.click("#invoice-save")
    expect(fin.locator("#invoices .invoice-open")).to_have_text("2260.00")
    fin.goto(f"/customers/{customer.pk}/")
    expect(fin.locator("#figure-open_balance")).to_contain_text("2260.00")
    fin.click('[data-bs-target="#tab-receivables"]')
    fin.click("#payment-new-for-customer")
    fin.fill("#id_amount", "2260.00")
    fin.locator("#allocation-table input").first.fill("2260.00")
    fin.click("#payment-save")
    expect(fin.locator("#figure-open_balance")).to_contain_text("0.00")
    expect(fin.locator("#figure-overdue")).to_contain_text("0.00")

    rep.goto(f"/orders/{order.pk}/")
    rep.locator("#return-form input[type=number]").first.fill("1")
    rep.fill("#id_reason", "包装破损")
    rep.click("#return-save")
    expect(rep.locator("#returns")).to_contain_text("1130.00")
    rep.goto(f"/customers/{customer.pk}/")
    expect(rep.locator("#figure-open_balance")).to_contain_text("-1130.00")
