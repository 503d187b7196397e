"""The call-centre desk in the browser: the agent types a known caller's number → the caller is
found → the call is logged → a complaint ticket is opened from the desk → it shows its SLA
clocks → resolved → closed, which schedules the revisit → on the day it is due it is on the
service home page → satisfaction recorded. An unknown caller is captured as a new contact.
Also the service home page (agent's queue, a manager's charts) and the SLA settings and
compliance pages."""

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
    from django.utils import timezone

    from crm.customers.models import Interaction
    from crm.customers.services import contact_create, customer_create
    from crm.service.models import Revisit, Ticket

    customer = customer_create(actor=e2e_demo["rep_west_1"], name="成都蜀能贸易有限公司")
    contact_create(
        customer=customer, actor=e2e_demo["rep_west_1"], name="王强", mobile="13912345678"
    )
    sign_in(page, "agent")
    page.goto("/service/desk/")
    page.fill("#desk-caller", "+86 139-1234-5678")
    page.click("#desk-search button[type=submit]")
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
    # The revisit is due three days later: on that day it is on the agent's service home.
    Revisit.objects.filter(ticket=ticket).update(due_date=timezone.localdate())
    page.goto("/service/")
    expect(page.locator("#home-count-revisits")).to_have_text("1")
    expect(page.locator("#home-revisits")).to_contain_text(ticket.number or "")
    page.click(f"#home-revisits a[href='/service/tickets/{ticket.pk}/']")
    page.select_option("#revisit-satisfaction", "4")
    page.fill("#revisit-form input[name=comments]", "处理及时，满意")
    page.click("#revisit-form button[type=submit]")
    expect(page.locator("#revisit-score")).to_have_text("4")
    expect(page.locator("#ticket-revisits")).to_contain_text("处理及时，满意")
    page.goto("/service/revisits/report/")
    expect(page.locator("#report-table")).to_contain_text("4.0 / 5")
    page.goto("/service/")
    expect(page.locator("#home-revisits-empty")).to_be_visible()


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


def test_service_home_queue_and_charts(new_page: Any, e2e_demo: Any) -> None:
    from crm.customers.services import customer_create
    from crm.service import services
    from crm.service.models import TicketType

    agent = e2e_demo["agent"]
    customer = customer_create(actor=e2e_demo["rep_west_1"], name="成都蜀能贸易有限公司")
    complaint = TicketType.objects.get(code="complaint")
    mine = services.ticket_create(
        actor=agent, customer=customer, title="润滑油变质", type=complaint, owner=agent,
        priority="high",
    )  # fmt: skip
    queued = services.ticket_create(
        actor=agent,
        customer=customer,
        title="到货延误",
        type=TicketType.objects.get(code="inquiry"),
    )
    page = new_page()
    sign_in(page, "agent")
    page.goto("/service/")
    expect(page.locator("h1")).to_have_text("服务首页")
    expect(page.locator("#home-count-mine")).to_have_text("1")
    expect(page.locator("#home-count-unassigned")).to_have_text("1")
    expect(page.locator(f'#home-queue-table tr[data-ticket="{mine.pk}"]')).to_contain_text("高")
    row = page.locator(f'#home-queue-table tr[data-ticket="{queued.pk}"]')
    expect(row).to_contain_text("未分配")
    row.locator("a").click()
    expect(page.locator("#ticket-status")).to_have_text("新建")
    page.goto("/service/")
    page.click("#home-count-mine")
    expect(page.locator("#ticket-table")).to_contain_text(mine.number or "")

    leader = new_page()
    sign_in(leader, "leader")
    leader.goto("/service/")
    expect(leader.locator("#home-stats-created")).to_have_text("2")
    for chart in ("types", "status", "causes"):
        drawn = leader.locator(f'[data-echarts="chart-{chart}"]')
        expect(drawn).to_have_attribute("data-drawn", "1")
        expect(drawn.locator("svg")).to_have_count(1)
    expect(leader.locator("#home-causes-table")).to_contain_text("1")
    expect(leader.locator("#home-queue")).to_have_count(0)


def test_sla_settings_and_compliance(page: Page, e2e_demo: Any) -> None:
    from crm.customers.services import customer_create
    from crm.service import services
    from crm.service.models import SlaPolicy, TicketType

    agent = e2e_demo["agent"]
    customer = customer_create(actor=e2e_demo["rep_west_1"], name="成都蜀能贸易有限公司")
    ticket = services.ticket_create(
        actor=agent, customer=customer, title="润滑油变质",
        type=TicketType.objects.get(code="complaint"), owner=agent,
    )  # fmt: skip
    services.ticket_transition(ticket=ticket, to="in_progress", version=ticket.version, actor=agent)
    policy = SlaPolicy.objects.filter(type__isnull=True, priority="").first() or (
        SlaPolicy.objects.first()
    )
    assert policy is not None
    sign_in(page, "admin")
    page.goto("/service/sla/settings/")
    expect(page.locator("#sla-policies")).to_be_visible()
    page.click(f"#sla-policies a[href='/service/sla/policies/{policy.pk}/']")
    page.fill("#id_first_response_minutes", "90")
    page.click("#policy-form button[type=submit]")
    expect(page.locator("#sla-policies")).to_be_visible()
    policy.refresh_from_db()
    assert policy.first_response_minutes == 90
    page.click("#sla-calendars a")
    page.fill("#calendar-day-form input[name=date]", "2027-01-01")
    page.select_option("#calendar-day-form select[name=kind]", "holiday")
    page.fill("#calendar-day-form input[name=note]", "元旦")
    page.click("#calendar-day-form button[type=submit]")
    expect(page.locator("#calendar-days")).to_contain_text("元旦")

    page.goto("/service/sla/")
    expect(page.locator("#sla-table")).to_contain_text("100.0 %")
    page.select_option("#sla-group", "type")
    page.click("#sla-filters button[type=submit]")
    expect(page.locator("#sla-table")).to_contain_text("投诉")
    page.fill("#sla-since", "2000-01-01")
    page.fill("#sla-until", "2000-12-31")
    page.click("#sla-filters button[type=submit]")
    expect(page.locator("#sla-empty")).to_be_visible()
