"""Ticket figures per month of creation (issue #6 points 8 and 10): the one aggregation behind
the managers' statistics, run over the tickets themselves (the months nobody summarised, always
the current one) and by the nightly refresh into `TicketMonth` (every other month).

A figure is keyed by (month, queue, customer's unit, type, category); the statistics add the
keys up. The same function computes both, so a summarised month equals its live computation
(as of the refresh: see crm.service.models_stats).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import (
    Revisit,
    RevisitStatus,
    SlaState,
    Ticket,
    TicketMonth,
    TicketMonthRefresh,
)

# (month, queue id, customer's unit id or None when the customer is deleted, type id, category id)
Key = tuple[date, int, int | None, int, int | None]
MEASURES = (
    "tickets",
    "with_sla",
    "first_met",
    "first_total",
    "resolution_met",
    "resolution_total",
    "revisited",
    "satisfaction_sum",
    "satisfaction_n",
)
_DECIDED = [SlaState.MET, SlaState.BREACHED]
_POLICY = Q(sla_policy__isnull=False)
BATCH = 5000


@dataclass
class Figures:
    tickets: int = 0
    with_sla: int = 0
    first_met: int = 0
    first_total: int = 0
    resolution_met: int = 0
    resolution_total: int = 0
    revisited: int = 0
    satisfaction_sum: int = 0
    satisfaction_n: int = 0

    def add(self, other: Figures) -> None:
        for m in MEASURES:
            setattr(self, m, getattr(self, m) + getattr(other, m))


def month_start(day: date) -> datetime:
    """The aware start of `day`'s month in the display time zone."""
    return timezone.make_aware(datetime.combine(day.replace(day=1), time.min))


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _month(value: datetime | date) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def figures(tickets: Q, *, live: QuerySet[Ticket] | None = None) -> dict[Key, Figures]:
    """The figures of the tickets matching `tickets` (a filter on Ticket whose lookups also
    work from a revisit through `ticket__`), per key: two GROUP BYs, tickets and made
    revisits. `live` replaces the ticket queryset when the filter is not enough (a scope that
    is itself a queryset); revisits are then read through it."""
    qs = (live if live is not None else Ticket.objects.filter(tickets)).order_by()
    rows: Any = (
        qs.annotate(month=TruncMonth("created_at"))
        .values(
            "month",
            "org_unit_id",
            "customer__org_unit_id",
            "customer__is_deleted",
            "type_id",
            "category_id",
        )
        .annotate(
            tickets=Count("pk"),
            with_sla=Count("pk", filter=_POLICY),
            first_met=Count("pk", filter=_POLICY & Q(first_response_state=SlaState.MET)),
            first_total=Count("pk", filter=_POLICY & Q(first_response_state__in=_DECIDED)),
            resolution_met=Count("pk", filter=_POLICY & Q(resolution_state=SlaState.MET)),
            resolution_total=Count("pk", filter=_POLICY & Q(resolution_state__in=_DECIDED)),
        )
        .order_by()
    )
    out: dict[Key, Figures] = {}

    def key(row: dict[str, Any], prefix: str) -> Key:
        deleted = row[f"{prefix}customer__is_deleted"]
        return (
            _month(row["month"]),
            row[f"{prefix}org_unit_id"],
            None if deleted else row[f"{prefix}customer__org_unit_id"],
            row[f"{prefix}type_id"],
            row[f"{prefix}category_id"],
        )

    for row in rows:
        f = out.setdefault(key(row, ""), Figures())
        f.add(Figures(**{m: row[m] for m in MEASURES[:6]}))
    revisits = Revisit.objects.filter(status=RevisitStatus.DONE, ticket__is_deleted=False)
    if live is not None:
        revisits = revisits.filter(ticket__in=qs.values("pk"))
    else:
        revisits = revisits.filter(_prefixed(tickets, "ticket__"))
    made: Any = (
        revisits.order_by()
        .annotate(month=TruncMonth("ticket__created_at"))
        .values(
            "month",
            "ticket__org_unit_id",
            "ticket__customer__org_unit_id",
            "ticket__customer__is_deleted",
            "ticket__type_id",
            "ticket__category_id",
        )
        .annotate(n=Count("pk"), s=Sum("satisfaction"), sn=Count("satisfaction"))
        .order_by()
    )
    for row in made:
        f = out.setdefault(key(row, "ticket__"), Figures())
        f.revisited += row["n"]
        f.satisfaction_sum += row["s"] or 0
        f.satisfaction_n += row["sn"]
    return out


