"""Writes of SLA settings (calendars, their days, policies, queue managers), each audited, and
`check_sla`: the periodic pass that moves clocks to warning/overdue and tells people once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.audit import audit_log
from crm.core.errors import ValidationFailed
from crm.core.models import AuditAction
from crm.core.services import record_create, record_soft_delete, record_update

from . import sla
from .business_time import BusinessCalendar
from .models import (
    CalendarDay,
    DayKind,
    QueueEscalation,
    ServiceCalendar,
    SlaEvent,
    SlaLevel,
    SlaPolicy,
    SlaState,
    SlaTarget,
    Ticket,
    TicketStatus,
)

log = logging.getLogger(__name__)
OPEN = [s for s in TicketStatus.values if s not in (TicketStatus.RESOLVED, TicketStatus.CLOSED)]


# --- calendars ---------------------------------------------------------------------------


def parse_hours(text_by_day: dict[int, str]) -> dict[str, list[list[str]]]:
    """{0: "09:00-12:00, 13:00-18:00", …} → the stored JSON; field errors per weekday."""
    out: dict[str, list[list[str]]] = {}
    errors: dict[str, list[str]] = {}
    for day, text in text_by_day.items():
        spans: list[list[str]] = []
        try:
            for part in str(text or "").replace("，", ",").split(","):
                if not part.strip():
                    continue
                start, end = (p.strip() for p in part.replace("–", "-").split("-"))
                sla.parse_hhmm(start), sla.parse_hhmm(end)
                spans.append([start, end])
            BusinessCalendar(
                hours={day: [(sla.parse_hhmm(a), sla.parse_hhmm(b)) for a, b in spans]}
            )
        except ValueError:
            errors[f"day_{day}"] = [_("Enter times like 09:00-12:00, 13:00-18:00.")]
            continue
        if spans:
            out[str(day)] = spans
    if errors:
        raise ValidationFailed(fields=errors)
    return out


def _check_calendar(name: str, tz: str, hours: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = str(name or "").replace("\x00", "").strip()
    if not name or len(name) > 60:
        errors["name"] = [_("Enter a name of 1 to 60 characters.")]
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        errors["tz"] = [_("Enter a time zone such as Asia/Shanghai.")]
    if not errors and not any(hours.values()):
        errors["hours"] = [_("Enter the working hours of at least one weekday.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return {"name": name, "tz": str(tz), "hours": hours}


@transaction.atomic
def calendar_create(*, actor: Any, name: str, tz: str, hours: dict[str, Any]) -> ServiceCalendar:
    return record_create(instance=ServiceCalendar(**_check_calendar(name, tz, hours)), actor=actor)


def calendar_update(
    *, calendar: ServiceCalendar, version: int, actor: Any, name: str, tz: str, hours: dict
) -> ServiceCalendar:
    data = _check_calendar(name, tz, hours)
    return record_update(instance=calendar, version=version, changes=data, actor=actor)


@transaction.atomic
def calendar_day_set(
    *, calendar: ServiceCalendar, day: date, kind: str, note: str, actor: Any
) -> CalendarDay:
    """Add or replace one holiday / make-up day; bumps the calendar's version (its cache key)."""
    if kind not in DayKind.values:
        raise ValidationFailed(fields={"kind": [_("Choose holiday or make-up working day.")]})
    row, _created = CalendarDay.objects.update_or_create(
        calendar=calendar, date=day, defaults={"kind": kind, "note": str(note or "")[:60]}
    )
    _touch(calendar, actor, _("%(date)s: %(kind)s") % {"date": day, "kind": row.get_kind_display()})
    return row


@transaction.atomic
def calendar_day_delete(*, calendar: ServiceCalendar, day: date, actor: Any) -> None:
    if CalendarDay.objects.filter(calendar=calendar, date=day).delete()[0]:
        _touch(calendar, actor, _("%(date)s: removed") % {"date": day})


