"""Customers in the browser: a concurrent edit is refused; delete → recycle bin → restore."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from crm.customers.models import Customer
from crm.customers.services import customer_create
from crm.org.models import User

from .conftest import sign_in

pytestmark = pytest.mark.e2e


def _customer(name: str) -> Customer:
    return customer_create(actor=User.objects.get(username="rep_east_1"), name=name)


def test_second_tab_saving_a_stale_copy_gets_the_conflict_message(
    new_page: Callable[..., Page],
) -> None:
    # given one customer open for editing in two tabs of the same rep
    customer = _customer("苏州工业园区精细化工有限公司")
    first = new_page()
    sign_in(first, "rep_east_1")
    second = first.context.new_page()
    first.goto(f"/customers/{customer.pk}/edit/")
    second.goto(f"/customers/{customer.pk}/edit/")
    # when the first tab saves
    first.fill("#id_short_name", "苏州精化")
    first.click("#customer-save")
    expect(first).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    # and then the second tab saves its stale copy
    second.fill("#id_short_name", "园区精细")
    second.click("#customer-save")
    # then the second is refused with the conflict message and the first change stands
    expect(second.locator("body")).to_contain_text("其他人已修改了它")
    customer.refresh_from_db()
    assert customer.short_name == "苏州精化"


def test_delete_goes_to_the_recycle_bin_and_restore_brings_it_back(page: Page) -> None:
    # given a customer of a rep under mgr_east
    customer = _customer("无锡太湖新材料有限公司")
    sign_in(page, "mgr_east")
    page.goto(f"/customers/{customer.pk}/")
    # when the manager deletes it (with confirmation)
    page.click("#customer-delete")
    page.click("#confirm-delete button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    assert page.goto(f"/customers/{customer.pk}/").status == 404  # type: ignore[union-attr]
    # then it is in the recycle bin, and restoring it brings the page back
    page.goto("/org/recycle-bin/")
    row = page.locator("tr", has_text="无锡太湖新材料有限公司")
    expect(row).to_be_visible()
    row.get_by_role("button").click()
    expect(page.locator(".alert-success")).to_contain_text("无锡太湖新材料有限公司")
    page.goto(f"/customers/{customer.pk}/")
    expect(page.locator("#customer-name")).to_contain_text("无锡太湖新材料有限公司")


def test_admin_adds_an_industry_that_a_rep_can_then_pick(
    new_page: Callable[..., Page],
) -> None:
    # given the admin on the list-maintenance page, reached from the customer list
    admin = new_page()
    sign_in(admin, "admin")
    admin.goto("/customers/")
    admin.click("#lists-link")
    # when they add an industry
    new_entry = admin.locator('form[data-new="industry"]')
    new_entry.locator('input[name="label"]').fill("氢能源")
    new_entry.get_by_role("button").click()
    expect(admin.locator(".alert-success")).to_be_visible()
    expect(admin.locator('form[data-choice="氢能源"]')).to_be_visible()
    # then a rep's new-customer form offers it
    rep = new_page()
    sign_in(rep, "rep_east_1")
    rep.goto("/customers/new/")
    expect(rep.locator("#id_industry option", has_text="氢能源")).to_have_count(1)
