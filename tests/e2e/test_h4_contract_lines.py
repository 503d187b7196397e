"""A draft contract's lines in the browser: the rep opens the contract, edits a line's quantity
and discount, sees the live total change, adds a line with the product picker, saves, and the
contract's total is the new one; once the contract is active its lines are locked."""

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
    from crm.products.models import UnitOfMeasure
    from crm.products.seed import seed_units

    seed_units(UnitOfMeasure)


def _draft_contract(rep: Any, admin: Any) -> Any:
    from crm.customers.services import customer_create
    from crm.products.models import UnitOfMeasure
    from crm.products.services import product_create
    from crm.sales import services_contracts

    unit = UnitOfMeasure.objects.get(code="t")
    mdi = product_create(
        actor=admin, code="WH-MDI-100", name="纯MDI", unit=unit, list_price=Decimal("4850")
    )
    product_create(
        actor=admin, code="WH-PO-3", name="聚醚多元醇", unit=unit, list_price=Decimal("99.99")
    )
    customer = customer_create(actor=rep, name="上海浦江化工有限公司")
    today = timezone.localdate()
    return services_contracts.contract_create(
        actor=rep,
        customer=customer,
        title="浦江 MDI 年度合同",
        start_date=today,
        end_date=today + timedelta(days=365),
        lines=[{"product": mdi, "quantity": Decimal("10"), "unit_price": Decimal("4800")}],
    )


def test_edit_a_contract_line_and_see_the_total_change(page: Page, e2e_demo: Any) -> None:
    contract = _draft_contract(e2e_demo["rep_east_1"], e2e_demo["admin"])
    sign_in(page, "rep_east_1")
    page.goto(f"/sales/contracts/{contract.pk}/")
    # 10 × 4800 + 13 % = 54,240
    expect(page.locator("#contract-lines-total")).to_have_text(re.compile(r"54,?240\.00"))
    page.click("#contract-lines-edit")
    expect(page).to_have_url(re.compile(r"/sales/contracts/\d+/edit/"))
    expect(page.locator("#contract-totals")).to_contain_text(re.compile(r"54,?240\.00"))
    # 12 × 4800 × 90 % = 51,840 net; 58,579.20 with tax
    page.fill("#id_lines-0-quantity", "12")
    page.fill("#id_lines-0-discount_pct", "10")
    page.locator("#id_lines-0-discount_pct").blur()
    expect(page.locator("#contract-preview-gross")).to_have_text(re.compile(r"58,?579\.20"))
    # a second line through the picker: its list price, 2 × 99.99 = 199.98 (+13 % = 225.98)
    page.fill("#id_lines-1-product_text", "WH-PO")
    page.locator(".line-row").nth(1).locator(".product-option").first.click()
    expect(page.locator("#id_lines-1-unit_price")).to_have_value(re.compile(r"99\.99"))
    page.fill("#id_lines-1-quantity", "2")
    page.locator("#id_lines-1-quantity").blur()
    expect(page.locator("#contract-preview-gross")).to_have_text(re.compile(r"58,?805\.18"))
    page.click("#contract-save")
    expect(page).to_have_url(re.compile(rf"/sales/contracts/{contract.pk}/(#.*)?$"))
    expect(page.locator("#contract-lines-total")).to_have_text(re.compile(r"58,?805\.18"))
    expect(page.locator("#contract-line-table tbody tr")).to_have_count(2)
    contract.refresh_from_db()
    assert contract.gross_amount == Decimal("58805.18")

    # active: the lines are locked, the page says so
    page.click("#contract-to-active")
    expect(page.locator("#contract-status")).to_have_text("生效中")
    expect(page.locator("#contract-lines-edit")).to_have_count(0)
    expect(page.locator("#contract-lines-locked")).to_be_visible()
    page.goto(f"/sales/contracts/{contract.pk}/edit/")
    expect(page).to_have_url(re.compile(rf"/sales/contracts/{contract.pk}/(#.*)?$"))
    expect(page.locator(".alert-danger, .alert-error").first).to_contain_text("草稿")
