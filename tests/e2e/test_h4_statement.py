"""The customer's statement in the browser: an order is shipped, invoiced, partly paid and
partly returned; finance opens the customer's receivables tab, then the statement, and finds
the return as its own line under the credits, with the closing balance the ledger's; the CSV
export and the PDF both download."""

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from .conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _seeds(e2e_demo: Any) -> None:
    from crm.products.models import UnitOfMeasure
    from crm.products.seed import seed_units

    seed_units(UnitOfMeasure)


def test_statement_lists_the_return_as_a_credit(page: Page, e2e_demo: Any) -> None:
    from crm.customers.services import customer_create
    from crm.orders import services, services_receivables, services_shipping
    from crm.orders.selectors_receivables import balance_of
    from crm.products.models import UnitOfMeasure
    from crm.products.services import product_create

    rep, fin = e2e_demo["rep_east_1"], e2e_demo["finance"]
    product = product_create(
        actor=e2e_demo["admin"],
        code="LUB-100",
        name="工业润滑油",
        unit=UnitOfMeasure.objects.get(code="t"),
        list_price=Decimal("100"),
    )
    customer = customer_create(actor=rep, name="上海浦江化工有限公司")
    order = services.order_create(
        actor=rep,
        customer=customer,
        lines=[{"product": product, "quantity": Decimal(20), "unit_price": Decimal(100)}],
    )
    order = services.order_transition(order=order, to="confirmed", version=order.version, actor=rep)
    line = order.lines.get()
    services_shipping.shipment_create(order=order, actor=rep, quantities={line.pk: Decimal(20)})
    services_receivables.invoice_create(order=order, actor=fin)  # 2,260.00
    services_receivables.payment_create(customer=customer, actor=fin, amount=Decimal("1000"))
    ret = services_shipping.return_create(
        order=order, actor=rep, quantities={line.pk: Decimal(2)}, reason="包装破损"
    )  # 226.00 credited

    sign_in(page, "finance")
    page.goto(f"/customers/{customer.pk}/")
    page.click('[data-bs-target="#tab-receivables"]')
    page.click("#statement-link")
    expect(page).to_have_url(re.compile(rf"/orders/receivables/statement/{customer.pk}/"))
    credits = page.locator("#statement-credit-table")
    expect(credits).to_contain_text(ret.number)
    expect(credits).to_contain_text(order.number)
    expect(credits).to_contain_text("226.00")
    expect(credits).to_contain_text("包装破损")
    expect(page.locator("#statement-invoice-table")).not_to_contain_text(ret.number)
    expect(page.locator("#statement-total-credit")).to_have_text("226.00")
    expect(page.locator("#statement-closing")).to_have_text("1034.00")
    assert balance_of(customer.pk) == Decimal("1034.00")
    # the export has the return's line too
    with page.expect_download() as info:
        page.click("#statement-export")
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert ret.number in text and "-226.00" in text
    # and so does the PDF sent to the customer, with the closing balance in figures and 大写
    with page.expect_download() as info:
        page.click("#statement-pdf")
    assert re.fullmatch(
        rf"statement-{customer.code}-\d{{8}}-\d{{8}}\.pdf", info.value.suggested_filename
    )
    pdf = PdfReader(info.value.path())
    words = "".join(p.extract_text() for p in pdf.pages).replace("\n", "")
    assert ret.number in words and "¥1,034.00" in words and "壹仟零叁拾肆元整" in words
