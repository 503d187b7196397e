"""Ticket pages: list with filters and empty state, create from the customer, detail with the
timeline and actions, status moves (stale version → message), replies; the 360° tab."""

from typing import Any

import pytest
from django.utils import translation

from crm.service.models import Ticket, TicketStatus

pytestmark = pytest.mark.usefixtures("demo_once")


def test_list_empty_state_and_filters(page_client: Any, agent: Any, west_ticket: Ticket) -> None:
    client = page_client(agent)
    r = client.get("/service/tickets/")
    assert r.status_code == 200 and west_ticket.number in r.content.decode()
    r = client.get("/service/tickets/", {"view": "mine"})
    assert (
        'id="ticket-empty"' in r.content.decode() and west_ticket.number not in r.content.decode()
    )
    r = client.get("/service/tickets/", {"status": "new", "priority": "normal", "sort": "priority"})
    assert west_ticket.number in r.content.decode()
    r = client.get("/service/tickets/", {"type": "9" * 30, "priority": "bogus"})
    assert r.status_code == 200 and west_ticket.number in r.content.decode()
    r = client.get("/service/tickets/", {"view": "queue", "page": "x"})
    assert r.status_code == 200 and west_ticket.number in r.content.decode()


def test_create_from_customer_then_work_it(
    page_client: Any, agent: Any, west_customer: Any, complaint: Any
) -> None:
    client = page_client(agent)
    tab = client.get(f"/customers/{west_customer.pk}/tabs/tickets/")
    assert f"/service/tickets/new/?customer={west_customer.pk}" in tab.content.decode()
    form = client.get(f"/service/tickets/new/?customer={west_customer.pk}")
    assert form.status_code == 200 and west_customer.name in form.content.decode()
    bad = client.post("/service/tickets/new/", {"customer": west_customer.pk, "title": ""})
    assert bad.status_code == 422
    r = client.post(
        "/service/tickets/new/",
        {
            "customer": west_customer.pk,
            "title": "润滑油变质",
            "type": complaint.pk,
            "channel": "phone",
            "priority": "high",
        },  # fmt: skip
    )
    t = Ticket.objects.get(customer=west_customer)
    assert r.status_code == 302 and r["Location"] == f"/service/tickets/{t.pk}/"
    detail = client.get(r["Location"]).content.decode()
    assert 'data-to="resolved"' in detail and "confirm(" in detail
    client.post(f"/service/tickets/{t.pk}/entries/", {"kind": "reply", "body": "已安排工程师"})
    r = client.post(
        f"/service/tickets/{t.pk}/transition/", {"to": "resolved", "version": t.version}
    )
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.status == TicketStatus.RESOLVED and t.first_response_at is not None
    page = client.get(f"/service/tickets/{t.pk}/").content.decode()
    assert "已安排工程师" in page and 'id="ticket-status"' in page
    stale = client.post(
        f"/service/tickets/{t.pk}/transition/", {"to": "closed", "version": 1}, follow=True
    )
    with translation.override("zh-hans"):
        assert Ticket.objects.get(pk=t.pk).status == TicketStatus.RESOLVED
    assert "alert" in stale.content.decode()
    tab = client.get(f"/customers/{west_customer.pk}/tabs/tickets/").content.decode()
    assert t.number in tab


def test_rep_reads_without_actions(page_client: Any, rep_west: Any, west_ticket: Ticket) -> None:
    client = page_client(rep_west)
    page = client.get(f"/service/tickets/{west_ticket.pk}/").content.decode()
    assert west_ticket.title in page and 'id="ticket-actions"' not in page
    assert 'id="entry-form"' not in page
    r = client.post(f"/service/tickets/{west_ticket.pk}/entries/", {"kind": "note", "body": "x"})
    assert r.status_code == 403


def test_pages_speak_chinese(page_client: Any, agent: Any, west_ticket: Ticket) -> None:
    page = page_client(agent).get(f"/service/tickets/{west_ticket.pk}/").content.decode()
    assert "新建" in page and "处理中" in page and "首次响应" in page
    assert "投诉" in page and "工单" in page
