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


def test_tickets_per_customer_at_scale(agent: Any) -> None:
    """`--tickets-per-customer 2`: every customer 1–3 tickets (2 on average) over three years,
    the old ones finished; a re-run adds none; the clocks match the history."""
    from datetime import timedelta

    from django.db.models import Count
    from django.utils import timezone

    from crm.customers.models import Customer
    from crm.service import sla
    from crm.service.demo import RECENT_DAYS

    load_customers(150)
    customers = Customer.objects.count()
    made = load_tickets(customers=customers, per_customer=2)
    per = dict(Ticket.objects.values_list("customer").annotate(n=Count("pk")))
    assert len(per) == customers and set(per.values()) <= {1, 2, 3}
    assert made["tickets"] == sum(per.values()) and 1.6 <= made["tickets"] / customers <= 2.4
    assert load_tickets(customers=customers, per_customer=2)["tickets"] == 0
    old = Ticket.objects.filter(created_at__lt=timezone.now() - timedelta(days=RECENT_DAYS + 1))
    assert old.exists() and not old.exclude(status__in=["resolved", "closed"]).exists()
    assert Ticket.objects.filter(created_at__lt=timezone.now() - timedelta(days=400)).exists()
    assert not Ticket.objects.filter(updated_at__gt=timezone.now()).exists()
    for t in Ticket.objects.order_by("id")[:40]:
        stored = (t.first_response_due_at, t.resolution_due_at, t.resolution_paused_left)
        sla.recompute(t, now=t.updated_at)
        t.refresh_from_db()
        assert stored == (t.first_response_due_at, t.resolution_due_at, t.resolution_paused_left)
