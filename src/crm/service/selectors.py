"""Every read of tickets, scoped to the user.

A user sees the tickets of the queues (units) their service scope covers, plus — if they may
view the service module at all — the tickets of the customers they see in the customers
module (a rep sees their own customers' tickets). Only the first kind may be edited.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet

from crm.core.access import get_access, get_in_scope, scope_q
from crm.core.modules import Action, Module
from crm.customers.models import Customer

from .models import (
    Call,
    SlaState,
    StatusChange,
    Ticket,
    TicketCategory,
    TicketEntry,
    TicketStatus,
    TicketType,
)

ORDERINGS = {
    "updated": "-updated_at",
    "created": "-created_at",
    "priority": "priority_rank",
    "number": "-number",
    "due": "resolution_due_at",
}
OPEN_STATUSES = [
    s for s in TicketStatus.values if s not in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
]


def _visible_q(user: Any, customer: int | None = None) -> Q:
    if not get_access(user).can(Module.SERVICE, Action.VIEW):
        return Q(pk__in=[])
    service = scope_q(user, Module.SERVICE)
    if not service:  # scope "all": every ticket (Q() | Q(x) would be just Q(x))
        return service
    customers = Customer.objects.filter(scope_q(user, Module.CUSTOMERS))
    if customer is not None and customers.filter(pk=customer).exists():
        # Every ticket of a customer the user sees is visible: no OR with a subquery over
        # all their customers (≈ 0.8 s per query at 100,000 tickets for a manager).
        return Q(customer=customer)
    return service | Q(customer__in=customers.values("pk"))


def tickets_for_user(user: Any, *, customer: int | None = None) -> QuerySet[Ticket]:
    """The tickets the user may see; `customer` narrows them to one customer's."""
    qs = Ticket.objects.filter(_visible_q(user, customer))
    if customer is not None:
        qs = qs.filter(customer=customer)
    return qs.select_related(
        "type", "category", "customer", "contact", "product", "order", "owner", "org_unit"
    )


@dataclass
class TicketFilters:
    mine: bool = False
    queue: int | None = None
    status: str = ""
    open_only: bool = False
    type: int | None = None
    priority: str = ""
    customer: int | None = None
    sla: str = ""  # "warning" or "breached": open tickets with a clock due soon / overdue
    search: str = ""
    ordering: str = "updated"


def ticket_list(user: Any, filters: TicketFilters) -> QuerySet[Ticket]:
    from django.db.models import Case, IntegerField, Value, When

    qs = tickets_for_user(user, customer=filters.customer)
    if filters.mine:
        qs = qs.filter(owner=user.pk)
    if filters.queue:
        qs = qs.filter(org_unit=filters.queue)
    if filters.status:
        qs = qs.filter(status=filters.status)
    elif filters.open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if filters.type:
        qs = qs.filter(type=filters.type)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.customer:
        qs = qs.filter(customer=filters.customer)
    if filters.sla in (SlaState.WARNING, SlaState.BREACHED):
        qs = qs.filter(
            Q(first_response_state=filters.sla, first_response_at__isnull=True)
            | Q(resolution_state=filters.sla),
            status__in=OPEN_STATUSES,
        )
    if filters.search:
        term = filters.search.strip()[:100]
        qs = qs.filter(Q(number__icontains=term) | Q(title__icontains=term))
    order = ORDERINGS.get(filters.ordering, ORDERINGS["updated"])
    if order == "priority_rank":
        ranks = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
        qs = qs.annotate(
            priority_rank=Case(
                *[When(priority=k, then=Value(v)) for k, v in ranks.items()],
                output_field=IntegerField(),
            )
        )
    if order == "resolution_due_at":
        # Soonest deadline first; paused and finished clocks (no deadline) last.
        return qs.order_by(F("resolution_due_at").asc(nulls_last=True), "id")
    return qs.order_by(order, "-id")


def ticket_get_for_user(*, user: Any, pk: Any) -> Ticket:
    return get_in_scope(tickets_for_user(user), pk)


