"""The demo tickets: proportional to the customers, consistent, idempotent, in the agent's
queue."""

from typing import Any

import pytest

from crm.customers.demo import load_customers
from crm.service import selectors
from crm.service.demo import load_tickets
from crm.service.models import StatusChange, Ticket, TicketStatus

pytestmark = pytest.mark.usefixtures("demo_once")


def test_load_tickets(agent: Any) -> None:
    load_customers(400)
    made = load_tickets(customers=400)
    n = Ticket.objects.count()
    assert made["tickets"] == n and 25 <= n <= 45  # about one per ten customers
    assert load_tickets(customers=400)["tickets"] == 0
    last = {c.ticket_id: c.to_status for c in StatusChange.objects.order_by("changed_at", "id")}
    for t in Ticket.objects.all():
        assert t.number == f"T{t.pk:09d}" and last[t.pk] == t.status
        assert (t.first_response_at is None) == (t.status == TicketStatus.NEW)
        assert (t.closed_at is not None) == (t.status == TicketStatus.CLOSED)
    assert selectors.ticket_list(agent, selectors.TicketFilters()).count() == n
    assert len(set(Ticket.objects.values_list("status", flat=True))) >= 4


def test_demo_clocks_match_the_history(agent: Any) -> None:
    from crm.service import sla

    load_customers(200)
    load_tickets(customers=200)
    fields = ("sla_policy_id", "first_response_due_at", "resolution_due_at",
              "resolution_paused_left")  # fmt: skip
    tickets = list(Ticket.objects.all())
    assert tickets and all(t.sla_policy_id for t in tickets)
    for t in tickets:
        stored = {f: getattr(t, f) for f in fields}
        sla.recompute(t, now=t.updated_at)
        t.refresh_from_db()
        assert stored == {f: getattr(t, f) for f in fields}, t.number


def test_demo_revisits_closed_complaints(agent: Any) -> None:
    from crm.service.models import Revisit, RevisitStatus

    load_customers(400)
    load_tickets(customers=400)
    closed = Ticket.objects.filter(status=TicketStatus.CLOSED, type__code="complaint")
    assert Revisit.objects.count() == closed.count()
    done = Revisit.objects.filter(status=RevisitStatus.DONE)
    assert all(1 <= r.satisfaction <= 5 for r in done)  # type: ignore[operator]
