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
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from crm.core.access import get_access, scope_unit_ids, scoped_by_unit_ids
from crm.core.modules import Action, Module, Scope
from crm.org.models import OrgUnit

from . import selectors, selectors_revisit, selectors_sla, stats
from .models import (
    QueueEscalation,
    Revisit,
    RevisitStatus,
    SlaState,
    Ticket,
    TicketCategory,
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


COUNT_CAP = 1000  # the queue's counts stop here ("1000+"): a count must not read a whole queue
# Up to this many queues, each queue's keys come from its own index walk (one UNION ALL);
# more (a scope of "all" in a big organisation), one walk over them all.
UNION_QUEUES = 50


def _queue_units(user: Any) -> list[int] | None:
    """The ids of the queues (units) the user's service scope covers; None for an own scope
    (their own tickets, whatever the queue)."""
    scope = get_access(user).scope(Module.SERVICE)
    if scope == Scope.ALL:
        return list(OrgUnit.all_objects.values_list("pk", flat=True)[: UNION_QUEUES + 1])
    return scope_unit_ids(user, Module.SERVICE)


def _queue_tickets(user: Any, units: list[int] | None) -> QuerySet[Ticket]:
    """Open tickets of the queues the user's service scope covers."""
    qs = Ticket.objects.filter(status__in=selectors.OPEN_STATUSES)
    if units is None or len(units) > UNION_QUEUES:
        return scoped_by_unit_ids(qs, user, Module.SERVICE)
    return qs.filter(org_unit__in=units)


URGENT = (
    F("resolution_due_at").asc(nulls_last=True),
    F("first_response_due_at").asc(nulls_last=True),
    "id",
)
_KEY = ("resolution_due_at", "first_response_due_at", "pk")


def _urgency(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Python's order of URGENT for a `_KEY` row: deadlines ascending, none last."""
    due, first, pk = row
    return (due is None, due, first is None, first, pk)


def _keys(qs: QuerySet[Ticket], units: list[int] | None, limit: int) -> list[tuple[Any, ...]]:
    """The `limit` most urgent (deadline, deadline, id) keys of `qs`, on the bare table. With
    a few queues, one walk per queue of its (queue, deadlines) index, each stopping after
    `limit` entries, in one UNION ALL; PostgreSQL cannot keep an index's order across the
    values of an IN list, so one query over all queues would sort every open ticket."""
    if (
        units
        and 1 < len(units) <= UNION_QUEUES
        and connection.features.supports_slicing_ordering_in_compound
    ):
        parts = [qs.filter(org_unit=u).order_by(*URGENT).values_list(*_KEY)[:limit] for u in units]
        rows = list(parts[0].union(*parts[1:], all=True))
    else:
        rows = list(qs.order_by(*URGENT).values_list(*_KEY)[:limit])
    return sorted(rows, key=_urgency)[:limit]


def _rows(*key_lists: list[tuple[Any, ...]]) -> list[list[Ticket]]:
    """The tickets of each list of `keys`, in its order, with their type, customer and agent
    (one query for all the lists)."""
    ids = {pk for keys in key_lists for *_deadlines, pk in keys}
    rows = Ticket.objects.filter(pk__in=ids).select_related("type", "customer", "owner")
    by_id = {t.pk: t for t in rows}
    return [[by_id[pk] for *_d, pk in keys if pk in by_id] for keys in key_lists]


def _capped(qs: QuerySet[Ticket]) -> int:
    """How many rows `qs` has, counting at most COUNT_CAP + 1 of them."""
    return qs.order_by()[: COUNT_CAP + 1].count()


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
    cap: int = COUNT_CAP  # a count above this stopped there: show "1000+"

    def shown(self) -> dict[str, str]:
        """The counts as the page shows them."""
        return {
            name: f"{self.cap}+" if n > self.cap else str(n)
            for name in ("mine", "unassigned", "warning", "breached", "open")
            for n in [getattr(self, name)]
        }


def agent_queue(user: Any) -> Queue:
    """The agent's queue in a fixed number of queries, each an index walk that stops early
    (at most COUNT_CAP + 1 entries for a count, a page for the rows) however many open tickets
    the queues hold: the counts, the agent's rows and the queue's unassigned ones (keys), the
    SLA alerts (keys), then the rows of those keys."""
    units = _queue_units(user)
    base = _queue_tickets(user, units)
    walk = units if units is not None and len(units) <= UNION_QUEUES else None
    mine_qs = base.filter(owner=user.pk)
    free = base.filter(owner__isnull=True)
    warning, breached = base.filter(_WARNING), base.filter(_BREACHED)
    counts = {
        "mine": _capped(mine_qs),
        "unassigned": _capped(free),
        "warning": _capped(warning),
        "breached": _capped(breached),
        "open": _capped(base),
    }
    # Mine: one walk of the agent's (owner, deadlines) index; the unassigned: one per queue.
    keys = sorted(
        _keys(mine_qs, None, QUEUE_ROWS + 1) + _keys(free, walk, QUEUE_ROWS + 1), key=_urgency
    )[: QUEUE_ROWS + 1]
    alert_keys: list[tuple[Any, ...]] = []
    if counts["warning"] or counts["breached"]:
        # A ticket can be both (one clock due soon, the other overdue): once.
        found = set(
            (_keys(warning, walk, ALERT_ROWS) if counts["warning"] else [])
            + (_keys(breached, walk, ALERT_ROWS) if counts["breached"] else [])
        )
        alert_keys = sorted(found, key=_urgency)[:ALERT_ROWS]
    rows, alerts = _rows(keys[:QUEUE_ROWS], alert_keys)
    return Queue(
        tickets=rows,
        more=len(keys) > QUEUE_ROWS,
        alerts=alerts,
        cap=COUNT_CAP,
        **counts,
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
    for _i in range(months):
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


def _unit_scope(user: Any) -> tuple[Q, Q] | None:
    """The tickets the user sees (`selectors.tickets_for_user`: their service scope's queues,
    or the customers they see) as a filter on Ticket and the same as a filter on the monthly
    summary, when both scopes are by unit (or all); None for an own scope (a person's tickets
    or customers: the summary does not keep people)."""
    access = get_access(user)
    nothing = Q(pk__in=[])
    if not access.can(Module.SERVICE, Action.VIEW):
        return nothing, nothing
    service = access.scope(Module.SERVICE)
    if service == Scope.ALL:
        return Q(), Q()
    if service not in (Scope.UNIT, Scope.SUBTREE):
        return None
    queues = scope_unit_ids(user, Module.SERVICE) or []
    customers = access.scope(Module.CUSTOMERS)
    if customers is None:
        tickets, rows = nothing, nothing
    elif customers == Scope.ALL:
        tickets, rows = Q(customer__is_deleted=False), Q(customer_unit_id__isnull=False)
    elif customers in (Scope.UNIT, Scope.SUBTREE):
        units = scope_unit_ids(user, Module.CUSTOMERS) or []
        tickets = Q(customer__org_unit__in=units, customer__is_deleted=False)
        rows = Q(customer_unit_id__in=units)
    else:
        return None
    return Q(org_unit__in=queues) | tickets, Q(org_unit_id__in=queues) | rows


def _month_figures(user: Any, starts: list[date]) -> tuple[dict[Any, stats.Figures], QuerySet]:
    """Figures per (month, type, category) over the tickets the user sees created in the
    months of `starts`, and those tickets as a queryset for the live figures (by status).
    What the monthly summary holds comes from it; the rest (the tickets created since its
    last refresh, a month it lacks) is computed from the tickets."""
    per: dict[Any, stats.Figures] = {}

    def collapse(figures: dict[stats.Key, stats.Figures]) -> None:
        for (month, _queue, _unit, type_id, category_id), f in figures.items():
            per.setdefault((month, type_id, category_id), stats.Figures()).add(f)

    since_at = stats.month_start(starts[0])
    scope = _unit_scope(user)
    if scope is None:
        visible = selectors.tickets_for_user(user).order_by()
        collapse(stats.figures(Q(), live=visible.filter(created_at__gte=since_at)))
        return per, visible
    tickets, rows = scope
    covered = stats.summarised(starts)
    for key, f in stats.summary_figures(covered, rows).items():
        per.setdefault(key, stats.Figures()).add(f)
    live = stats.live_q(starts, covered)
    if live is not None:
        collapse(stats.figures(tickets & live))
    return per, Ticket.objects.filter(tickets).order_by()


def service_stats(user: Any, today: date) -> Stats:
    """Over the tickets the user sees, created in the last twelve months: tickets per type and
    month, complaint causes with satisfaction, SLA compliance per month; and the tickets not
    yet closed by status. The figures come from the nightly summary (`crm.service.stats`)
    where it holds them, so the page reads a few hundred summary rows and the tickets created
    since the last refresh, not a year's; they are those of the live computation as of the
    refresh."""
    starts = month_starts(today)
    result = Stats(months=[_month_key(m) for m in starts])
    index = {m: i for i, m in enumerate(starts)}
    per, visible = _month_figures(user, starts)
    types = list(TicketType.objects.order_by("order", "id"))
    per_type: dict[int, list[int]] = {}
    months: dict[date, stats.Figures] = {}
    causes: dict[int | None, stats.Figures] = {}
    complaint_types = {t.pk for t in types if t.revisit_days is not None}
    for (month, type_id, category_id), f in per.items():
        if month not in index:
            continue
        if f.tickets:
            per_type.setdefault(type_id, [0] * len(starts))[index[month]] += f.tickets
        months.setdefault(month, stats.Figures()).add(f)
        if type_id in complaint_types and f.tickets:
            causes.setdefault(category_id, stats.Figures()).add(f)
    for ticket_type in types:
        if ticket_type.pk in per_type or ticket_type.active:
            result.by_type.append(
                (ticket_type.name, per_type.get(ticket_type.pk, [0] * len(starts)))
            )
    counts = dict(
        visible.exclude(status=TicketStatus.CLOSED)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result.by_status = [
        (value, str(label), counts[value])
        for value, label in TicketStatus.choices
        if counts.get(value)
    ]
    names = dict(
        TicketCategory.objects.filter(pk__in=[c for c in causes if c is not None]).values_list(
            "pk", "name"
        )
    )
    result.causes = [
        selectors_revisit.ReportRow(
            key,
            names.get(key) or str(_("Not given")) if key is not None else str(_("Not given")),
            f.tickets,
            f.revisited,
            round(f.satisfaction_sum / f.satisfaction_n, 2) if f.satisfaction_n else None,
        )
        for key, f in sorted(
            causes.items(), key=lambda kv: (-kv[1].tickets, kv[0] is None, kv[0] or 0)
        )
    ]
    for month in sorted(months):
        f = months[month]
        if not f.with_sla:
            continue
        key = _month_key(month)
        result.compliance.append(
            selectors_sla.ComplianceRow(
                key, key, f.first_met, f.first_total, f.resolution_met, f.resolution_total
            )
        )
        result.first_met += f.first_met
        result.first_total += f.first_total
        result.resolution_met += f.resolution_met
        result.resolution_total += f.resolution_total
    return result
