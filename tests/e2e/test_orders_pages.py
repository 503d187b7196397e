"""The order pages in the browser, the main path of each: the order list and form; finance's
invoice and payment lists, payment entry, aging and overdue lists and a customer's credit
terms; the approval-rule pages; the commission statement drill-down."""

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _seeds(e2e_demo: Any) -> None:
    """Rows of data migrations, removed by a transactional test's flush: seeded again."""
    from crm.commissions.models import CommissionRule
    from crm.commissions.seed import seed_rules
    from crm.org.models import Role
    from crm.products.models import UnitOfMeasure
    from crm.products.seed import seed_units
    from crm.sales.models import ApprovalRule
    from crm.sales.seed import seed_approval_rules

    seed_units(UnitOfMeasure)
    seed_approval_rules(ApprovalRule, Role)
    seed_rules(CommissionRule, Role)


@pytest.fixture
def shop(e2e_demo: Any) -> dict[str, Any]:
    """rep_east_1's customer and a product (10 t × 4,000 net, 13 % VAT: 45,200)."""
    from crm.customers.services import customer_create
    from crm.products import services as product_services
    from crm.products.models import UnitOfMeasure

    admin = e2e_demo["admin"]
    brand = product_services.brand_create(actor=admin, name="万华")
    series = product_services.series_create(actor=admin, brand=brand, name="MDI")
    product = product_services.product_create(
        actor=admin,
        code="WH-MDI-100",
        name="纯MDI",
        unit=UnitOfMeasure.objects.get(code="t"),
        list_price=Decimal("4000"),
        series=series,
    )
    customer = customer_create(actor=e2e_demo["rep_east_1"], name="上海浦江化工有限公司")
    return {"product": product, "customer": customer}


def _invoice(e2e_demo: Any, shop: dict[str, Any], days_overdue: int = 75) -> Any:
    """A confirmed order of rep_east_1 invoiced (45,200) with its due date in the past."""
    from crm.orders import services, services_receivables

    rep, today = e2e_demo["rep_east_1"], timezone.localdate()
    order = services.order_create(
        actor=rep,
        customer=shop["customer"],
        lines=[{"product": shop["product"], "quantity": Decimal(10), "unit_price": Decimal(4000)}],
    )
    order = services.order_transition(order=order, to="confirmed", version=order.version, actor=rep)
    return services_receivables.invoice_create(
        order=order,
        actor=e2e_demo["finance"],
        issue_date=today - timedelta(days=days_overdue + 30),
        due_date=today - timedelta(days=days_overdue),
    )


def _signed_in(new_page: Any, username: str) -> Page:
    page: Page = new_page()
    sign_in(page, username)
    return page


def test_order_list_and_form(new_page: Any, shop: dict[str, Any]) -> None:
    customer = shop["customer"]
    rep = _signed_in(new_page, "rep_east_1")
    rep.goto("/orders/")
    expect(rep.locator("#order-empty")).to_be_visible()
    rep.click("#order-new")
    # the product search is wired by htmx once the page has loaded; typing earlier is lost
    rep.wait_for_url(re.compile(r"/orders/new/"), wait_until="load")
    rep.fill("#id_customer", f"{customer.code} {customer.name}")
    rep.locator(".line-product-text").first.fill("WH-MDI")
    rep.locator(".product-option").first.click()
    rep.locator(".line-quantity").first.fill("10")
    rep.click("#order-save")
    expect(rep).to_have_url(re.compile(r"/orders/\d+/$"))
    expect(rep.locator("#order-status")).to_have_text("草稿")
    expect(rep.locator("#order-total")).to_have_text("45200.00")
    rep.goto("/orders/")
    rep.fill("#order-filters input[name=q]", "浦江")
    rep.click("#order-filters button[type=submit]")
    expect(rep.locator("#order-table")).to_contain_text("上海浦江化工有限公司")
    expect(rep.locator("#order-table")).to_contain_text("45200.00")


