"""Tickets in the browser: an agent opens a complaint from the customer's page, replies,
resolves it and sees the status; closing asks for confirmation first."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _ticket_types(e2e_demo: Any) -> None:
    """The types come from a data migration, which a transactional test's flush removes."""
    from crm.service.models import TicketCategory, TicketType
    from crm.service.seed import seed_types

    seed_types(TicketType, TicketCategory)


def test_agent_complaint_reply_resolve(page: Page, e2e_demo: Any) -> None:
    from crm.customers.services import customer_create
    from crm.service.models import Ticket

    customer = customer_create(actor=e2e_demo["rep_west_1"], name="成都蜀能贸易有限公司")
    sign_in(page, "agent")
    page.goto(f"/customers/{customer.pk}/")
    page.click('[data-bs-target="#tab-tickets"]')
    page.click("#ticket-new")
    page.fill("#id_title", "润滑油变质")
    page.select_option("#id_type", label="投诉")
    page.select_option("#id_priority", "high")
    page.click("#ticket-form button[type=submit]")
    expect(page.locator("#ticket-status")).to_have_text("新建")
    page.select_option("#id_kind", "reply")
    page.fill("#id_body", "您好，已安排工程师上门检测。")
    page.click("#entry-form button[type=submit]")
    expect(page.locator("#ticket-timeline")).to_contain_text("已安排工程师上门检测")
    page.click('#ticket-actions [data-to="resolved"]')
    expect(page.locator("#ticket-status")).to_have_text("已解决")
    ticket = Ticket.objects.get(customer=customer)
    assert ticket.first_response_at is not None and ticket.resolved_at is not None
    # Closing is confirmed first: dismissing the dialog changes nothing.
    page.once("dialog", lambda d: d.dismiss())
    page.click('#ticket-actions [data-to="closed"]')
    expect(page.locator("#ticket-status")).to_have_text("已解决")
    page.once("dialog", lambda d: d.accept())
    page.click('#ticket-actions [data-to="closed"]')
    expect(page.locator("#ticket-status")).to_have_text("已关闭")
    page.goto("/service/tickets/?view=mine")
    expect(page.locator("#ticket-table")).to_contain_text(ticket.number or "")
