"""SLA through the API and the pages: clocks on tickets, the overdue filter and due ordering,
compliance figures, and the settings (calendar, days, policy, queue manager) with stale
versions refused; query counts do not grow with rows."""

from typing import Any

import pytest
from django.utils import timezone

from crm.service import services
from crm.service.models import QueueEscalation, ServiceCalendar, SlaPolicy, SlaState, Ticket

pytestmark = pytest.mark.usefixtures("demo_once")


def test_ticket_api_shows_clocks_filters_and_orders(
    api_client: Any, agent: Any, west_customer: Any, complaint: Any
) -> None:
    client = api_client(agent)
    late = services.ticket_create(actor=agent, customer=west_customer, title="超时", type=complaint)
    calm = services.ticket_create(
        actor=agent, customer=west_customer, title="不急", type=complaint, priority="low"
    )
    Ticket.objects.filter(pk=late.pk).update(
        resolution_state=SlaState.BREACHED, resolution_due_at=timezone.now()
    )
    r = client.get(f"/api/v1/tickets/{calm.pk}")
    body = r.json()
    assert body["first_response_state"] == "ok" and body["resolution_due_at"]
    r = client.get("/api/v1/tickets?sla=breached")
    assert [t["id"] for t in r.json()["items"]] == [late.pk]
    r = client.get("/api/v1/tickets?ordering=due")
    assert [t["id"] for t in r.json()["items"]][:2] == [late.pk, calm.pk]
    assert client.get("/api/v1/tickets?sla=bogus").status_code == 422


def test_compliance_api(api_client: Any, agent: Any, west_ticket: Ticket) -> None:
    Ticket.objects.filter(pk=west_ticket.pk).update(first_response_state=SlaState.MET)
    r = api_client(agent).get("/api/v1/sla/compliance?group=priority")
    assert r.status_code == 200
    (row,) = r.json()
    assert row["key"] == "normal" and row["first_response_percent"] == 100.0
    assert row["resolution_percent"] is None
    assert api_client(agent).get("/api/v1/sla/compliance?group=x").status_code == 422
    assert api_client(agent).get("/api/v1/sla/compliance?since=2026-13-01").status_code == 422


def test_settings_api_versions(api_client: Any, admin: Any) -> None:
    client = api_client(admin)
    r = client.post_json(
        "/api/v1/sla/calendars",
        {"name": "24×7", "tz": "Asia/Shanghai", "hours": {str(d): "00:00-24:00" for d in range(7)}},
    )
    assert r.status_code == 201, r.content
    cal = r.json()
    assert cal["hours"]["6"] == [["00:00", "24:00"]]
    bad = client.post_json("/api/v1/sla/calendars", {"name": "x", "hours": {"0": "17:00-09:00"}})
    assert bad.status_code == 422 and "day_0" in bad.json()["error"]["fields"]
    url = f"/api/v1/sla/calendars/{cal['id']}"
    ok = client.patch_json(
        url, {"version": cal["version"], "name": "全天", "hours": {"0": "08:00-20:00"}}
    )
    assert ok.status_code == 200 and ok.json()["name"] == "全天"
    stale = client.patch_json(
        url, {"version": cal["version"], "name": "y", "hours": {"0": "08:00-20:00"}}
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    r = client.post_json(f"{url}/days", {"date": "2026-10-01", "kind": "holiday"})
    assert r.status_code == 201 and r.json()["days"][0]["kind"] == "holiday"
    assert client.delete(f"{url}/days/2026-10-01").json()["days"] == []
    policy = SlaPolicy.objects.filter(type__isnull=True, priority="").first()
    assert policy is not None
    r = client.patch_json(
        f"/api/v1/sla/policies/{policy.pk}",
        {"version": policy.version, "calendar_id": cal["id"], "warn_percent": 60},
    )
    assert r.status_code == 200 and r.json()["calendar"]["id"] == cal["id"]
    r = client.patch_json(
        f"/api/v1/sla/policies/{policy.pk}", {"version": policy.version, "warn_percent": 70}
    )
    assert r.status_code == 409
    dup = client.post_json(
        "/api/v1/sla/policies",
        {
            "priority": "urgent",
            "calendar_id": cal["id"],
            "first_response_minutes": 5,
            "resolution_minutes": 50,
        },
    )
    assert dup.status_code == 422 and "priority" in dup.json()["error"]["fields"]


def test_ticket_pages_show_clocks(
    page_client: Any,
    agent: Any,
    west_customer: Any,
    complaint: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = page_client(agent)
    for i in range(3):
        services.ticket_create(actor=agent, customer=west_customer, title=f"t{i}", type=complaint)
    t = Ticket.objects.filter(customer=west_customer).first()
    assert t is not None
    with django_assert_max_num_queries(25) as few:
        client.get("/service/tickets/?sort=due")
    for i in range(10):
        services.ticket_create(actor=agent, customer=west_customer, title=f"u{i}", type=complaint)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get("/service/tickets/?sort=due")
    assert 'class="small text-nowrap sla-cell"' in r.content.decode()
    r = client.get(f"/service/tickets/{t.pk}/")
    assert 'id="ticket-sla"' in r.content.decode() and "SLA" in r.content.decode()
    r = client.get("/service/tickets/?sla=breached")
    assert 'id="ticket-empty"' in r.content.decode()
    r = client.get("/service/sla/?group=type&since=2020-01-01&until=bogus")
    assert r.status_code == 200 and 'id="sla-table"' in r.content.decode()


def test_settings_pages(page_client: Any, admin: Any, leader: Any, agent: Any) -> None:
    client = page_client(admin)
    page = client.get("/service/sla/settings/").content.decode()
    title = page[page.index("<title>") : page.index("</title>")]
    # the revisit lead-time form is on the page, not inside its <title>
    assert "revisit-days-form" not in title and 'id="revisit-days-form"' in page
    r = client.post(
        "/service/sla/calendars/new/",
        {"name": "夜班", "tz": "Asia/Shanghai", "day_0": "20:00-24:00"},
    )
    assert r.status_code == 302
    cal = ServiceCalendar.objects.get(name="夜班")
    bad = client.post(
        f"/service/sla/calendars/{cal.pk}/",
        {"version": cal.version, "name": "夜班", "tz": "Asia/Shanghai", "day_1": "bad"},
    )
    assert bad.status_code == 422
    stale = client.post(
        f"/service/sla/calendars/{cal.pk}/",
        {"version": 0, "name": "夜班", "tz": "UTC", "day_0": "20:00-24:00"},
    )
    assert stale.status_code == 409
    client.post(f"/service/sla/calendars/{cal.pk}/days/", {"date": "2026-05-01", "kind": "holiday"})
    assert cal.days.count() == 1
    client.post(f"/service/sla/calendars/{cal.pk}/days/", {"delete": "2026-05-01"})
    assert cal.days.count() == 0
    r = client.post(
        "/service/sla/policies/new/",
        {
            "priority": "",
            "calendar": cal.pk,
            "first_response_minutes": 1,
            "resolution_minutes": 2,
            "warn_percent": 80,
        },
    )
    assert r.status_code == 422  # the fallback exists already
    client.post("/service/sla/managers/", {"queue": agent.unit_id, "manager": leader.pk})
    assert QueueEscalation.objects.get(org_unit=agent.unit_id).manager == leader
    client.post("/service/sla/managers/", {"queue": agent.unit_id, "manager": ""})
    assert not QueueEscalation.objects.filter(org_unit=agent.unit_id).exists()
