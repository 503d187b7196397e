"""Reads of the service home page (issue #6 point 8): an agent's queue with SLA clocks, the
queue's warnings and breaches, the revisits due, and for managers SLA compliance and service
statistics. Every block is a fixed number of set-based queries (the page's query count does not
grow with the data).

The queue is the tickets of the units the user's service scope covers (the queues they work),
not the read-only tickets they see through their customers: a rep or a sales manager has no
queue. Statistics cover every ticket the user sees (`selectors.tickets_for_user`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from crm.core.access import get_access, scoped_by_unit_ids
from crm.core.modules import Action, Module, Scope

from . import selectors, selectors_revisit, selectors_sla
from .models import (
    QueueEscalation,
    Revisit,
    RevisitStatus,
    SlaState,
    Ticket,
    TicketStatus,
    TicketType,
)

QUEUE_ROWS = 20
ALERT_ROWS = 10
REVISIT_ROWS = 10
MONTHS = 12

_WARNING = Q(first_response_state=SlaState.WARNING, first_response_at__isnull=True) | Q(
    resolution_state=SlaState.WARNING
)
_BREACHED = Q(first_response_state=SlaState.BREACHED, first_response_at__isnull=True) | Q(
    resolution_state=SlaState.BREACHED
)


def has_queue(user: Any) -> bool:
    """Whether the user works tickets (the service edit right): agents, not readers."""
    return get_access(user).can(Module.SERVICE, Action.EDIT)


def is_manager(user: Any) -> bool:
    """Who sees SLA compliance and statistics: a service scope of everything, a reader of a
    unit's tickets (a sales manager), or the escalation manager of a queue."""
    access = get_access(user)
    scope = access.scope(Module.SERVICE)
    if scope is None:
        return False
    if scope == Scope.ALL:
        return True
    if scope != Scope.OWN and not access.can(Module.SERVICE, Action.EDIT):
        return True
    return QueueEscalation.objects.filter(manager=user.pk).exists()


def _queue_tickets(user: Any) -> QuerySet[Ticket]:
    """Open tickets of the queues the user's service scope covers."""
    return scoped_by_unit_ids(Ticket.objects.all(), user, Module.SERVICE).filter(
        status__in=selectors.OPEN_STATUSES
    )


URGENT = (
    F("resolution_due_at").asc(nulls_last=True),
    F("first_response_due_at").asc(nulls_last=True),
    "id",
)


