"""Quotes in the browser: a rep makes a quote from an opportunity, gives a discount above the
rule's 15 %, sends it — it waits for approval, locked; the manager approves it in the
approvals inbox; the rep records the customer's acceptance and downloads the PDF."""

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
    from crm.org.models import Role
    from crm.products.models import UnitOfMeasure
    from crm.products.seed import seed_units
    from crm.sales.models import ApprovalRule, Stage
    from crm.sales.seed import seed_approval_rules, seed_stages

    seed_stages(Stage)
    seed_units(UnitOfMeasure)
    seed_approval_rules(ApprovalRule, Role)


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


def test_quote_discount_approval_acceptance_and_pdf(new_page: Any, e2e_demo: Any) -> None:
    from crm.sales.models import Quote

    opp = _opportunity(e2e_demo["rep_east_1"], e2e_demo["admin"])
    rep = new_page()
    sign_in(rep, "rep_east_1")
    rep.goto(f"/sales/opportunities/{opp.pk}/")
    rep.click("#opportunity-quote-new")
    expect(rep).to_have_url(re.compile(r"/sales/quotes/\d+/edit/$"))
    expect(rep.locator("#lines-0-product_text, #id_lines-0-product_text")).to_have_value(
        re.compile("WH-MDI-100")
    )
    rep.fill("#id_lines-0-discount_pct", "20")
    rep.locator("#id_lines-0-discount_pct").blur()
    # the totals preview: 10 × 4800 × 80 % = 38,400 net, 43,392 with 13 % tax
    expect(rep.locator("#quote-totals")).to_contain_text(re.compile(r"43,?392\.00"))
    rep.click("#quote-save")
    expect(rep).to_have_url(re.compile(r"/sales/quotes/\d+/$"))
    expect(rep.locator("#quote-words")).to_have_text("肆万叁仟叁佰玖拾贰元整")
    rep.click("#quote-to-sent")
    expect(rep.locator("#quote-locked")).to_be_visible()
    expect(rep.locator("#quote-status")).to_have_text("审批中")
    quote = Quote.objects.get(opportunity=opp)

    manager = new_page()
    sign_in(manager, "mgr_east")
    manager.goto("/sales/approvals/")
    manager.click('#approval-table a[href^="/sales/approvals/"]')
    expect(manager.locator("#approval-status")).to_have_text("待审批")
    manager.fill("#id_comment", "同意，下不为例")
    manager.click("#approve-btn")
    expect(manager).to_have_url(re.compile(r"/sales/approvals/$"))
    expect(manager.locator("#approval-empty")).to_be_visible()

    rep.goto(f"/sales/quotes/{quote.pk}/")
    expect(rep.locator("#quote-status")).to_have_text("已发送")
    expect(rep.locator("#quote-approvals")).to_contain_text("同意，下不为例")
    rep.click("#quote-to-accepted")
    expect(rep.locator("#quote-status")).to_have_text("已接受")

    # the accepted quote becomes the order, which links back; the quote then shows it
    rep.click("#quote-order-new")
    expect(rep).to_have_url(re.compile(r"/orders/\d+/$"))
    expect(rep.locator("#order-status")).to_have_text("草稿")
    expect(rep.locator("#order-quote")).to_contain_text(quote.number)
    rep.click("#order-quote")
    expect(rep.locator("#quote-orders")).to_be_visible()
    expect(rep.locator("#quote-order-new")).to_have_count(0)

    pdf = rep.request.get(f"/sales/quotes/{quote.pk}/pdf/")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")


def test_contract_from_accepted_quote_activate_and_renew(page: Page, e2e_demo: Any) -> None:
    from crm.sales import services_quotes
    from crm.sales.models import Contract

    rep = e2e_demo["rep_east_1"]
    opp = _opportunity(rep, e2e_demo["admin"])
    q = services_quotes.quote_from_opportunity(actor=rep, opportunity=opp)
    q = services_quotes.quote_send(quote=q, version=q.version, actor=rep)
    q = services_quotes.quote_transition(quote=q, to="accepted", version=q.version, actor=rep)
    sign_in(page, "rep_east_1")
    page.goto(f"/sales/quotes/{q.pk}/")
    page.click("#quote-contract-new")
    expect(page).to_have_url(re.compile(r"/sales/contracts/\d+/$"))
    expect(page.locator("#contract-status")).to_have_text("草稿")
    page.click("#contract-to-active")
    expect(page.locator("#contract-status")).to_have_text("生效中")
    page.click("#contract-renew")
    expect(page).to_have_url(re.compile(r"/sales/contracts/\d+/$"))
    renewal = Contract.objects.exclude(renewal_of=None).get()
    assert page.url.endswith(f"/sales/contracts/{renewal.pk}/")
    page.goto(f"/customers/{opp.customer_id}/")
    page.click('[data-bs-target="#tab-contracts"]')  # the tab loads when opened
    expect(page.locator("#customer-contracts")).to_contain_text(renewal.number)