def test_invoice_list_aging_overdue_and_payment_entry(
    new_page: Any, e2e_demo: Any, shop: dict[str, Any]
) -> None:
    invoice = _invoice(e2e_demo, shop)
    customer = shop["customer"]
    fin = _signed_in(new_page, "finance")
    # the invoice list opens the invoice
    fin.goto("/orders/invoices/")
    fin.locator("#invoice-table").get_by_role("link", name=invoice.number).click()
    expect(fin.locator("#invoice-open")).to_contain_text("45200.00")
    # 75 days overdue: in the 61–90 bucket of the aging, and on the overdue list
    fin.goto("/orders/receivables/aging/")
    row = fin.locator("#aging-table tbody tr", has_text=customer.name)
    expect(row.locator("td").nth(4)).to_have_text("45200.00")
    expect(fin.locator("#aging-totals")).to_contain_text("45200.00")
    fin.goto("/orders/receivables/overdue/")
    expect(fin.locator("#overdue-table")).to_contain_text(invoice.number)
    # the payment: choose the customer, then the amount and its allocation
    fin.goto("/orders/payments/")
    fin.click("#payment-new")
    fin.fill("#id_customer", f"{customer.code} {customer.name}")
    fin.click("#payment-customer-next")
    expect(fin.locator("#payment-balance")).to_have_text("45200.00")
    fin.fill("#id_amount", "45200.00")
    fin.locator("#allocation-table input").first.fill("45200.00")
    fin.click("#payment-save")
    fin.goto("/orders/payments/")
    expect(fin.locator("#payment-table")).to_contain_text(customer.name)
    expect(fin.locator("#payment-table")).to_contain_text("45200.00")
    fin.goto("/orders/receivables/overdue/")
    expect(fin.locator("#overdue-empty")).to_be_visible()


def test_credit_terms_send_a_large_order_to_approval(
    new_page: Any, e2e_demo: Any, shop: dict[str, Any]
) -> None:
    from crm.orders import services

    customer = shop["customer"]
    fin = _signed_in(new_page, "finance")
    fin.goto(f"/orders/credit/{customer.pk}/")
    fin.fill("#id_amount", "10000")
    fin.fill("#id_payment_terms_days", "45")
    fin.click("#credit-save")
    expect(fin.locator(".alert-success")).to_contain_text("信用额度")
    # a 45,200 order is over the 10,000 limit: confirming it waits for the manager
    order = services.order_create(
        actor=e2e_demo["rep_east_1"],
        customer=customer,
        lines=[{"product": shop["product"], "quantity": Decimal(10), "unit_price": Decimal(4000)}],
    )
    rep = _signed_in(new_page, "rep_east_1")
    rep.goto(f"/orders/{order.pk}/")
    rep.click("#order-to-confirmed")
    expect(rep.locator("#order-status")).to_have_text("审批中")
    expect(rep.locator("#order-approval")).to_be_visible()


def test_approval_rule_pages(new_page: Any) -> None:
    admin = _signed_in(new_page, "admin")
    admin.goto("/sales/approvals/rules/")
    expect(admin.locator("#rule-table")).to_contain_text("订单超出信用额度需主管审批")
    admin.get_by_role("link", name="新建规则").click()
    admin.fill("#id_name", "大额报价需主管审批")
    admin.select_option("#id_kind", "quote")
    admin.select_option("#id_condition", "amount_above")
    admin.fill("#id_threshold", "500000")
    admin.select_option("#id_approver_kind", "manager")
    admin.select_option("#id_approver_role", label="销售部门主管")
    admin.click("#rule-form button[type=submit]")
    expect(admin).to_have_url(re.compile(r"/sales/approvals/rules/$"))
    row = admin.locator("#rule-table tbody tr", has_text="大额报价需主管审批")
    expect(row).to_contain_text("500000")
    row.get_by_role("link").click()
    admin.uncheck("#id_active")
    admin.click("#rule-form button[type=submit]")
    expect(row).to_contain_text("✗")
    row.get_by_role("button").click()
    expect(admin.locator("#rule-table")).not_to_contain_text("大额报价需主管审批")


def test_commission_statement_drill_down(
    new_page: Any, e2e_demo: Any, shop: dict[str, Any]
) -> None:
    from crm.commissions.services_compute import period_recompute
    from crm.orders import services_receivables

    invoice = _invoice(e2e_demo, shop)
    services_receivables.payment_create(
        customer=shop["customer"],
        actor=e2e_demo["finance"],
        amount=invoice.gross_amount,
        allocations=[(invoice, invoice.gross_amount)],
    )
    month = f"{timezone.localdate():%Y-%m}"
    period_recompute(period=month, actor=e2e_demo["finance"])
    # the rep's manager opens the month and drills into the rep's statement
    mgr = _signed_in(new_page, "mgr_east")
    mgr.goto(f"/commissions/?period={month}")
    expect(mgr.locator("#commission-total")).to_have_text("400.00")
    mgr.locator("#commission-table a", has_text=e2e_demo["rep_east_1"].get_full_name()).click()
    expect(mgr.locator("#statement-commission")).to_contain_text("400.00")
    expect(mgr.locator("#statement-lines")).to_contain_text("MDI")
    expect(mgr.locator("#statement-lines")).to_contain_text("销售人员提成")
    expect(mgr.locator("#statement-lines")).to_contain_text("40000.00")
