"""SLA clocks of a ticket, computed from its status log with `business_time`.

Decisions (docs/service.md):
- First response = the first customer-visible reply, or the first move to in progress, waiting
  on the customer, resolved or closed — whichever comes first. Its clock never pauses.
- The resolution clock runs from creation and pauses while the ticket waits on the customer
  and while it is resolved or closed (a reopened ticket continues where it stopped). While
  paused, its deadline is unknown (`resolution_due_at` empty) and the business seconds left are
  kept instead.
- States: ok → warning (past `warn_percent` of the target) → breached; met when the clock
  stopped in time. The state is a function of the stored times and now, so `check_sla` only
  moves it along.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db.models import Q

from .business_time import BusinessCalendar, Pause, add_business_seconds, business_seconds
from .models import (
    CalendarDay,
    DayKind,
    ServiceCalendar,
    SlaPolicy,
    SlaState,
    StatusChange,
    Ticket,
    TicketStatus,
)

PAUSED = frozenset({TicketStatus.WAITING, TicketStatus.RESOLVED, TicketStatus.CLOSED})
RESPONDED = frozenset(
    {TicketStatus.IN_PROGRESS, TicketStatus.WAITING, TicketStatus.RESOLVED, TicketStatus.CLOSED}
)
SLA_FIELDS = (
    "sla_policy",
    "first_response_due_at",
    "first_response_warn_at",
    "first_response_state",
    "resolution_due_at",
    "resolution_warn_at",
    "resolution_state",
    "resolution_paused_left",
)


def parse_hhmm(value: str) -> time:
    hour, minute = (int(part) for part in str(value).split(":"))
    return time(0) if hour == 24 and minute == 0 else time(hour, minute)


_cache: dict[tuple[int, int], BusinessCalendar] = {}


def business_calendar(row: ServiceCalendar) -> BusinessCalendar:
    """The pure calendar of a row (cached per row version: editing a day bumps the version)."""
    key = (row.pk, row.version)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    hours = {
        int(day): [(parse_hhmm(a), parse_hhmm(b)) for a, b in spans]
        for day, spans in (row.hours or {}).items()
    }
    days = list(CalendarDay.objects.filter(calendar=row).values_list("date", "kind"))
    calendar = BusinessCalendar(
        tz=row.tz,
        hours=hours,
        holidays=frozenset(d for d, kind in days if kind == DayKind.HOLIDAY),
        extra_workdays={d: None for d, kind in days if kind == DayKind.WORKDAY},
    )
    if len(_cache) > 64:
        _cache.clear()
    _cache[key] = calendar
    return calendar


def active_policies() -> list[SlaPolicy]:
    return list(SlaPolicy.objects.filter(active=True).select_related("calendar"))


def policy_for(
    type_id: int | None, priority: str, among: Sequence[SlaPolicy] | None = None
) -> SlaPolicy | None:
    """The most specific active policy: type+priority, type, priority, then the fallback.
    `among` is a preloaded `active_policies()` for loops."""
    if among is None:
        among = list(
            SlaPolicy.objects.filter(
                Q(type_id=type_id) | Q(type__isnull=True),
                Q(priority=priority) | Q(priority=""),
                active=True,
            ).select_related("calendar")
        )
    candidates = [p for p in among if p.type_id in (type_id, None) and p.priority in (priority, "")]
    candidates.sort(key=lambda p: (p.type_id is None, p.priority == ""))
    return candidates[0] if candidates else None


@dataclass(frozen=True)
class Moment:
    to_status: str
    at: datetime


def pauses_of(log: Sequence[Moment]) -> list[Pause]:
    """Intervals spent waiting, resolved or closed; the last one may be open (end None)."""
    out: list[Pause] = []
    start: datetime | None = None
    for move in log:
        if move.to_status in PAUSED and start is None:
            start = move.at
        elif move.to_status not in PAUSED and start is not None:
            out.append((start, move.at))
            start = None
    if start is not None:
        out.append((start, None))
    return out


def _state(now: datetime, warn: datetime, due: datetime) -> str:
    if now >= due:
        return SlaState.BREACHED
    return SlaState.WARNING if now >= warn else SlaState.OK


def clocks(
    *,
    policy: SlaPolicy | None,
    calendar: BusinessCalendar | None,
    created_at: datetime,
    first_response_at: datetime | None,
    log: Sequence[Moment],
    now: datetime,
) -> dict[str, Any]:
    """The SLA fields of a ticket (see SLA_FIELDS) from its history."""
    if policy is None or calendar is None:
        return dict.fromkeys(SLA_FIELDS, None) | {
            "first_response_state": "",
            "resolution_state": "",
        }
    share = policy.warn_percent / 100
    fr_target = policy.first_response_minutes * 60
    fr_due = add_business_seconds(calendar, created_at, fr_target)
    fr_warn = add_business_seconds(calendar, created_at, fr_target * share)
    fr_state: str
    if first_response_at is not None:
        fr_state = SlaState.MET if first_response_at <= fr_due else SlaState.BREACHED
    else:
        fr_state = _state(now, fr_warn, fr_due)
    out: dict[str, Any] = {
        "sla_policy": policy,
        "first_response_due_at": fr_due,
        "first_response_warn_at": fr_warn,
        "first_response_state": fr_state,
        "resolution_paused_left": None,
    }
    target = policy.resolution_minutes * 60
    pauses = pauses_of(log)
    closed = [p for p in pauses if p[1] is not None]
    due = add_business_seconds(calendar, created_at, target, closed)
    warn = add_business_seconds(calendar, created_at, target * share, closed)
    open_pause = pauses[-1][0] if pauses and pauses[-1][1] is None else None
    if open_pause is None:
        out |= {
            "resolution_due_at": due,
            "resolution_warn_at": warn,
            "resolution_state": _state(now, warn, due),
        }
        return out
    status = log[-1].to_status if log else ""
    if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        # Stopped at the resolution: the deadline as it stood then is the one that counts.
        out |= {
            "resolution_due_at": due,
            "resolution_warn_at": warn,
            "resolution_state": SlaState.MET if open_pause <= due else SlaState.BREACHED,
        }
        return out
    used = business_seconds(calendar, created_at, open_pause, closed)
    state = _state(open_pause, warn, due)
    out |= {
        "resolution_due_at": None,
        "resolution_warn_at": None,
        "resolution_state": state,
        "resolution_paused_left": int(target - used),
    }
    return out


def ticket_log(ticket: Ticket) -> list[Moment]:
    return [
        Moment(to, at)
        for to, at in StatusChange.objects.filter(ticket=ticket)
        .order_by("changed_at", "id")
        .values_list("to_status", "changed_at")
    ]


def recompute(
    ticket: Ticket,
    *,
    now: datetime,
    log: Iterable[Moment] | None = None,
    among: Sequence[SlaPolicy] | None = None,
) -> dict:
    """Recompute and store a ticket's clocks (derived fields: no version bump, no audit)."""
    policy = policy_for(ticket.type_id, ticket.priority, among)
    calendar = business_calendar(policy.calendar) if policy else None
    moments = list(log) if log is not None else ticket_log(ticket)
    values = clocks(
        policy=policy,
        calendar=calendar,
        created_at=ticket.created_at,
        first_response_at=ticket.first_response_at,
        log=moments,
        now=now,
    )
    Ticket.all_objects.filter(pk=ticket.pk).update(**values)
    for name, value in values.items():
        setattr(ticket, name, value)
    return values
