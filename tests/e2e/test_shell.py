"""The page shell: language switch, menus by role, the phone layout."""

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import PHONE, open_menu, sign_in

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Qx7!mPz2-kL9"


def test_language_switch_to_english_and_back(page: Page) -> None:
    sign_in(page, "rep_east_1")
    expect(page.locator('[data-menu="home"]')).to_have_text("首页")

    page.select_option("#language-select", "en")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator('[data-menu="home"]')).to_have_text("Home")
    expect(open_menu(page, "employees")).to_have_text("Employees")
    expect(page.locator("h1")).to_contain_text("Welcome")

    # The choice is remembered on the profile: still English on the next page.
    page.goto("/org/employees/")
    expect(page.locator("h1")).to_have_text("Employees")

    page.select_option("#language-select", "zh-hans")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text("员工")
    expect(page.locator('[data-menu="home"]')).to_have_text("首页")


def test_admin_creates_unit_and_employee_who_sees_only_permitted_menus(page: Page) -> None:
    sign_in(page, "admin")
    expect(open_menu(page, "roles")).to_be_visible()

    # A new team under the Shanghai branch, from the organisation page.
    page.click('[data-menu="org"]')
    expect(page.locator("h1")).to_have_text("组织架构")
    form = page.locator("#unit-create-form")
    form.locator("#id_new-name").fill("上海销售二组")
    form.locator("#id_new-kind").select_option("team")
    form.locator("#id_new-parent").select_option(label="上海分公司")
    form.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("上海销售二组")
    open_menu(page, "org").click()
    expect(page.locator('#org-tree [data-unit="上海销售二组"]')).to_be_visible()

    # An employee in it holding only the general-user role.
    open_menu(page, "employees").click()
    page.click("#employee-new")
    expect(page.locator("h1")).to_have_text("新建员工")
    form = page.locator("#employee-form")
    form.locator("#id_username").fill("rep_sh_2")
    form.locator("#id_password").fill(NEW_PASSWORD)
    form.locator("#id_name").fill("吴二组")
    form.locator("#id_unit").select_option(label="上海销售二组")
    form.get_by_label("一般用户", exact=True).check()
    form.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("吴二组")
    expect(page.locator("main")).to_contain_text("一般用户")

    page.click("#user-menu")
    page.click("#logout")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    sign_in(page, "rep_sh_2", NEW_PASSWORD)
    expect(page.locator("#me-unit")).to_have_text("上海销售二组")
    expect(page.locator("#me-roles")).to_have_text("一般用户")
    menu = page.locator("#module-menu [data-menu]")
    expect(menu).to_have_count(3)
    expect(page.locator("#module-menu [data-menu-group]")).to_have_count(1)  # 管理: org, employees
    for key in ("home", "org", "employees"):
        expect(open_menu(page, key)).to_be_visible()
    for key in ("roles", "parameters", "recycle"):
        expect(page.locator(f'[data-menu="{key}"]')).to_have_count(0)


def _no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_phone_menu_collapses_and_pages_fit_the_width(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(viewport=PHONE)
    sign_in(page, "mgr_east")

    toggle = page.locator("#nav-toggle")
    menu = page.locator("#module-menu")
    expect(toggle).to_be_visible()
    expect(menu).to_be_hidden()
    _no_horizontal_scroll(page)

    toggle.click()
    expect(menu).to_be_visible()
    open_menu(page, "employees").click()
    expect(page.locator("#employee-table")).to_be_visible()
    expect(menu).to_be_hidden()
    _no_horizontal_scroll(page)
