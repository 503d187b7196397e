"""Editing a ticket in the browser: the agent changes the title and priority from the ticket
page and sees them there; an empty title and a ticket changed by someone else meanwhile are
refused with a message in Chinese, and nothing is saved."""

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _seeded(e2e_demo: Any) -> None:
    """Ticket types come from a data migration, which a transactional test's flush removes."""
    from crm.service.models import TicketCategory, TicketType
    from crm.service.seed import seed_types

    seed_types(TicketType, TicketCategory)


@pytest.fixture
def ticket(e2e_demo: Any) -> Any:
    """A normal-priority complaint the agent opened (so the agent may edit it)."""
    from crm.customers.services import customer_create
    from crm.service import services
    from crm.service.models import TicketType

    customer = customer_create(actor=e2e_demo["rep_west_1"], name="成都蜀能贸易有限公司")
    return services.ticket_create(
        actor=e2e_demo["agent"],
        customer=customer,
        title="润滑油变质",
        type=TicketType.objects.get(code="complaint"),
    )


def _priority(page: Page) -> Locator:
    """The priority shown on the ticket page."""
    return page.locator("dl dt:has-text('优先级') + dd")


def test_agent_changes_title_and_priority(page: Page, ticket: Any) -> None:
    from crm.service.models import Priority, Ticket

    # given the agent on the ticket page
    sign_in(page, "agent")
    page.goto(f"/service/tickets/{ticket.pk}/")
    expect(_priority(page)).to_have_text("普通")

    # when the edit page is opened from there, the title and priority changed and saved
    page.click("#ticket-edit")
    expect(page).to_have_url(re.compile(rf"/service/tickets/{ticket.pk}/edit/$"))
    expect(page.locator("h1")).to_contain_text("编辑工单")
    expect(page.locator("#id_title")).to_have_value("润滑油变质")
    page.fill("#id_title", "润滑油变质，设备停机")
    page.select_option("#id_priority", "urgent")
    page.click("#ticket-form button[type=submit]")

    # then the ticket page shows the new values, and so does the database
    expect(page.locator(".alert")).to_contain_text("已保存")
    expect(page.locator("h1")).to_have_text(f"{ticket.number} · 润滑油变质，设备停机")
    expect(_priority(page)).to_have_text("紧急")
    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.title == "润滑油变质，设备停机" and saved.priority == Priority.URGENT
    assert saved.version == ticket.version + 1


def test_empty_title_refused_nothing_saved(page: Page, ticket: Any) -> None:
    from crm.service.models import Priority, Ticket

    # given the agent on the edit page
    sign_in(page, "agent")
    page.goto(f"/service/tickets/{ticket.pk}/edit/")

    # when the title is emptied and the priority changed
    page.fill("#id_title", "")
    page.select_option("#id_priority", "high")
    page.click("#ticket-form button[type=submit]")

    # then the form is shown again with the error in Chinese and what was typed
    expect(page.locator("#id_title")).to_have_class("form-control is-invalid")
    expect(page.locator("#ticket-form .invalid-feedback")).to_have_text("此项为必填。")
    expect(page.locator("#id_priority")).to_have_value("high")
    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.title == "润滑油变质" and saved.priority == Priority.NORMAL
    assert saved.version == ticket.version


def test_stale_version_refused_nothing_saved(page: Page, ticket: Any, e2e_demo: Any) -> None:
    from crm.service import services
    from crm.service.models import Priority, Ticket

    # given the agent on the edit page, and a colleague who saves the ticket meanwhile
    sign_in(page, "agent")
    page.goto(f"/service/tickets/{ticket.pk}/edit/")
    services.ticket_update(
        ticket=ticket, version=ticket.version, actor=e2e_demo["admin"], title="客户来电补充"
    )

    # when the agent saves the page opened before that change
    page.fill("#id_title", "润滑油变质，设备停机")
    page.select_option("#id_priority", "urgent")
    page.click("#ticket-form button[type=submit]")

    # then the page says someone else changed it and keeps the colleague's change only
    expect(page.locator(".alert")).to_contain_text("其他人已修改了它")
    expect(page.locator("#id_title")).to_have_value("润滑油变质，设备停机")
    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.title == "客户来电补充" and saved.priority == Priority.NORMAL
