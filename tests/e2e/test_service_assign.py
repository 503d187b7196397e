"""Handing a ticket over in the browser: the agent list follows the chosen queue, and the
ticket goes to the chosen agent of the call centre."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _seeded(e2e_demo: Any) -> None:
    """Ticket types come from a data migration, which a transactional test's flush removes."""
    from crm.service.models import TicketCategory, TicketType
    from crm.service.seed import seed_types

    seed_types(TicketType, TicketCategory)


def test_admin_hands_a_ticket_to_an_agent_of_the_queue(page: Page, e2e_demo: Any) -> None:
    from crm.customers.services import customer_create
    from crm.org.models import Role
    from crm.org.services import employee_create
    from crm.service import services
    from crm.service.models import Ticket, TicketStatus, TicketType

    # given a new complaint in the call centre's queue and a second agent there
    colleague = employee_create(
        username="agent_2",
        password="Demo@2026x",
        name="钱伟",
        unit=e2e_demo["agent"].unit,
        roles=[Role.objects.get(code="service_agent")],
        actor=e2e_demo["admin"],
    )
    customer = customer_create(actor=e2e_demo["rep_west_1"], name="成都蜀能贸易有限公司")
    ticket = services.ticket_create(
        actor=e2e_demo["agent"],
        customer=customer,
        title="润滑油变质",
        type=TicketType.objects.get(code="complaint"),
    )
    sign_in(page, "admin")
    page.goto(f"/service/tickets/{ticket.pk}/")
    page.click("#ticket-assign summary")

    # when another queue is chosen, its people are offered; back in the call centre, its agents
    page.select_option("#assign-queue", label="成都分公司")
    expect(page.locator("#assign-owner")).to_contain_text("赵磊 (rep_west_1)")
    page.select_option("#assign-queue", label="客服中心")
    expect(page.locator("#assign-owner")).to_contain_text("钱伟 (agent_2)")
    expect(page.locator("#assign-owner")).not_to_contain_text("rep_west_1")
    page.select_option("#assign-owner", label="钱伟 (agent_2)")
    page.fill("#assign-comment", "设备类问题交钱伟")
    page.click("#assign-save")

    # then the ticket is his, assigned, and the timeline says why
    expect(page.locator(".alert-success, .alert")).to_contain_text("工单已交给 钱伟")
    expect(page.locator("#ticket-status")).to_have_text("已分派")
    expect(page.locator("#ticket-timeline")).to_contain_text("设备类问题交钱伟")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.owner_id == colleague.pk and ticket.status == TicketStatus.ASSIGNED