def _prefixed(q: Q, prefix: str) -> Q:
    """`q` with every lookup read through `prefix` (a Ticket filter applied to revisits)."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    children: list[Any] = list(q.children)
    out.children = [
        _prefixed(c, prefix) if isinstance(c, Q) else (f"{prefix}{c[0]}", c[1]) for c in children
    ]
    return out


def summarised(months: Iterable[date]) -> dict[date, datetime]:
    """Which of `months` the summary holds, each with the creation time it covers up to."""
    qs = TicketMonthRefresh.objects.filter(month__in=list(months))
    return dict(qs.values_list("month", "until"))


def live_q(months: Iterable[date], covered: dict[date, datetime]) -> Q | None:
    """The tickets of `months` the summary does not hold (`covered`: `summarised()`), as a
    filter on their creation time; None when it holds them all."""
    parts = []
    for m in months:
        start, end = month_start(m), month_start(next_month(m))
        start = max(start, covered.get(m, start))
        if start < end:
            parts.append(Q(created_at__gte=start, created_at__lt=end))
    if not parts:
        return None
    out = parts[0]
    for p in parts[1:]:
        out |= p
    return out


@transaction.atomic
def ticket_months_refresh(
    *, since: date | None = None, now: datetime | None = None
) -> dict[str, int]:
    """Rebuild the summary of every month up to now (from `since`'s month when given): the
    tickets created before now. Delete and insert in one transaction, so a reader sees the
    old figures or the new ones, never half. Two runs at once wait for each other (a table
    lock on PostgreSQL; SQLite writes one at a time anyway). Safe to run again: it only
    recomputes."""
    now = now or timezone.now()
    this_month = timezone.localdate(now).replace(day=1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {TicketMonth._meta.db_table} IN EXCLUSIVE MODE")
    where = Q(created_at__lt=now)
    first = since.replace(day=1) if since is not None else None
    if first is not None:
        where &= Q(created_at__gte=month_start(first))
    else:
        oldest = Ticket.objects.order_by("created_at").values_list("created_at", flat=True).first()
        first = _month(oldest) if oldest else this_month
    months: list[date] = []
    m = first
    while m <= this_month:
        months.append(m)
        m = next_month(m)
    TicketMonth.objects.filter(month__gte=first).delete()
    TicketMonthRefresh.objects.filter(month__gte=first).delete()
    wanted = set(months)
    rows = [
        TicketMonth(
            month=k[0],
            org_unit_id=k[1],
            customer_unit_id=k[2],
            type_id=k[3],
            category_id=k[4],
            **{m: getattr(f, m) for m in MEASURES},
        )
        for k, f in figures(where).items()
        if k[0] in wanted
    ]
    TicketMonth.objects.bulk_create(rows, batch_size=BATCH)
    TicketMonthRefresh.objects.bulk_create(
        [
            TicketMonthRefresh(
                month=m, until=min(now, month_start(next_month(m))), refreshed_at=now
            )
            for m in months
        ],
        batch_size=BATCH,
    )
    return {"months": len(months), "rows": len(rows)}


def summary_figures(months: Iterable[date], rows: Q) -> dict[tuple[date, int, int | None], Figures]:
    """The summarised figures of `months` for the rows matching `rows` (a filter on
    TicketMonth), per (month, type, category): one GROUP BY over the summary."""
    qs: Any = (
        TicketMonth.objects.filter(rows, month__in=list(months))
        .values("month", "type_id", "category_id")
        .annotate(**{m: Sum(m) for m in MEASURES})
        .order_by()
    )
    return {
        (r["month"], r["type_id"], r["category_id"]): Figures(**{m: r[m] or 0 for m in MEASURES})
        for r in qs
    }
