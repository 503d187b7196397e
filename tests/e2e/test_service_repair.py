"""Warranty and repair in the browser: an agent opens a repair ticket for a product whose
warranty has expired, is refused when starting it with a clear message, records a paid repair
and moves it on, then records a product defect from the ticket."""

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _seeded(e2e_demo: Any) -> None:
    """Ticket types, units of measure and approval rules come from data migrations, which a
    transactional test's flush removes."""
    from crm.org.models import Role
    from crm.products.models import UnitOfMeasure
    from crm.products.seed import seed_units
    from crm.sales.models_approvals import ApprovalRule
    from crm.sales.seed import seed_approval_rules
    from crm.service.models import TicketCategory, TicketType
    from crm.service.seed import seed_types

    seed_units(UnitOfMeasure)
    seed_approval_rules(ApprovalRule, Role)
    seed_types(TicketType, TicketCategory)


def test_out_of_warranty_repair_paid_and_defect(page: Page, e2e_demo: Any) -> None:
    from django.utils import timezone

    from crm.customers.services import customer_create
    from crm.service.models import ProductDefect, Ticket
    from crm.service.tests.repair_helpers import shipped_order, warranty_product

    customer = customer_create(actor=e2e_demo["rep_west_1"], name="成都蜀能机械有限公司")
    product = warranty_product(e2e_demo["admin"], months=12)
    shipped = timezone.localdate() - timedelta(days=800)
    order = shipped_order(e2e_demo["rep_west_1"], customer, product, shipped)

    sign_in(page, "agent")
    page.goto("/service/tickets/new/")
    page.fill("#id_customer_text", f"{customer.code} {customer.name}")
    page.fill("#id_title", "离心泵漏油")
    page.select_option("#id_type", label="维修")
    page.fill("#id_product", f"{product.code} {product.name}")
    page.fill("#id_order", order.number or "")
    page.click("#ticket-form button[type=submit]")
    expect(page.locator("#ticket-status")).to_have_text("新建")
    expect(page.locator("#warranty")).to_contain_text("保修已于")
    expect(page.locator("#ticket-order")).to_have_text(order.number or "")

    page.click('#ticket-actions [data-to="in_progress"]')
    expect(page.locator(".alert-danger")).to_contain_text("该产品的保修已于")
    expect(page.locator(".alert-danger")).to_contain_text("请先记录付费维修")
    expect(page.locator("#ticket-status")).to_have_text("新建")

    page.click('#repair-charge-form button[value="paid"]')
    expect(page.locator("#repair-charge")).to_have_text("付费维修")
    page.click('#ticket-actions [data-to="in_progress"]')
    expect(page.locator("#ticket-status")).to_have_text("处理中")

    page.click("#ticket-defects + details summary")
    page.fill("#defect-form #id_description", "机械密封磨损，批次同类问题")
    page.fill("#defect-form #id_batch_number", "B2024-031")
    page.select_option("#defect-form #id_severity", "major")
    page.click("#defect-form button[type=submit]")
    expect(page.locator("#ticket-defects")).to_contain_text("B2024-031")
    ticket = Ticket.objects.get(customer=customer)
    assert ticket.repair_charge == "paid" and ticket.order == order
    assert ProductDefect.objects.get(ticket=ticket).product == product

    page.goto("/service/defects/")
    expect(page.locator("#defect-counts")).to_contain_text(product.code)
    expect(page.locator("#defect-table")).to_contain_text("B2024-031")
