"""Notifications in the browser: the bell shows the unread count, the inbox lists them,
marking one read makes the count drop; settings switch e-mail off."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


def test_bell_count_open_mark_read(page: Page, e2e_demo: Any) -> None:
    from crm.system.services import notify

    rep = e2e_demo["rep_east_1"]
    notify(user=rep, key="receivable-overdue:INV000001", title="应收款逾期 INV000001", url="/")
    notify(user=rep, key="contract-expiry:C000002", title="合同即将到期 C000002")
    sign_in(page, "rep_east_1")
    expect(page.locator("#bell #bell-count .badge")).to_have_text("2")
    page.click("#bell")
    page.wait_for_url("**/notifications/")
    expect(page.locator("#notification-list li")).to_have_count(2)
    item = page.locator("#notification-list li", has_text="合同即将到期")
    item.locator('[data-action="read"]').click()
    expect(page.locator("#bell #bell-count .badge")).to_have_text("1")
    expect(page.locator('#notification-list li[data-unread="1"]')).to_have_count(1)
    # opening the other one marks it read and follows its link
    page.locator("#notification-list li", has_text="应收款逾期").locator('[name="open"]').click()
    expect(page.locator("#bell #bell-count .badge")).to_have_count(0)
    page.goto("/notifications/?unread=1")
    expect(page.locator("#notification-empty")).to_be_visible()
    # the settings page switches reminders to in-app only
    page.goto("/notifications/settings/")
    page.check('input[name="delivery"][value="app"]')
    page.click("#preference-form button[type=submit]")
    expect(page.locator('input[name="delivery"][value="app"]')).to_be_checked()
