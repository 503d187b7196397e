"""Order to cash in the browser (issue #5 point 12), one order followed by everyone:

a rep quotes with a discount above the approval rule → the quote waits for approval → the
manager approves → the rep sends it, records the acceptance and makes the order from it
(生成订单) → confirms and ships → finance invoices and records the payment → finance recomputes
the month's commissions → the rep sees the commission on the home page; then a return against
the shipped line credits the customer and, recomputed, reduces the commission.

And who sees what of that order: the manager, finance and leadership see it (finance alone
invoices; leadership only reads), the other unit's manager and the other rep get a 404."""

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
    from crm.sales.models import ApprovalRule, Stage
    from crm.sales.seed import seed_approval_rules, seed_stages

    seed_stages(Stage)
    seed_units(UnitOfMeasure)
    seed_approval_rules(ApprovalRule, Role)
    seed_rules(CommissionRule, Role)


def _opportunity(rep: Any, admin: Any) -> Any:
    from crm.customers.services import customer_create
    from crm.products.models import UnitOfMeasure
    from crm.products.services import product_create
    from crm.sales.services import opportunity_create

    product = product_create(
        actor=admin,
        code="WH-MDI-100",
        name="纯MDI",
        unit=UnitOfMeasure.objects.get(code="t"),
        list_price=Decimal("4850"),
    )
    customer = customer_create(actor=rep, name="上海浦江化工有限公司")
    return opportunity_create(
        actor=rep,
        customer=customer,
        name="浦江 MDI 年度采购",
        expected_close=timezone.localdate() + timedelta(days=30),
        lines=[{"product": product, "quantity": Decimal("10"), "unit_price": Decimal("4800")}],
    )


def _recompute(fin: Page, month: str) -> None:
    fin.goto(f"/commissions/?period={month}")
    fin.once("dialog", lambda d: d.accept())
    fin.click("#commission-recompute button")


def test_quote_to_paid_commission_and_a_return(new_page: Any, e2e_demo: Any) -> None:
    from crm.orders.models import SalesOrder
    from crm.sales.models import Quote

    opp = _opportunity(e2e_demo["rep_east_1"], e2e_demo["admin"])
    month = f"{timezone.localdate():%Y-%m}"
    # the rep quotes 20 % off (the seeded rule allows 15 %) and sends: approval pending
    rep = new_page()
    sign_in(rep, "rep_east_1")
    rep.goto(f"/sales/opportunities/{opp.pk}/")
    rep.click("#opportunity-quote-new")
    expect(rep).to_have_url(re.compile(r"/sales/quotes/\d+/edit/$"))
    rep.fill("#id_lines-0-discount_pct", "20")
    rep.click("#quote-save")
    expect(rep).to_have_url(re.compile(r"/sales/quotes/\d+/$"))
    rep.click("#quote-to-sent")
    expect(rep.locator("#quote-status")).to_have_text("审批中")
    expect(rep.locator("#quote-locked")).to_be_visible()
    quote = Quote.objects.get(opportunity=opp)

    # the manager approves it in the inbox
    mgr = new_page()
    sign_in(mgr, "mgr_east")
    mgr.goto("/sales/approvals/")
    mgr.click('#approval-table a[href^="/sales/approvals/"]')
    mgr.fill("#id_comment", "同意")
    mgr.click("#approve-btn")
    expect(mgr.locator("#approval-empty")).to_be_visible()

    # sent; the customer accepts; the order is made from the quote, confirmed and shipped
    rep.goto(f"/sales/quotes/{quote.pk}/")
    expect(rep.locator("#quote-status")).to_have_text("已发送")
    rep.click("#quote-to-accepted")
    expect(rep.locator("#quote-status")).to_have_text("已接受")
    rep.get_by_role("button", name="生成订单").click()
    expect(rep).to_have_url(re.compile(r"/orders/\d+/$"))
    expect(rep.locator("#order-status")).to_have_text("草稿")
    # 10 t × 4,800 × 80 % = 38,400 net, 43,392 with 13 % VAT
    expect(rep.locator("#order-total")).to_have_text("43392.00")
    rep.click("#order-to-confirmed")
    expect(rep.locator("#order-status")).to_have_text("已确认")
    rep.fill("#id_carrier", "顺丰速运")
    rep.fill("#id_tracking_number", "SF1234567890")
    rep.click("#shipment-save")
    expect(rep.locator("#order-status")).to_have_text("已发货")
    expect(rep.locator("#shipments")).to_contain_text("SF1234567890")
    order = SalesOrder.objects.get(quote=quote)

    # finance invoices the order and records the customer's payment, allocated to it
    fin = new_page()
    sign_in(fin, "finance")
    fin.goto(f"/orders/{order.pk}/")
    fin.fill("#id_fapiao_number", "31002345")
    fin.click("#invoice-save")
    expect(fin.locator("#invoices .invoice-open")).to_have_text("43392.00")
    fin.goto(f"/orders/payments/new/?customer={order.customer_id}")
    expect(fin.locator("#payment-balance")).to_have_text("43392.00")
    fin.fill("#id_amount", "43392.00")
    fin.locator("#allocation-table input").first.fill("43392.00")
    fin.click("#payment-save")
    fin.goto(f"/orders/{order.pk}/")
    expect(fin.locator("#invoices .invoice-open")).to_have_text("0.00")

    # finance recomputes the month: 1 % of 38,400 paid ex tax; the rep sees it at home
    _recompute(fin, month)
    expect(fin.locator("#commission-total")).to_have_text("384.00")
    rep.goto("/")
    expect(rep.locator("#home-commission-this")).to_have_text("384.00")

    # a return of 1 t against the shipped line: a credit of 4,339.20 to the customer
    rep.goto(f"/orders/{order.pk}/")
    rep.locator("#return-form input[type=number]").first.fill("1")
    rep.fill("#id_reason", "包装破损")
    rep.click("#return-save")
    expect(rep.locator("#returns")).to_contain_text("4339.20")
    rep.goto(f"/customers/{order.customer_id}/")
    expect(rep.locator("#figure-open_balance")).to_contain_text("-4339.20")
    # recomputed, the paid order's return takes back 1 % of 3,840
    _recompute(fin, month)
    expect(fin.locator("#commission-total")).to_have_text("345.60")
    rep.goto("/")
    expect(rep.locator("#home-commission-this")).to_have_text("345.60")


