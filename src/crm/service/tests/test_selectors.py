"""Ticket scope: queue (service scope) plus the customers a user sees; edit only in the queue."""

from typing import Any

import pytest

from crm.service import selectors
from crm.service.models import Ticket

pytestmark = pytest.mark.usefixtures("demo_once")


def test_who_sees_a_west_ticket(demo: Any, west_ticket: Ticket) -> None:
    seen = {
        name
        for name, user in demo.items()
        if selectors.tickets_for_user(user).filter(pk=west_ticket.pk).exists()
    }
    assert seen == {"admin", "leader", "agent", "mgr_west", "rep_west_1"}


def test_one_customers_tickets_are_seen_by_the_same_people(
    demo: Any, west_ticket: Ticket, east_customer: Any
) -> None:
    """The 360° tab's path (a customer the user sees: no scope subquery) agrees with the
    general one, and another unit's customer gives nothing."""
    west = west_ticket.customer_id
    for name, user in demo.items():
        narrowed = set(selectors.tickets_for_user(user, customer=west).values_list("pk", flat=True))
        general = set(
            selectors.tickets_for_user(user).filter(customer=west).values_list("pk", flat=True)
        )
        assert narrowed == general, name
    assert not selectors.tickets_for_user(demo["rep_east_1"], customer=west).exists()
    assert not selectors.tickets_for_user(demo["rep_west_1"], customer=east_customer.pk).exists()


def test_who_may_edit(demo: Any, west_ticket: Ticket) -> None:
    editors = {name for name, user in demo.items() if selectors.can_edit(user, west_ticket)}
    assert editors == {"admin", "agent"}


def test_list_query_count_does_not_grow(
    agent: Any, west_ticket: Ticket, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        rows = list(selectors.ticket_list(agent, selectors.TicketFilters())[:20])
        assert [str(r.customer) for r in rows] and [r.type.name for r in rows]
