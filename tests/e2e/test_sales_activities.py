"""Visits in the browser: a rep on a phone plans a visit, checks in, logs the outcome and sees
the visit achievement rate move on the home page; the manager sees the rep's row."""

import re
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from .conftest import PHONE, sign_in

pytestmark = pytest.mark.e2e

CUSTOMER = "杭州西湖精细化工有限公司"  # initials: hzxhjxhg


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_rep_runs_a_visit_on_a_phone_and_the_rate_moves(new_page: Callable[..., Page]) -> None:
    from crm.customers.services import customer_create
    from crm.org.models import User

    rep = User.objects.get(username="rep_east_1")
    customer_create(actor=rep, name=CUSTOMER)
    page = new_page(viewport=PHONE)
    sign_in(page, "rep_east_1")
    expect(page).to_have_url(re.compile(r"/$"))
    rate = page.locator("#home-visit-rate .rate-value")
    expect(rate).to_have_text("—")
    _fits(page)

    # plan a visit for today: find the customer by pinyin initials in the picker
    page.click("#home-plan-visit")
    page.fill("#id_subject", "介绍新品润滑油")
    page.fill("#customer-search", "hzxh")
    page.locator(".customer-option", has_text=CUSTOMER).click()
    expect(page.locator("#picked-customer")).to_have_text(CUSTOMER)
    page.fill("#id_planned_start", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_purpose", "了解年度用量")
    _fits(page)
    page.click("#activity-save")

    # back home: the visit is today's, planned, and the rate is 0 of 1
    expect(page).to_have_url(re.compile(r"/$"))
    item = page.locator("#home-today .activity-item", has_text="介绍新品润滑油")
    expect(item).to_be_visible()
    expect(rate).to_have_text("0.0%")

    # on site: check in, then log the outcome
    item.locator("button.check-in").click()
    expect(page.locator("#home-today .activity-item", has_text="介绍新品润滑油")).to_contain_text(
        "已签到"
    )
    page.locator("#home-today .activity-item", has_text="介绍新品润滑油").locator(
        "a.log-outcome"
    ).click()
    page.fill("#id_notes", "客户认可样品，准备试用")
    page.fill("#id_next_step", "下周送样")
    _fits(page)
    page.click("#complete-submit")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(rate).to_have_text("100.0%")
    _fits(page)

    # the manager's home shows the rep's row with the same rate
    boss = new_page()
    sign_in(boss, "mgr_east")
    row = boss.locator("#team-row-rep_east_1")
    expect(row).to_contain_text("1 / 1")
    expect(row.locator(".team-visit-rate")).to_have_text("100.0%")

    # and the visit is on the customer's timeline
    page.goto("/customers/")
    page.fill("#customer-search", "hzxh")
    page.press("#customer-search", "Enter")
    page.locator("#customer-table tbody a", has_text=CUSTOMER).click()
    page.click("#tab-timeline-button")
    expect(page.locator("#timeline-list")).to_contain_text("客户认可样品")
