"""Products in the browser: an admin builds the catalogue and a price list and looks up the
price a customer pays today; a rep reads the catalogue without edit controls."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .conftest import PHONE, sign_in

pytestmark = pytest.mark.e2e

CUSTOMER = "宁波北仑化工贸易有限公司"  # initials: nbblhgmy…


@pytest.fixture(autouse=True)
def _units(e2e_demo: object) -> None:
    # Browser tests truncate every table between tests, the migration's units included.
    from crm.products.models import UnitOfMeasure
    from crm.products.seed import seed_units

    seed_units(UnitOfMeasure)


def test_admin_creates_a_product_and_a_list_price_and_sees_a_customers_price(
    new_page: Callable[..., Page],
) -> None:
    from crm.customers.services import customer_create
    from crm.org.models import User

    customer_create(actor=User.objects.get(username="rep_east_1"), name=CUSTOMER)
    page = new_page()
    sign_in(page, "admin")
    page.goto("/products/new/")
    page.fill("#id_code", "E2E-PB-18")
    page.fill("#id_name", "浏览器刨花板")
    page.select_option("#id_unit", label="张")
    page.fill("#id_list_price", "0")
    page.click("#product-save")
    # a zero price is refused with a Chinese message on the field
    expect(page.locator("#id_list_price ~ .invalid-feedback")).to_contain_text("大于零")
    page.fill("#id_list_price", "86")
    page.click("#product-save")
    expect(page).to_have_url(re.compile(r"/products/\d+/$"))
    expect(page.locator("#product-name")).to_contain_text("浏览器刨花板")
    product_url = page.url

    page.goto("/products/price-lists/new/")
    page.fill("#id_name", "浏览器价目表")
    page.click("#price-list-save")
    expect(page.locator("#price-list-name")).to_contain_text("浏览器价目表")
    page.fill("#id_item-product", "E2E-PB-18")
    page.fill("#id_item-price", "79.5")
    page.click("#item-save")
    expect(page.locator("#item-table")).to_contain_text("79.50")

    page.goto(product_url)
    page.fill("#price-lookup-q", "nbbl")
    page.click("#price-lookup-go")
    result = page.locator("#price-lookup-table")
    expect(result).to_contain_text(CUSTOMER)
    expect(result).to_contain_text("79.50")
    expect(result).to_contain_text("浏览器价目表")


def test_a_rep_reads_the_catalogue_on_a_phone(new_page: Callable[..., Page]) -> None:
    from decimal import Decimal

    from crm.org.models import User
    from crm.products.models import UnitOfMeasure
    from crm.products.services import product_create

    product_create(
        actor=User.objects.get(username="admin"),
        code="E2E-MDF-18",
        name="中密度纤维板（浏览器测试用超长名称以检验手机宽度）",
        unit=UnitOfMeasure.objects.get(code="张"),
        list_price=Decimal("98"),
        specification="1220×2440×18 mm，E1",
    )
    page = new_page(viewport=PHONE)
    sign_in(page, "rep_east_1")
    page.goto("/products/")
    cards = page.locator("#product-cards")
    expect(cards).to_contain_text("中密度纤维板")
    expect(page.locator("#product-new")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    cards.locator("a").first.click()
    expect(page.locator("#product-name")).to_contain_text("中密度纤维板")
    expect(page.locator("#product-edit")).to_have_count(0)
    expect(page.locator("#product-delete")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
