"""The tickets API: create, list with filters, detail, patch and transitions with version (409),
entries, scope (another unit's ticket → 404; reps read their customers' tickets only)."""

from typing import Any

import pytest

from crm.service.models import Ticket, TicketCategory, TicketType

pytestmark = pytest.mark.usefixtures("demo_once")


def test_agent_main_path(api_client: Any, agent: Any, west_customer: Any, complaint: Any) -> None:
    client = api_client(agent)
    category = complaint.categories.first()
    r = client.post_json(
        "/api/v1/tickets",
        {
            "customer_id": west_customer.pk,
            "title": "润滑油变质",
            "type_id": complaint.pk,
            "category_id": category.pk,
            "priority": "high",
            "channel": "phone",
        },
    )
    assert r.status_code == 201, r.content
    t = r.json()
    assert t["number"].startswith("T") and t["status"] == "new" and t["can_edit"] is True
    assert t["queue"]["id"] == agent.unit_id and t["category"]["id"] == category.pk
    assert "assigned" in t["allowed_transitions"] and "waiting" not in t["allowed_transitions"]
    url = f"/api/v1/tickets/{t['id']}"
    r = client.post_json(f"{url}/entries", {"kind": "reply", "body": "已收到，马上处理"})
    assert r.status_code == 201 and r.json()["kind"] == "reply"
    r = client.post_json(f"{url}/transition", {"to": "resolved", "version": t["version"]})
    assert r.status_code == 200, r.content
    done = r.json()
    assert done["status"] == "resolved" and done["first_response_at"] and done["resolved_at"]
    assert done["owner"]["id"] == agent.pk  # who works an unassigned ticket takes it
    assert [h["to_status"] for h in done["status_history"]] == ["new", "resolved"]
    stale = client.post_json(f"{url}/transition", {"to": "closed", "version": t["version"]})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    bad = client.post_json(f"{url}/transition", {"to": "waiting", "version": done["version"]})
    assert bad.status_code == 409 and bad.json()["error"]["code"] == "invalid_transition"
    entries = client.get(f"{url}/entries").json()
    assert [e["body"] for e in entries] == ["已收到，马上处理"]


def test_create_errors(api_client: Any, agent: Any, west_customer: Any, complaint: Any) -> None:
    client = api_client(agent)
    other = TicketCategory.objects.exclude(type=complaint).first()
    assert other is not None
    r = client.post_json(
        "/api/v1/tickets",
        {
            "customer_id": west_customer.pk,
            "title": "x",
            "type_id": complaint.pk,
            "category_id": other.pk,
            "product_id": 999999,
        },  # fmt: skip
    )
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) & {"category_id", "product_id"}
    r = client.post_json(
        "/api/v1/tickets", {"customer_id": 999999, "title": "x", "type_id": complaint.pk}
    )
    assert r.status_code == 404
    assert not Ticket.objects.exists()


def test_patch_with_version(api_client: Any, agent: Any, west_ticket: Ticket) -> None:
    client = api_client(agent)
    url = f"/api/v1/tickets/{west_ticket.pk}"
    r = client.patch_json(url, {"version": west_ticket.version, "priority": "urgent"})
    assert r.status_code == 200 and r.json()["priority"] == "urgent"
    r = client.patch_json(url, {"version": west_ticket.version, "priority": "low"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "stale_version"
    repair = TicketType.objects.get(code="repair")
    r = client.patch_json(url, {"version": west_ticket.version + 1, "type_id": repair.pk})
    assert r.status_code == 200 and r.json()["type"]["id"] == repair.pk


def test_list_filters_and_scope(
    api_client: Any,
    agent: Any,
    rep_west: Any,
    rep_east: Any,
    mgr_east: Any,
    west_ticket: Ticket,
    east_customer: Any,
    complaint: Any,
) -> None:
    from crm.service import services

    east = services.ticket_create(
        actor=agent, customer=east_customer, title="咨询价格", type=complaint, priority="urgent",
        owner=agent,
    )  # fmt: skip
    client = api_client(agent)
    ids = lambda r: [i["id"] for i in r.json()["items"]]  # noqa: E731
    assert set(ids(client.get("/api/v1/tickets"))) == {west_ticket.pk, east.pk}
    assert ids(client.get("/api/v1/tickets", {"mine": "true"})) == [east.pk]
    assert ids(client.get("/api/v1/tickets", {"priority": "urgent"})) == [east.pk]
    assert ids(client.get("/api/v1/tickets", {"status": "new"})) == [west_ticket.pk]
    assert ids(client.get("/api/v1/tickets", {"ordering": "priority"}))[0] == east.pk
    assert ids(client.get("/api/v1/tickets", {"search": west_ticket.number})) == [west_ticket.pk]
    assert ids(client.get("/api/v1/tickets", {"page_size": 1, "page": 2})) != []
    # A rep sees their own customers' tickets, read-only; not the other rep's.
    west_rep = api_client(rep_west)
    assert ids(west_rep.get("/api/v1/tickets")) == [west_ticket.pk]
    detail = west_rep.get(f"/api/v1/tickets/{west_ticket.pk}").json()
    assert detail["can_edit"] is False
    r = west_rep.post_json(
        f"/api/v1/tickets/{west_ticket.pk}/entries", {"kind": "note", "body": "x"}
    )
    assert r.status_code == 403
    assert api_client(rep_east).get(f"/api/v1/tickets/{west_ticket.pk}").status_code == 404
    assert api_client(mgr_east).get(f"/api/v1/tickets/{west_ticket.pk}").status_code == 404


def test_types(api_client: Any, agent: Any) -> None:
    r = api_client(agent).get("/api/v1/ticket-types")
    assert r.status_code == 200
    names = {t["code"]: t["name"] for t in r.json()}
    assert names == {"inquiry": "咨询", "complaint": "投诉", "repair": "维修",
                     "return": "退货", "suggestion": "建议"}  # fmt: skip
    assert all(t["categories"] for t in r.json())


def test_queue_must_be_in_scope(
    api_client: Any, agent: Any, mgr_west: Any, west_customer: Any, complaint: Any
) -> None:
    r = api_client(agent).post_json(
        "/api/v1/tickets",
        {
            "customer_id": west_customer.pk,
            "title": "x",
            "type_id": complaint.pk,
            "queue_id": mgr_west.unit_id,
        },  # fmt: skip
    )
    assert r.status_code == 422 and "queue_id" in r.json()["error"]["fields"]
