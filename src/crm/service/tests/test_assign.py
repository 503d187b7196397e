"""Handing a ticket to a queue or an agent (SVC-1 assignment): the service's rules, the page's
form with its agent list that follows the queue, and the API."""

from typing import Any

import pytest

from crm.core.errors import Conflict, StaleVersion, ValidationFailed
from crm.org.models import OrgUnit, Role, User
from crm.org.services import employee_create
from crm.service import services
from crm.service.models import StatusChange, Ticket, TicketStatus

pytestmark = pytest.mark.usefixtures("demo_once")


@pytest.fixture
def colleague(admin: Any, agent: Any) -> User:
    """A second agent of the call centre (the demo has one)."""
    return employee_create(
        username="agent_2",
        password="Demo@2026x",
        name="钱伟",
        unit=agent.unit,
        roles=[Role.objects.get(code="service_agent")],
        actor=admin,
    )


def test_assign_moves_status_with_the_agent(
    west_ticket: Ticket, agent: Any, colleague: User
) -> None:
    assert west_ticket.status == TicketStatus.NEW and west_ticket.owner_id is None
    t = services.ticket_assign(
        ticket=west_ticket, version=west_ticket.version, actor=agent, queue=agent.unit,
        owner=colleague, comment="设备类问题交钱伟",
    )  # fmt: skip
    assert t.owner_id == colleague.pk and t.status == TicketStatus.ASSIGNED
    change = StatusChange.objects.filter(ticket=t).latest("changed_at")
    assert (change.from_status, change.to_status, change.comment) == (
        TicketStatus.NEW, TicketStatus.ASSIGNED, "设备类问题交钱伟",
    )  # fmt: skip
    # Back to the queue without an agent: new again; the queue's unassigned tickets.
    t = services.ticket_assign(ticket=t, version=t.version, actor=agent, queue=agent.unit)
    assert t.owner_id is None and t.status == TicketStatus.NEW
    # A ticket being worked keeps its status when it changes hands.
    t = services.ticket_transition(ticket=t, to="in_progress", version=t.version, actor=agent)
    t = services.ticket_assign(
        ticket=t, version=t.version, actor=agent, queue=agent.unit, owner=colleague
    )
    assert t.status == TicketStatus.IN_PROGRESS and t.owner_id == colleague.pk


def test_assign_refuses_what_does_not_fit(
    west_ticket: Ticket, agent: Any, rep_west: Any, colleague: User
) -> None:
    version = west_ticket.version
    with pytest.raises(ValidationFailed) as exc:  # not an agent of that queue
        services.ticket_assign(
            ticket=west_ticket, version=version, actor=agent, queue=agent.unit, owner=rep_west
        )
    assert "owner_id" in exc.value.fields
    with pytest.raises(StaleVersion):
        services.ticket_assign(
            ticket=west_ticket, version=version + 5, actor=agent, queue=agent.unit
        )
    t = services.ticket_transition(ticket=west_ticket, to="resolved", version=version, actor=agent)
    with pytest.raises(Conflict):
        services.ticket_assign(
            ticket=t, version=t.version, actor=agent, queue=agent.unit, owner=colleague
        )
    t.refresh_from_db()
    assert t.owner_id == agent.pk and t.status == TicketStatus.RESOLVED  # unchanged


def test_assign_on_the_page(
    page_client: Any, west_ticket: Ticket, agent: Any, colleague: User, rep_west: Any
) -> None:
    client = page_client(agent)
    page = client.get(f"/service/tickets/{west_ticket.pk}/").content.decode()
    assert 'id="ticket-assign"' in page and f'value="{colleague.pk}"' in page
    # The agent list follows the chosen queue; a queue outside the user's scope lists nobody.
    options = client.get(
        f"/service/tickets/{west_ticket.pk}/agents/", {"queue": agent.unit_id}
    ).content.decode()
    assert "钱伟 (agent_2)" in options and "(rep_west_1)" not in options
    west_unit = OrgUnit.objects.get(pk=rep_west.unit_id)
    outside = client.get(f"/service/tickets/{west_ticket.pk}/agents/", {"queue": west_unit.pk})
    assert "(rep_west_1)" not in outside.content.decode()
    # Handed to the colleague: the page says so; a stale form changes nothing.
    url = f"/service/tickets/{west_ticket.pk}/assign/"
    body = {"queue": agent.unit_id, "owner": colleague.pk, "version": west_ticket.version}
    response = client.post(url, body, follow=True)
    assert "已交给 钱伟" in response.content.decode()
    west_ticket.refresh_from_db()
    assert west_ticket.owner_id == colleague.pk and west_ticket.status == TicketStatus.ASSIGNED
    stale = client.post(url, {**body, "owner": ""}, follow=True)
    assert "其他人已修改了它" in stale.content.decode()
    west_ticket.refresh_from_db()
    assert west_ticket.owner_id == colleague.pk
    bad = client.post(
        url, {**body, "version": west_ticket.version, "owner": rep_west.pk}, follow=True
    )
    assert "请选择该工单队列中的处理人。" in bad.content.decode()
    west_ticket.refresh_from_db()
    assert west_ticket.owner_id == colleague.pk


def test_assign_through_the_api(
    api_client: Any, west_ticket: Ticket, agent: Any, colleague: User, rep_west: Any
) -> None:
    client = api_client(agent)
    url = f"/api/v1/tickets/{west_ticket.pk}/assign"
    body = {"version": west_ticket.version, "queue_id": agent.unit_id, "owner_id": colleague.pk}
    response = client.post_json(url, body)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "assigned"
    wrong = client.post_json(
        url, {**body, "version": west_ticket.version + 1, "owner_id": rep_west.pk}
    )
    assert wrong.status_code == 422 and "owner_id" in wrong.json()["error"]["fields"]
    outside = client.post_json(
        url, {**body, "version": west_ticket.version + 1, "queue_id": rep_west.unit_id}
    )
    assert outside.status_code == 422 and "queue_id" in outside.json()["error"]["fields"]
    stale = client.post_json(url, body)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