def test_manager_finance_and_leadership_each_see_what_they_may(
    new_page: Any, e2e_demo: Any
) -> None:
    from crm.orders import services, services_receivables
    from crm.sales import services_quotes

    rep = e2e_demo["rep_east_1"]
    opp = _opportunity(rep, e2e_demo["admin"])
    quote = services_quotes.quote_from_opportunity(actor=rep, opportunity=opp)
    quote = services_quotes.quote_send(quote=quote, version=quote.version, actor=rep)
    quote = services_quotes.quote_transition(
        quote=quote, to="accepted", version=quote.version, actor=rep
    )
    order = services.order_from_document(document=quote, actor=rep)
    order = services.order_transition(order=order, to="confirmed", version=order.version, actor=rep)
    services_receivables.invoice_create(order=order, actor=e2e_demo["finance"])
    url = f"/orders/{order.pk}/"

    def visit(username: str) -> Page:
        page = new_page()
        sign_in(page, username)
        page.goto(url)
        return page

    # the rep's manager: changes the order (ship, cancel), does not invoice
    mgr = visit("mgr_east")
    expect(mgr.locator("#order-status")).to_have_text("已确认")
    expect(mgr.locator("#shipment-form")).to_be_visible()
    expect(mgr.locator("#invoice-form")).to_have_count(0)
    # finance: sees it and its invoice, and alone invoices; no logistics (ship, cancel, return)
    fin = visit("finance")
    expect(fin.locator("#invoices")).to_contain_text("INV")
    expect(fin.locator("#invoice-form")).to_be_visible()
    for control in ("#order-to-cancelled", "#shipment-form", "#return-form"):
        expect(fin.locator(control)).to_have_count(0)
    # leadership: reads everything, changes nothing
    leader = visit("leader")
    expect(leader.locator("#order-total")).to_have_text(re.compile(r"\d"))
    expect(leader.locator("#invoices")).to_contain_text("INV")
    for control in ("#order-to-cancelled", "#shipment-form", "#invoice-form", "#return-form"):
        expect(leader.locator(control)).to_have_count(0)
    # the other unit's manager and another rep of the unit: not found
    for username in ("mgr_west", "rep_east_2"):
        other = new_page()
        sign_in(other, username)
        response = other.goto(url)
        assert response is not None and response.status == 404, username
