"""Reads of SLA settings and figures: calendars and policies (system managers), the clock a
page shows, and compliance as SQL aggregates over the tickets the user sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from crm.core.access import get_in_scope, require_special
from crm.core.modules import Special

from .models import (
    CalendarDay,
    QueueEscalation,
    ServiceCalendar,
    SlaEvent,
    SlaPolicy,
    SlaState,
    Ticket,
)
from .selectors import tickets_for_user

GROUPS = ("type", "priority", "queue", "month")


def require_sla_admin(user: Any) -> None:
    require_special(user, Special.MANAGE_SYSTEM)


def calendars(user: Any) -> QuerySet[ServiceCalendar]:
    require_sla_admin(user)
    return ServiceCalendar.objects.all()


def calendar_get(*, user: Any, pk: Any) -> ServiceCalendar:
    return get_in_scope(calendars(user), pk)


def calendar_days(calendar: ServiceCalendar) -> QuerySet[CalendarDay]:
    return calendar.days.all()


def policies(user: Any) -> QuerySet[SlaPolicy]:
    require_sla_admin(user)
    return SlaPolicy.objects.select_related("type", "calendar").order_by(
        F("type__order").asc(nulls_first=True), "type_id", "priority", "id"
    )


def policy_get(*, user: Any, pk: Any) -> SlaPolicy:
    return get_in_scope(policies(user), pk)


def queue_managers(user: Any) -> QuerySet[QueueEscalation]:
    require_sla_admin(user)
    return QueueEscalation.objects.select_related("org_unit", "manager").order_by("org_unit__path")


def events_of(ticket: Ticket) -> QuerySet[SlaEvent]:
    return ticket.sla_events.select_related("notified")


@dataclass(frozen=True)
class Clock:
    """One SLA clock as a page shows it."""

    label: str
    state: str  # SlaState value or "" (no policy)
    due_at: datetime | None
    seconds_left: int | None  # wall seconds to the deadline (negative when overdue)
    paused: bool
    paused_left: int | None  # business seconds left while paused


def clocks_of(ticket: Ticket, now: datetime | None = None) -> list[Clock]:
    """The ticket's two clocks from its stored fields (no query)."""
    from django.utils.translation import gettext as _

    now = now or timezone.now()

    def left(due: datetime | None) -> int | None:
        return int((due - now).total_seconds()) if due else None

    fr_running = ticket.first_response_at is None
    paused = ticket.resolution_due_at is None and ticket.resolution_paused_left is not None
    return [
        Clock(
            _("First response"),
            ticket.first_response_state,
            ticket.first_response_due_at,
            left(ticket.first_response_due_at) if fr_running else None,
            False,
            None,
        ),
        Clock(
            _("Resolution"),
            ticket.resolution_state,
            ticket.resolution_due_at,
            left(ticket.resolution_due_at) if ticket.resolved_at is None else None,
            paused,
            ticket.resolution_paused_left if paused else None,
        ),
    ]


@dataclass
class ComplianceRow:
    key: Any
    label: str
    first_met: int
    first_total: int
    resolution_met: int
    resolution_total: int

    @property
    def first_percent(self) -> float | None:
        return round(100 * self.first_met / self.first_total, 1) if self.first_total else None

    @property
    def resolution_percent(self) -> float | None:
        if not self.resolution_total:
            return None
        return round(100 * self.resolution_met / self.resolution_total, 1)


def compliance(
    user: Any, *, group: str, since: date | None = None, until: date | None = None
) -> list[ComplianceRow]:
    """% of deadlines met per type, priority, queue or month (of creation), over the tickets
    the user sees: one GROUP BY. A clock counts once decided (met, or overdue — also an open
    ticket already past its deadline)."""
    if group not in GROUPS:
        raise ValueError(group)
    qs = tickets_for_user(user).filter(sla_policy__isnull=False)
    if since:
        qs = qs.filter(created_at__date__gte=since)
    if until:
        qs = qs.filter(created_at__date__lte=until)
    decided = [SlaState.MET, SlaState.BREACHED]
    key, label = {
        "type": ("type_id", "type__name"),
        "priority": ("priority", "priority"),
        "queue": ("org_unit_id", "org_unit__name"),
        "month": ("month", "month"),
    }[group]
    if group == "month":
        qs = qs.annotate(month=TruncMonth("created_at"))
    rows = (
        qs.order_by()
        .values(key, label)
        .annotate(
            first_met=Count("pk", filter=Q(first_response_state=SlaState.MET)),
            first_total=Count("pk", filter=Q(first_response_state__in=decided)),
            resolution_met=Count("pk", filter=Q(resolution_state=SlaState.MET)),
            resolution_total=Count("pk", filter=Q(resolution_state__in=decided)),
        )
        .order_by(key)
    )
    out = []
    for row in rows:
        value = row[key]
        if group == "priority":
            from .models import Priority

            text = str(Priority(value).label) if value in Priority.values else str(value)
        elif group == "month":
            text = f"{value:%Y-%m}" if value else ""
            value = text
        else:
            text = str(row[label])
        out.append(
            ComplianceRow(
                value,
                text,
                row["first_met"],
                row["first_total"],
                row["resolution_met"],
                row["resolution_total"],
            )
        )
    return out
