"""Complaint revisits: scheduled on close (lead time per type), cancelled on reopen, recorded
once with satisfaction 1–5, the reminder source, the report, the API and pages."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from crm.core.errors import Conflict, StaleVersion, ValidationFailed
from crm.service import selectors_revisit, services, services_revisit
from crm.service.models import Revisit, RevisitStatus, Ticket, TicketType

pytestmark = pytest.mark.usefixtures("demo_once")
S = "resolved", "closed", "in_progress"


def _close(ticket: Ticket, agent: Any) -> Ticket:
    for to in ("resolved", "closed"):
        ticket = services.ticket_transition(
            ticket=ticket, to=to, version=ticket.version, actor=agent
        )
    return ticket


def test_close_schedules_reopen_cancels(agent: Any, west_ticket: Ticket) -> None:
    t = _close(west_ticket, agent)
    r = Revisit.objects.get(ticket=t)
    assert r.status == RevisitStatus.SCHEDULED and r.owner == agent
    assert r.due_date == timezone.localdate() + timedelta(days=3)
    t = services.ticket_transition(ticket=t, to="in_progress", version=t.version, actor=agent)
    assert Revisit.objects.get(pk=r.pk).status == RevisitStatus.CANCELLED
    _close(Ticket.objects.get(pk=t.pk), agent)
    assert Revisit.objects.filter(ticket=t, status=RevisitStatus.SCHEDULED).count() == 1


def test_types_without_lead_time_are_not_revisited(agent: Any, west_customer: Any) -> None:
    inquiry = TicketType.objects.get(code="inquiry")
    t = services.ticket_create(actor=agent, customer=west_customer, title="x", type=inquiry)
    _close(t, agent)
    assert not Revisit.objects.filter(ticket=t).exists()
    services_revisit.type_set_revisit_days(ticket_type=inquiry, days=1, actor=agent)
    with pytest.raises(ValidationFailed):
        services_revisit.type_set_revisit_days(ticket_type=inquiry, days=400, actor=agent)


def test_record_once(agent: Any, west_ticket: Ticket) -> None:
    _close(west_ticket, agent)
    r = Revisit.objects.get(ticket=west_ticket)
    with pytest.raises(ValidationFailed):
        services_revisit.revisit_record(
            revisit=r, version=r.version, satisfaction=6, comments="", actor=agent
        )
    with pytest.raises(StaleVersion):
        services_revisit.revisit_record(
            revisit=r, version=r.version + 1, satisfaction=4, comments="", actor=agent
        )
    done = services_revisit.revisit_record(
        revisit=r, version=r.version, satisfaction=4, comments=" 满意 ", actor=agent
    )
    assert (done.status, done.satisfaction, done.comments) == (RevisitStatus.DONE, 4, "满意")
    with pytest.raises(Conflict):
        services_revisit.revisit_record(
            revisit=done, version=done.version, satisfaction=5, comments="", actor=agent
        )


def test_reminder_source(agent: Any, west_ticket: Ticket) -> None:
    _close(west_ticket, agent)
    r = Revisit.objects.get(ticket=west_ticket)
    assert list(selectors_revisit.reminders(r.due_date - timedelta(days=1))) == []
    (item,) = list(selectors_revisit.reminders(r.due_date))
    assert item.user_id == agent.pk and item.key == f"service-revisit:{r.pk}"
    assert item.url == f"/service/tickets/{west_ticket.pk}/"


def test_report_by_cause_and_product(
    agent: Any, mgr_east: Any, west_customer: Any, complaint: Any
) -> None:
    quality, late = (
        complaint.categories.get(name="产品质量"),
        complaint.categories.get(name="交货延误"),
    )
    made = []
    for category in (quality, quality, late):
        t = services.ticket_create(
            actor=agent, customer=west_customer, title="x", type=complaint, category=category
        )
        made.append(_close(t, agent))
    for t, score in ((made[0], 2), (made[2], 5)):
        r = Revisit.objects.get(ticket=t)
        services_revisit.revisit_record(
            revisit=r, version=r.version, satisfaction=score, comments="", actor=agent
        )
    rows = {r.label: r for r in selectors_revisit.complaint_report(agent, group="cause")}
    assert (
        rows["产品质量"].complaints,
        rows["产品质量"].revisited,
        rows["产品质量"].satisfaction,
    ) == (2, 1, 2.0)
    assert (rows["交货延误"].complaints, rows["交货延误"].satisfaction) == (1, 5.0)
    (by_product,) = selectors_revisit.complaint_report(agent, group="product")
    assert by_product.complaints == 3 and by_product.satisfaction == 3.5
    assert selectors_revisit.complaint_report(agent, group="cause", since=date(2100, 1, 1)) == []
    assert selectors_revisit.complaint_report(mgr_east, group="cause") == []


def test_api_and_pages(
    api_client: Any, page_client: Any, agent: Any, mgr_west: Any, west_ticket: Ticket
) -> None:
    _close(west_ticket, agent)
    r = Revisit.objects.get(ticket=west_ticket)
    client = api_client(agent)
    listed = client.get("/api/v1/revisits?state=pending").json()
    assert [i["id"] for i in listed["items"]] == [r.pk]
    assert client.get("/api/v1/revisits?state=due").json()["count"] == 0
    refused = api_client(mgr_west).post_json(
        f"/api/v1/revisits/{r.pk}/record", {"version": r.version, "satisfaction": 3}
    )
    assert refused.status_code == 403
    bad = client.post_json(
        f"/api/v1/revisits/{r.pk}/record", {"version": r.version, "satisfaction": 0}
    )
    assert bad.status_code == 422
    ok = client.post_json(
        f"/api/v1/revisits/{r.pk}/record",
        {"version": r.version, "satisfaction": 5, "comments": "很好"},
    )
    assert ok.status_code == 200 and ok.json()["status"] == "done"
    again = client.post_json(
        f"/api/v1/revisits/{r.pk}/record", {"version": ok.json()["version"], "satisfaction": 5}
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "revisit_done"
    report = client.get("/api/v1/revisits/report?group=month").json()
    assert report[0]["complaints"] == 1 and report[0]["satisfaction"] == 5.0
    pages = page_client(agent)
    assert "revisit-table" in pages.get("/service/revisits/?state=done").content.decode()
    assert 'id="revisit-empty"' in pages.get("/service/revisits/").content.decode()
    detail = pages.get(f"/service/tickets/{west_ticket.pk}/").content.decode()
    assert 'id="revisit-score"' in detail
    assert (
        'id="report-table"' in pages.get("/service/revisits/report/?group=product").content.decode()
    )


def test_record_page(page_client: Any, agent: Any, admin: Any, west_ticket: Ticket) -> None:
    _close(west_ticket, agent)
    r = Revisit.objects.get(ticket=west_ticket)
    client = page_client(agent)
    assert 'id="revisit-form"' in client.get(f"/service/tickets/{west_ticket.pk}/").content.decode()
    res = client.post(
        f"/service/revisits/{r.pk}/record/", {"version": r.version, "satisfaction": "4"}
    )
    assert res.status_code == 302 and Revisit.objects.get(pk=r.pk).satisfaction == 4
    settings = page_client(admin)
    complaint = TicketType.objects.get(code="complaint")
    settings.post("/service/sla/revisit-days/", {f"type_{complaint.pk}": "7"})
    assert TicketType.objects.get(pk=complaint.pk).revisit_days == 7