def _touch(calendar: ServiceCalendar, actor: Any, what: str) -> None:
    from django.db.models import F

    ServiceCalendar.all_objects.filter(pk=calendar.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    calendar.refresh_from_db(fields=["version", "updated_at"])
    audit_log(
        instance=calendar,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={"days": {"label": str(_("Days")), "old": "", "new": what}},
    )


# --- policies ----------------------------------------------------------------------------

POLICY_FIELDS = (
    "type",
    "priority",
    "calendar",
    "first_response_minutes",
    "resolution_minutes",
    "warn_percent",
    "active",
)


def _check_policy(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    for key in ("first_response_minutes", "resolution_minutes"):
        if key in data and not (isinstance(data[key], int) and 1 <= data[key] <= 10_000_000):
            errors[key] = [_("Enter a whole number of minutes, at least 1.")]
    if "warn_percent" in data and not (
        isinstance(data["warn_percent"], int) and 1 <= data["warn_percent"] <= 99
    ):
        errors["warn_percent"] = [_("Enter a percentage from 1 to 99.")]
    if "calendar" in data and data["calendar"] is None:
        errors["calendar_id"] = [_("Choose a calendar.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return data


def _unique(fn: Callable[[], SlaPolicy]) -> SlaPolicy:
    try:
        with transaction.atomic():
            return fn()
    except IntegrityError:
        raise ValidationFailed(
            fields={"priority": [_("A policy for this type and priority already exists.")]}
        ) from None


def policy_create(*, actor: Any, **data: Any) -> SlaPolicy:
    data = _check_policy({k: v for k, v in data.items() if k in POLICY_FIELDS})
    dup = SlaPolicy.objects.filter(type=data.get("type"), priority=data.get("priority", ""))
    if dup.exists():
        raise ValidationFailed(
            fields={"priority": [_("A policy for this type and priority already exists.")]}
        )
    return _unique(lambda: record_create(instance=SlaPolicy(**data), actor=actor))


def policy_update(*, policy: SlaPolicy, version: int, actor: Any, **changes: Any) -> SlaPolicy:
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    data = _check_policy(changes)
    return _unique(
        lambda: record_update(instance=policy, version=version, changes=data, actor=actor)
    )


def policy_delete(*, policy: SlaPolicy, actor: Any) -> SlaPolicy:
    """Soft delete; tickets keep their stored deadlines until their next change."""
    return record_soft_delete(instance=policy, actor=actor)


@transaction.atomic
def queue_manager_set(*, queue: Any, manager: Any, actor: Any) -> QueueEscalation | None:
    """Set (or with None clear) who is told of breaches in `queue` and the queues below it."""
    old = QueueEscalation.objects.filter(org_unit=queue).select_related("manager").first()
    if manager is None:
        if old is not None:
            old.delete()
        row = None
    else:
        row, _created = QueueEscalation.objects.update_or_create(
            org_unit=queue, defaults={"manager": manager}
        )
    audit_log(
        instance=queue,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={
            "sla_manager": {
                "label": str(_("SLA escalation manager")),
                "old": str(old.manager) if old else "",
                "new": str(manager or ""),
            }
        },
    )
    return row


def manager_of(queue: Any) -> Any:
    """The manager of the queue's unit, else of the nearest unit above it that has one."""
    ids = [int(p) for p in queue.path.strip("/").split("/") if p] or [queue.pk]
    rows = {
        r.org_unit_id: r.manager
        for r in QueueEscalation.objects.filter(
            org_unit_id__in=ids, manager__is_active=True
        ).select_related("manager")
    }
    for unit_id in reversed(ids):
        if unit_id in rows:
            return rows[unit_id]
    return None


# --- check_sla ---------------------------------------------------------------------------


def _notifier() -> Callable[..., Any] | None:
    """crm.system's `notify` when that app is installed; else events are only recorded."""
    if not apps.is_installed("crm.system"):
        return None
    from crm.system.services import notify

    return notify


def _running_events(ticket: Ticket) -> list[tuple[str, str, datetime]]:
    """Warnings/breaches of clocks still running (a stopped clock is history, not news)."""
    events: list[tuple[str, str, datetime]] = []
    clocks = (
        (
            SlaTarget.FIRST_RESPONSE,
            ticket.first_response_state,
            ticket.first_response_due_at,
            ticket.first_response_at is None,
        ),
        (
            SlaTarget.RESOLUTION,
            ticket.resolution_state,
            ticket.resolution_due_at,
            ticket.status not in sla.PAUSED,
        ),
    )
    for target, state, due, running in clocks:
        if due is None or not running:
            continue
        if state == SlaState.WARNING:
            events.append((target, SlaLevel.WARNING, due))
        elif state == SlaState.BREACHED:
            events.append((target, SlaLevel.BREACH, due))
    return events


def send_events(ticket: Ticket, now: datetime) -> int:
    """After a recompute in a service: record/notify the clocks that are due soon or overdue
    (once per deadline). The caller holds the ticket's transaction."""
    return sum(_send(ticket, *event, now) for event in _running_events(ticket))


def _send(ticket: Ticket, target: str, level: str, due: datetime, now: datetime) -> bool:
    """Record one event (once per deadline) and tell the agent (warning) or the queue's
    manager (breach, the escalation). Returns whether it was new."""
    recipient = ticket.owner if level == SlaLevel.WARNING else manager_of(ticket.org_unit)
    if level == SlaLevel.WARNING and recipient is None:
        recipient = manager_of(ticket.org_unit)  # nobody works it yet: the manager
    try:
        with transaction.atomic():
            SlaEvent.objects.create(
                ticket=ticket, target=target, level=level, due_at=due, at=now, notified=recipient
            )
    except IntegrityError:
        return False
    notify = _notifier()
    if notify is not None and recipient is not None:
        label = SlaTarget(target).label
        title = (
            _("%(number)s: %(target)s due soon") if level == SlaLevel.WARNING
            else _("%(number)s: %(target)s overdue, escalated")
        ) % {"number": ticket.number, "target": label}  # fmt: skip
        local = timezone.localtime(due)
        notify(
            user=recipient,
            key=f"sla:{ticket.pk}:{target}:{level}:{due.isoformat()}",
            title=title,
            body=_("%(title)s — due %(due)s")
            % {"title": ticket.title, "due": f"{local:%Y-%m-%d %H:%M}"},
            url=f"/service/tickets/{ticket.pk}/",
            source="service.sla",
        )
    return True


def check_sla(*, now: datetime | None = None, batch: int = 2000) -> dict[str, int]:
    """Move running clocks past their warning/deadline to warning/overdue and notify once.

    Idempotent (events are unique per ticket, target, level and deadline), so cron may run it
    every minute. Only open tickets whose warning point has passed are read (an index range).
    """
    now = now or timezone.now()
    due_q = Q(
        first_response_state__in=[SlaState.OK, SlaState.WARNING],
        first_response_warn_at__lte=now,
    ) | Q(resolution_state__in=[SlaState.OK, SlaState.WARNING], resolution_warn_at__lte=now)
    counts = {"checked": 0, "warnings": 0, "breaches": 0}
    qs = (
        Ticket.objects.filter(due_q, status__in=OPEN)
        .select_related("owner", "org_unit")
        .order_by("pk")
    )
    last = 0
    while True:
        chunk = list(qs.filter(pk__gt=last)[:batch])
        if not chunk:
            break
        last = chunk[-1].pk
        with transaction.atomic():
            for ticket in chunk:
                counts["checked"] += 1
                changes: dict[str, Any] = {}
                for prefix in ("first_response", "resolution"):
                    warn, due = (
                        getattr(ticket, f"{prefix}_warn_at"),
                        getattr(ticket, f"{prefix}_due_at"),
                    )
                    state = getattr(ticket, f"{prefix}_state")
                    if due is None or warn is None or state not in (SlaState.OK, SlaState.WARNING):
                        continue
                    new = sla._state(now, warn, due)
                    if new != state:
                        changes[f"{prefix}_state"] = new
                        setattr(ticket, f"{prefix}_state", new)
                if not changes:
                    continue
                Ticket.all_objects.filter(pk=ticket.pk).update(**changes)
                for target, level, due in _running_events(ticket):
                    if _send(ticket, target, level, due, now):
                        counts["warnings" if level == SlaLevel.WARNING else "breaches"] += 1
    return counts


def recompute_open(*, batch: int = 1000) -> int:
    """Recompute the clocks of every open ticket (after a calendar or policy change)."""
    now = timezone.now()
    among = sla.active_policies()
    done, last = 0, 0
    while True:
        chunk = list(Ticket.objects.filter(status__in=OPEN, pk__gt=last).order_by("pk")[:batch])
        if not chunk:
            return done
        logs: dict[int, list[sla.Moment]] = {t.pk: [] for t in chunk}
        from .models import StatusChange

        for ticket_id, to, at in (
            StatusChange.objects.filter(ticket__in=[t.pk for t in chunk])
            .order_by("ticket_id", "changed_at", "id")
            .values_list("ticket_id", "to_status", "changed_at")
        ):
            logs[ticket_id].append(sla.Moment(to, at))
        with transaction.atomic():
            for ticket in chunk:
                sla.recompute(ticket, now=now, log=logs[ticket.pk], among=among)
        done += len(chunk)
        last = chunk[-1].pk