def _urgent_first(qs: QuerySet[Ticket], limit: int) -> list[Ticket]:
    """The `limit` most urgent tickets of `qs` (soonest resolution deadline, then first
    response). Keys first, on the bare table (a narrow sort of the queue's open tickets), then
    those rows with their joins."""
    ids = list(qs.order_by(*URGENT).values_list("pk", flat=True)[:limit])
    rows = Ticket.objects.filter(pk__in=ids).select_related("type", "customer", "owner")
    by_id = {t.pk: t for t in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


@dataclass
class Queue:
    tickets: list[Ticket]  # mine and the queue's unassigned, most urgent first
    more: bool
    alerts: list[Ticket]  # the queue's tickets due soon or overdue, anyone's
    mine: int = 0
    unassigned: int = 0
    warning: int = 0
    breached: int = 0
    open: int = 0


def agent_queue(user: Any) -> Queue:
    """At most five queries: the counts, the agent's rows and the queue's SLA alerts (keys,
    then rows)."""
    base = _queue_tickets(user)
    counts = base.order_by().aggregate(
        mine=Count("pk", filter=Q(owner=user.pk)),
        unassigned=Count("pk", filter=Q(owner__isnull=True)),
        warning=Count("pk", filter=_WARNING),
        breached=Count("pk", filter=_BREACHED),
        open=Count("pk"),
    )
    rows = _urgent_first(base.filter(Q(owner=user.pk) | Q(owner__isnull=True)), QUEUE_ROWS + 1)
    alerts: list[Ticket] = []
    if counts["warning"] or counts["breached"]:
        alerts = _urgent_first(base.filter(_WARNING | _BREACHED), ALERT_ROWS)
    return Queue(
        tickets=rows[:QUEUE_ROWS],
        more=len(rows) > QUEUE_ROWS,
        alerts=alerts,
        **{k: int(v or 0) for k, v in counts.items()},
    )


@dataclass
class Revisits:
    rows: list[Revisit]  # scheduled up to today, overdue first
    today: int
    overdue: int


def revisits_due(user: Any, today: date) -> Revisits:
    """The revisit calls of the user's queues due today or overdue. Two queries (read from
    the revisits' own queue and agent, like the tickets' scope)."""
    qs = scoped_by_unit_ids(Revisit.objects.all(), user, Module.SERVICE).filter(
        status=RevisitStatus.SCHEDULED, due_date__lte=today
    )
    counts = qs.order_by().aggregate(
        today=Count("pk", filter=Q(due_date=today)),
        overdue=Count("pk", filter=Q(due_date__lt=today)),
    )
    rows = list(
        qs.select_related("ticket", "customer", "owner").order_by("due_date", "id")[:REVISIT_ROWS]
    )
    return Revisits(rows, int(counts["today"] or 0), int(counts["overdue"] or 0))


def month_starts(today: date, months: int = MONTHS) -> list[date]:
    """The first days of the last `months` months, oldest first, this month last."""
    out = []
    year, month = today.year, today.month
    for _ in range(months):
        out.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


@dataclass
class Stats:
    months: list[str]  # "YYYY-MM", oldest first
    # type name → tickets created per month (same order as `months`)
    by_type: list[tuple[str, list[int]]] = field(default_factory=list)
    by_status: list[tuple[str, str, int]] = field(default_factory=list)  # (value, label, n)
    causes: list[selectors_revisit.ReportRow] = field(default_factory=list)
    compliance: list[selectors_sla.ComplianceRow] = field(default_factory=list)
    first_met: int = 0
    first_total: int = 0
    resolution_met: int = 0
    resolution_total: int = 0

    @property
    def created(self) -> int:
        return sum(sum(counts) for _name, counts in self.by_type)

    @property
    def first_percent(self) -> float | None:
        return round(100 * self.first_met / self.first_total, 1) if self.first_total else None

    @property
    def resolution_percent(self) -> float | None:
        if not self.resolution_total:
            return None
        return round(100 * self.resolution_met / self.resolution_total, 1)


def _month_key(value: datetime | date | None) -> str:
    return f"{value:%Y-%m}" if value else ""


def service_stats(user: Any, today: date) -> Stats:
    """Over the tickets the user sees, created in the last twelve months: tickets per type and
    month, complaint causes with satisfaction, SLA compliance per month; and the tickets not
    yet closed by status. Five queries, each one GROUP BY."""
    starts = month_starts(today)
    since = starts[0]
    since_at = timezone.make_aware(datetime.combine(since, time.min))
    visible = selectors.tickets_for_user(user).order_by()
    stats = Stats(months=[_month_key(m) for m in starts])
    index = {m: i for i, m in enumerate(stats.months)}
    per_type: dict[int, list[int]] = {}
    rows = (
        visible.filter(created_at__gte=since_at)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "type_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        i = index.get(_month_key(row["month"]))
        if i is not None:
            per_type.setdefault(row["type_id"], [0] * len(starts))[i] += row["n"]
    for ticket_type in TicketType.objects.order_by("order", "id"):
        if ticket_type.pk in per_type or ticket_type.active:
            stats.by_type.append(
                (ticket_type.name, per_type.get(ticket_type.pk, [0] * len(starts)))
            )
    counts = dict(
        visible.exclude(status=TicketStatus.CLOSED)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    stats.by_status = [
        (value, str(label), counts[value])
        for value, label in TicketStatus.choices
        if counts.get(value)
    ]
    stats.causes = selectors_revisit.complaint_report(user, group="cause", since=since)
    stats.compliance = selectors_sla.compliance(user, group="month", since=since)
    for r in stats.compliance:
        stats.first_met += r.first_met
        stats.first_total += r.first_total
        stats.resolution_met += r.resolution_met
        stats.resolution_total += r.resolution_total
    return stats