def can_edit(user: Any, ticket: Ticket) -> bool:
    """Editing needs the service edit right and the ticket's queue within the service scope
    (seeing it through the customer alone is read-only)."""
    if not get_access(user).can(Module.SERVICE, Action.EDIT):
        return False
    return Ticket.objects.filter(scope_q(user, Module.SERVICE), pk=ticket.pk).exists()


def entries_of(ticket: Ticket) -> QuerySet[TicketEntry]:
    """The ticket's notes and replies, each with its files (one query for all of them)."""
    from django.db.models import Prefetch

    from .models import TicketAttachment

    files = TicketAttachment.objects.order_by("id")
    return ticket.entries.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=files)
    )


def entry_get_for_user(*, user: Any, pk: Any) -> TicketEntry:
    """One note or reply of a ticket the user sees; missing and out of scope are one 404."""
    tickets = tickets_for_user(user).values("pk")
    return get_in_scope(
        TicketEntry.objects.filter(ticket__in=tickets).select_related("ticket", "author"), pk
    )


def contact_for_ticket(user: Any, customer: Any, pk: Any) -> Any:
    """The contact `pk` names for a ticket of `customer`: one of the customer's, or another
    contact the user sees (which the service refuses with a clear message); else None."""
    from crm.customers.selectors import contacts_for_user, contacts_of

    if not isinstance(pk, int) or not 0 < pk < 2**63:
        return None
    return (
        contacts_of(customer).filter(pk=pk).first() or contacts_for_user(user).filter(pk=pk).first()
    )


def order_for_ticket(user: Any, customer: Any, pk: Any) -> Any:
    """The order `pk` names for a ticket of `customer`: one of the customer's (a ticket's
    readers see it through the ticket), or another order in the user's orders scope (which the
    service refuses with a clear message); else None."""
    from crm.orders.models import SalesOrder
    from crm.orders.selectors import orders_in_scope

    if not isinstance(pk, int) or not 0 < pk < 2**63:
        return None
    return (
        SalesOrder.objects.filter(pk=pk, customer=customer).first()
        or orders_in_scope(user).filter(pk=pk).first()
    )


def may_open_order(user: Any, order_id: int | None) -> bool:
    """Whether the ticket's order may be shown as a link: the user may view orders (the sales
    module) and the order is in their scope there."""
    if order_id is None or not get_access(user).can(Module.SALES, Action.VIEW):
        return False
    from crm.orders.selectors import orders_in_scope

    return orders_in_scope(user).filter(pk=order_id).exists()


def status_changes_of(ticket: Ticket) -> QuerySet[StatusChange]:
    return ticket.status_changes.select_related("changed_by")


def types() -> QuerySet[TicketType]:
    return TicketType.objects.filter(active=True).prefetch_related("categories")


def type_get(pk: Any) -> TicketType | None:
    return TicketType.objects.filter(pk=pk, active=True).first()


def category_get(pk: Any) -> TicketCategory | None:
    return TicketCategory.objects.filter(pk=pk, active=True).first()


def calls_for_user(user: Any) -> QuerySet[Call]:
    """Calls of callers not (yet) matched to a customer, and calls of the customers the user
    sees: a call shows its customer, so it follows the customer's scope."""
    customers = Customer.objects.filter(scope_q(user, Module.CUSTOMERS))
    return Call.objects.filter(Q(customer__isnull=True) | Q(customer__in=customers.values("pk")))


def queues_for_user(user: Any) -> QuerySet[Any]:
    """The queues (units) a user may hand tickets to: those of their service scope (a ticket
    put elsewhere would vanish from their sight)."""
    from crm.org.models import OrgUnit

    units = OrgUnit.objects.filter(scope_q(user, Module.SERVICE, owner_field=None, unit_field=""))
    return units.order_by("path")


def agents_of(queue: Any) -> QuerySet[Any]:
    """The active employees of a queue's unit and the units below it: who may work its
    tickets (services._check_agent holds the same rule)."""
    from crm.org.models import User

    return User.objects.filter(is_active=True, unit__path__startswith=queue.path).order_by(
        "username"
    )
