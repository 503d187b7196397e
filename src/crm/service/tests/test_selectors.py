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


def test_service_scope_all_sees_every_ticket_whatever_its_customer_scope(
    demo: Any, west_ticket: Ticket
) -> None:
    """A service desk role over every queue with customers of its own only: the tickets of
    customers it does not own are still its tickets (`Q() | Q(x)` is just `Q(x)`)."""
    from crm.org.models import Role, RolePermission, User

    role = Role.objects.create(code="desk_all", name="全部队列")
    RolePermission.objects.create(role=role, module="service", can_view=True, scope="all")
    RolePermission.objects.create(role=role, module="customers", can_view=True, scope="own")
    user = User.objects.create(username="desk_all", unit=demo["rep_east_1"].unit)
    user.roles.add(role)
    assert selectors.tickets_for_user(user).filter(pk=west_ticket.pk).exists()
    assert not selectors.tickets_for_user(demo["rep_east_1"]).filter(pk=west_ticket.pk).exists()
