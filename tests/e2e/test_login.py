"""Signing in, its errors and the lockout, in the default language (Chinese)."""

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e

WRONG = "not-the-password"


def test_login_page_is_chinese_and_sign_in_lands_on_home(page: Page) -> None:
    page.goto("/")

    # An anonymous visitor is sent to the login page, in Chinese (Accept-Language zh-CN).
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#login-submit")).to_have_text("登录")

    sign_in(page, "rep_east_1")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_contain_text("陈晓明")
    expect(page.locator("#me-username")).to_have_text("rep_east_1")
    expect(page.locator("#me-unit")).to_have_text("上海销售一组")
    expect(page.locator("#me-roles")).to_contain_text("销售人员")
    expect(page.locator("#user-menu")).to_contain_text("陈晓明")


@pytest.mark.parametrize("username", ["rep_east_1", "nobody_here"])
def test_wrong_password_and_unknown_user_get_the_same_error(page: Page, username: str) -> None:
    sign_in(page, username, WRONG)

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("#login-error")).to_have_text("用户名或密码不正确。")
    # The username stays filled in; the password does not.
    expect(page.locator("#id_username")).to_have_value(username)
    expect(page.locator("#id_password")).to_have_value("")


def test_five_failures_lock_the_username_even_for_the_right_password(page: Page) -> None:
    for _ in range(5):
        sign_in(page, "rep_east_2", WRONG)
        expect(page.locator("#login-error")).to_have_text("用户名或密码不正确。")

    sign_in(page, "rep_east_2")

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("#login-error")).to_contain_text("登录失败次数过多")
    expect(page.locator("#user-menu")).to_have_count(0)
