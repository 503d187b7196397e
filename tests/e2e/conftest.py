"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

The live server runs in another thread, so the data must be committed: every browser test
uses `transactional_db`, and `e2e_demo` loads the demo organisation inside it.
"""

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from crm.org.demo import load_demo
from crm.org.models import User
from crm.testing.fixtures import DEMO_PASSWORD

# Playwright's sync API runs an event loop in the test thread; Django would refuse to touch
# the database from it (loading fixtures, checking results) without this.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def e2e_demo(transactional_db: Any) -> dict[str, User]:
    """The demo organisation, committed so the live server's thread sees it."""
    load_demo(password=DEMO_PASSWORD)
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def new_page(browser: Browser, live_server: Any, e2e_demo: Any) -> Iterator[Callable[..., Page]]:
    """`new_page(viewport=...)` → a page in a fresh context (own cookies), speaking Chinese."""
    contexts = []

    def make(viewport: dict[str, int] | None = None) -> Page:
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", viewport=viewport or DESKTOP
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Fill the login form and submit it (the caller checks where that led)."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-submit")


def open_menu(page: Page, key: str) -> Locator:
    """The menu entry `key`, its group's dropdown opened first when it sits in one."""
    item = page.locator(f'#module-menu [data-menu="{key}"]')
    if not item.is_visible():
        page.locator(f'#module-menu .dropdown:has([data-menu="{key}"]) [data-menu-group]').click()
    return item
