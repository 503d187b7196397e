"""Customers in the browser: create with a USCC check, find by pinyin initials, phone width."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .conftest import PHONE, sign_in

pytestmark = pytest.mark.e2e

NAME = "杭州龙井茶业有限公司"  # initials: hzljcyyxgs
VALID_USCC = "91110000600037341L"


def test_create_with_invalid_uscc_then_fix_then_find_by_initials(page: Page) -> None:
    sign_in(page, "rep_east_1")
    page.goto("/customers/new/")
    page.fill("#id_name", NAME)
    page.fill("#id_uscc", "91110000600037341X")
    page.click("#customer-save")
    # the Chinese error is shown on the field and nothing is saved
    expect(page.locator("#id_uscc ~ .invalid-feedback")).to_contain_text("统一社会信用代码")
    page.fill("#id_uscc", VALID_USCC)
    page.click("#customer-save")
    expect(page).to_have_url(re.compile(r"/customers/\d+/$"))
    expect(page.locator("#customer-name")).to_contain_text(NAME)
    # the list's search box finds it by pinyin initials
    page.goto("/customers/")
    page.fill("#customer-search", "hzlj")
    page.press("#customer-search", "Enter")
    expect(page.locator("#customer-table")).to_contain_text(NAME)


def test_customer_list_fits_a_phone(new_page: Callable[..., Page]) -> None:
    from crm.customers.services import customer_create
    from crm.org.models import User

    rep = User.objects.get(username="rep_east_1")
    customer_create(
        actor=rep, name="内蒙古伊利实业集团股份有限公司乳制品事业部华东大区", tags="重点"
    )
    page = new_page(viewport=PHONE)
    sign_in(page, "rep_east_1")
    page.goto("/customers/")
    # the table's rows show as cards: no header, the name on its own line, no side scrolling
    table = page.locator("#customer-table")
    expect(table).to_be_visible()
    expect(table.locator("thead")).to_be_hidden()
    card = table.locator("tbody tr").first
    title, code = card.locator(".tc-title"), card.locator(".tc-meta").first
    expect(title).to_be_visible()
    expect(code).to_be_visible()
    expect(card.locator(".tc-hide").first).to_be_hidden()
    title_box, code_box = title.bounding_box(), code.bounding_box()
    assert title_box and code_box and title_box["y"] < code_box["y"]  # name first, then details
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    card.locator(".tc-title a").click()
    expect(page.locator("#customer-name")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
