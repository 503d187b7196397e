"""Commissions in the browser: the admin adds a rule; a payment is recorded for the rep's
invoice; finance recomputes the month (confirming first) and drills into the rep's lines; the
rep sees this month's commission on their home page."""

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _seeded(e2e_demo: Any) -> None:
    """Units of measure come from a data migration, which a transactional test's flush
    removes (so do the default commission rules: the admin adds one here)."""
    from crm.products.models import UnitOfMeasure
    from crm.products.seed import seed_units

    seed_units(UnitOfMeasure)


def _invoice(e2e_demo: Any) -> Any:
    """A confirmed, invoiced order of rep_west_1: 10 t × 100 net, 13 % VAT = 1,130."""
    from crm.customers.services import customer_create
    from crm.orders import services, services_receivables
    from crm.products import services as product_services
    from crm.products.models import UnitOfMeasure

    admin, rep = e2e_demo["admin"], e2e_demo["rep_west_1"]
    brand = product_services.brand_create(actor=admin, name="长城")
    series = product_services.series_create(actor=admin, brand=brand, name="润滑油")
    product = product_services.product_create(
        actor=admin,
        code="LUB-100",
        name="工业润滑油",
        unit=UnitOfMeasure.objects.get(code="t"),
        list_price=Decimal("100"),
        series=series,
    )
    customer = customer_create(actor=rep, name="成都蜀能贸易有限公司")
    order = services.order_create(
        actor=rep,
        customer=customer,
        lines=[{"product": product, "quantity": Decimal(10), "unit_price": Decimal(100)}],
    )
    order = services.order_transition(order=order, to="confirmed", version=order.version, actor=rep)
    return services_receivables.invoice_create(order=order, actor=e2e_demo["finance"])


def test_rule_payment_recompute_home_panel(new_page: Any, e2e_demo: Any) -> None:
    from crm.orders import services_receivables

    invoice = _invoice(e2e_demo)
    month = f"{timezone.localdate():%Y-%m}"
    # the admin adds a rule: sales reps earn 2 %
    admin = new_page()
    sign_in(admin, "admin")
    admin.goto("/commissions/rules/")
    admin.click("#rule-new")
    admin.fill("#id_name", "销售人员 2%")
    admin.select_option("#id_role", label="销售人员")
    admin.fill("#id_rate", "2")
    admin.click("#rule-form button[type=submit]")
    expect(admin.locator("#rule-table")).to_contain_text("销售人员 2%")
    # the customer pays the invoice
    services_receivables.payment_create(
        customer=invoice.customer,
        actor=e2e_demo["finance"],
        amount=invoice.gross_amount,
        allocations=[(invoice, invoice.gross_amount)],
    )
    # finance recomputes the month; dismissing the confirmation changes nothing
    fin = new_page()
    sign_in(fin, "finance")
    fin.goto(f"/commissions/?period={month}")
    expect(fin.locator("#commission-empty")).to_be_visible()
    fin.once("dialog", lambda d: d.dismiss())
    fin.click("#commission-recompute button")
    expect(fin.locator("#commission-empty")).to_be_visible()
    fin.once("dialog", lambda d: d.accept())
    fin.click("#commission-recompute button")
    expect(fin.locator("#commission-total")).to_have_text("20.00")
    fin.click("#commission-table a")
    expect(fin.locator("#statement-lines")).to_contain_text("销售人员 2%")
    expect(fin.locator("#statement-lines")).to_contain_text("1000.00")
    # the rep sees it on the home page
    rep = new_page()
    sign_in(rep, "rep_west_1")
    expect(rep.locator("#home-commission-this")).to_have_text("20.00")
