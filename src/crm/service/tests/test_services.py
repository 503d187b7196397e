"""Ticket services: numbering, status moves along allowed edges only, versions, first response."""

from typing import Any

import pytest

from crm.core.errors import Conflict, StaleVersion, ValidationFailed
from crm.customers import services as customer_services
from crm.service import services
from crm.service.models import EntryKind, StatusChange, Ticket, TicketCategory, TicketStatus

pytestmark = pytest.mark.usefixtures("demo_once")
S = TicketStatus


def test_seeded_types_have_categories(complaint: Any) -> None:
    assert complaint.name == "投诉"
    assert complaint.categories.filter(name="产品质量").exists()


def test_create_numbers_queues_and_logs(agent: Any, west_ticket: Ticket) -> None:
    t = Ticket.objects.get(pk=west_ticket.pk)
    assert t.number == f"T{t.pk:09d}"
    assert t.status == S.NEW and t.org_unit_id == agent.unit_id and t.owner is None
    log = list(StatusChange.objects.filter(ticket=t).values_list("from_status", "to_status"))
    assert log == [("", S.NEW)]


def test_create_with_owner_is_assigned(agent: Any, west_customer: Any, complaint: Any) -> None:
    t = services.ticket_create(
        actor=agent, customer=west_customer, title="x", type=complaint, owner=agent
    )
    assert t.status == S.ASSIGNED and t.owner == agent


def test_create_refuses_foreign_contact_and_category(
    agent: Any, west_customer: Any, east_customer: Any, complaint: Any
) -> None:
    other = customer_services.contact_create(actor=agent, customer=east_customer, name="王强")
    wrong_category = TicketCategory.objects.exclude(type=complaint).first()
    with pytest.raises(ValidationFailed) as exc:
        services.ticket_create(
            actor=agent,
            customer=west_customer,
            title=" ",
            type=complaint,
            contact=other,
            category=wrong_category,
        )
    assert set(exc.value.fields) == {"title", "contact_id", "category_id"}
    assert not Ticket.objects.filter(customer=west_customer).exists()


def test_full_path_and_reopen(agent: Any, west_ticket: Ticket) -> None:
    t = west_ticket
    for to in (S.ASSIGNED, S.IN_PROGRESS, S.WAITING, S.IN_PROGRESS, S.RESOLVED):
        t = services.ticket_transition(ticket=t, to=to, version=t.version, actor=agent)
    assert t.owner == agent and t.resolved_at is not None and t.closed_at is None
    t = services.ticket_transition(ticket=t, to=S.CLOSED, version=t.version, actor=agent)
    assert t.closed_at is not None
    t = services.ticket_transition(
        ticket=t, to=S.IN_PROGRESS, version=t.version, actor=agent, comment="客户再次来电"
    )
    assert t.status == S.IN_PROGRESS and t.resolved_at is None and t.closed_at is None
    log = list(t.status_changes.values_list("to_status", flat=True))
    assert log == [S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.WAITING, S.IN_PROGRESS, S.RESOLVED,
                   S.CLOSED, S.IN_PROGRESS]  # fmt: skip
    assert t.status_changes.last().comment == "客户再次来电"  # type: ignore[union-attr]
    assert all(c.changed_by_id == agent.pk for c in t.status_changes.all())


@pytest.mark.parametrize(
    ("path", "refused"),
    [((), S.WAITING), ((S.RESOLVED,), S.ASSIGNED), ((S.RESOLVED, S.CLOSED), S.RESOLVED)],
)
def test_refused_edges(agent: Any, west_ticket: Ticket, path: tuple, refused: str) -> None:
    t = west_ticket
    for to in path:
        t = services.ticket_transition(ticket=t, to=to, version=t.version, actor=agent)
    with pytest.raises(Conflict) as exc:
        services.ticket_transition(ticket=t, to=refused, version=t.version, actor=agent)
    assert exc.value.code == "invalid_transition"
    assert Ticket.objects.get(pk=t.pk).status == t.status
    assert t.status_changes.count() == len(path) + 1


def test_stale_version_refused(agent: Any, west_ticket: Ticket) -> None:
    old = west_ticket.version
    services.ticket_update(ticket=west_ticket, version=old, actor=agent, priority="high")
    with pytest.raises(StaleVersion):
        services.ticket_transition(ticket=west_ticket, to=S.ASSIGNED, version=old, actor=agent)
    assert Ticket.objects.get(pk=west_ticket.pk).status == S.NEW
    assert west_ticket.status_changes.count() == 1


def test_reply_sets_first_response_once_note_does_not(agent: Any, west_ticket: Ticket) -> None:
    services.entry_add(ticket=west_ticket, kind=EntryKind.NOTE, body="内部备注", actor=agent)
    assert Ticket.objects.get(pk=west_ticket.pk).first_response_at is None
    services.entry_add(ticket=west_ticket, kind=EntryKind.REPLY, body="您好", actor=agent)
    first = Ticket.objects.get(pk=west_ticket.pk).first_response_at
    assert first is not None
    services.entry_add(ticket=west_ticket, kind=EntryKind.REPLY, body="再次", actor=agent)
    assert Ticket.objects.get(pk=west_ticket.pk).first_response_at == first
    with pytest.raises(ValidationFailed):
        services.entry_add(ticket=west_ticket, kind=EntryKind.REPLY, body="  ", actor=agent)


def test_new_type_drops_category_of_old_type(
    agent: Any, west_customer: Any, complaint: Any
) -> None:
    quality = complaint.categories.get(name="产品质量")
    t = services.ticket_create(
        actor=agent, customer=west_customer, title="x", type=complaint, category=quality
    )
    repair = type(complaint).objects.get(code="repair")
    t = services.ticket_update(ticket=t, version=t.version, actor=agent, type=repair)
    assert t.type == repair and t.category is None


def test_agent_must_belong_to_the_queue(
    agent: Any, rep_west: Any, west_customer: Any, west_ticket: Ticket, complaint: Any
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.ticket_create(
            actor=agent, customer=west_customer, title="x", type=complaint, owner=rep_west
        )
    assert "owner_id" in exc.value.fields
    with pytest.raises(ValidationFailed):
        services.ticket_transition(
            ticket=west_ticket, to=S.ASSIGNED, version=west_ticket.version, actor=agent,
            owner=rep_west,
        )  # fmt: skip
    assert Ticket.objects.get(pk=west_ticket.pk).status == S.NEW
