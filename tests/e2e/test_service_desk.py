"""The call-centre desk in the browser: a call comes in (the telephony URL opens the desk) →
the caller is found → the call is logged → a complaint ticket is opened from the desk → it
shows its SLA clocks → resolved → closed, which schedules the revisit → satisfaction recorded.
An unknown caller is captured as a new contact."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _service_rows(e2e_demo: Any) -> None:
    """Types, the calendar and the policies come from data migrations, which a transactional
    test's flush removes."""
    from crm.service.models import (
        CalendarDay,
        ServiceCalendar,
        SlaPolicy,
        TicketCategory,
        TicketType,
    )
    from crm.service.seed import seed_revisit_days, seed_sla, seed_types

    seed_types(TicketType, TicketCategory)
    seed_revisit_days(TicketType)
    seed_sla(ServiceCalendar, CalendarDay, SlaPolicy, TicketType)


def test_call_to_resolved_complaint(page: Page, e2e_demo: Any) -> None:
    from crm.customers.models import Interaction
    from crm.customers.services import contact_create, customer_create
    from crm.service.models import Ticket

    customer = customer_create(actor=e2e_demo["rep_west_1"], name="成都蜀能贸易有限公司")
    contact_create(
        customer=customer, actor=e2e_demo["rep_west_1"], name="王强", mobile="13912345678"
    )
    sign_in(page, "agent")
    page.goto("/service/desk/?caller=%2B86%20139-1234-5678")
    expect(page.locator("#desk-customer")).to_contain_text("成都蜀能贸易有限公司")
    expect(page.locator("#desk-customer")).to_contain_text("王强")
    page.fill("#desk-log-form input[name=note]", "润滑油变质投诉")
    page.click("#desk-log-form button[type=submit]")
    expect(page.locator("#desk-logged")).to_be_visible()
    expect(page.locator("#desk-interactions")).to_contain_text("润滑油变质投诉")
    assert Interaction.objects.get(customer=customer).direction == "in"
    page.click("#desk-new-ticket")
    page.fill("#id_title", "润滑油变质")
    page.select_option("#id_type", label="投诉")
    page.select_option("#id_priority", "high")
    page.click("#ticket-form button[type=submit]")
    expect(page.locator("#ticket-status")).to_have_text("新建")
    expect(page.locator("#ticket-sla")).to_contain_text("首次响应")
    expect(page.locator("#ticket-sla")).to_contain_text("截止")
    page.click('#ticket-actions [data-to="in_progress"]')
    expect(page.locator("#ticket-status")).to_have_text("处理中")
    page.click('#ticket-actions [data-to="resolved"]')
    expect(page.locator("#ticket-status")).to_have_text("已解决")
    ticket = Ticket.objects.get(customer=customer)
    assert ticket.first_response_state == "met" and ticket.resolution_state == "met"
    expect(page.locator("#ticket-sla")).to_contain_text("已达标")
    # Closing the complaint schedules the revisit; it is done once the customer is called back.
    page.once("dialog", lambda d: d.accept())
    page.click('#ticket-actions [data-to="closed"]')
    expect(page.locator("#ticket-status")).to_have_text("已关闭")
    expect(page.locator("#ticket-revisits")).to_contain_text("待回访")
    page.goto("/service/revisits/?state=pending")
    expect(page.locator("#revisit-table")).to_contain_text(ticket.number or "")
    page.click(f"#revisit-table a[href='/service/tickets/{ticket.pk}/']")
    page.select_option("#revisit-satisfaction", "4")
    page.fill("#revisit-form input[name=comments]", "处理及时，满意")
    page.click("#revisit-form button[type=submit]")
    expect(page.locator("#revisit-score")).to_have_text("4")
    expect(page.locator("#ticket-revisits")).to_contain_text("处理及时，满意")
    page.goto("/service/revisits/report/")
    expect(page.locator("#report-table")).to_contain_text("4.0 / 5")


def test_unknown_caller_becomes_a_contact(page: Page, e2e_demo: Any) -> None:
    from crm.customers.models import Contact
    from crm.customers.services import customer_create

    customer = customer_create(actor=e2e_demo["rep_west_1"], name="成都蜀能贸易有限公司")
    sign_in(page, "agent")
    page.goto("/service/desk/")
    page.fill("#desk-caller", "028-6666 8888")
    page.click("#desk-search button[type=submit]")
    expect(page.locator("#desk-unknown")).to_be_visible()
    page.fill("#desk-find input[name=find]", "蜀能")
    page.click("#desk-find button[type=submit]")
    page.fill("#desk-contact-form input[name=name]", "赵六")
    page.click("#desk-contact-form button[type=submit]")
    expect(page.locator("#desk-customer")).to_contain_text("赵六")
    assert Contact.objects.get(customer=customer, name="赵六").landline == "02866668888"
