"""Writes of complaint revisits (SVC-5): scheduled when a ticket whose type has a revisit lead
time is closed, cancelled when it is reopened, recorded with satisfaction and comments."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.audit import audit_log
from crm.core.errors import Conflict, ValidationFailed
from crm.core.models import AuditAction
from crm.core.services import record_create, record_update

from .models import Revisit, RevisitStatus, Ticket, TicketType


def on_closed(*, ticket: Ticket, actor: Any, now: datetime) -> Revisit | None:
    """Schedule the revisit of a just-closed ticket (caller holds its transaction)."""
    days = TicketType.objects.filter(pk=ticket.type_id).values_list("revisit_days", flat=True)
    lead = days.first() if days else None
    if lead is None:
        return None
    if Revisit.objects.filter(ticket=ticket, status=RevisitStatus.SCHEDULED).exists():
        return None
    revisit = Revisit(
        ticket=ticket,
        customer_id=ticket.customer_id,
        owner_id=ticket.owner_id,
        org_unit_id=ticket.org_unit_id,
        due_date=timezone.localdate(now) + timedelta(days=lead),
    )
    return record_create(instance=revisit, actor=actor)


def on_reopened(*, ticket: Ticket, actor: Any) -> int:
    """A reopened ticket's pending revisit is cancelled (closing again schedules a new one)."""
    pending = list(Revisit.objects.filter(ticket=ticket, status=RevisitStatus.SCHEDULED))
    for revisit in pending:
        Revisit.all_objects.filter(pk=revisit.pk).update(status=RevisitStatus.CANCELLED)
        audit_log(
            instance=revisit,
            action=AuditAction.UPDATE,
            actor=actor,
            changes={
                "status": {
                    "label": str(_("status")),
                    "old": str(RevisitStatus.SCHEDULED.label),
                    "new": str(RevisitStatus.CANCELLED.label),
                }
            },
        )
    return len(pending)


@transaction.atomic
def revisit_record(
    *, revisit: Revisit, version: int, satisfaction: Any, comments: str, actor: Any
) -> Revisit:
    """The revisit call was made: satisfaction 1–5 and what the customer said."""
    if revisit.status != RevisitStatus.SCHEDULED:
        raise Conflict(_("This revisit is already recorded or cancelled."), code="revisit_done")
    try:
        score = int(satisfaction)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationFailed(fields={"satisfaction": [_("Choose a satisfaction from 1 to 5.")]})
    return record_update(
        instance=revisit,
        version=version,
        actor=actor,
        changes={
            "status": RevisitStatus.DONE,
            "satisfaction": score,
            "comments": str(comments or "").strip()[:2000],
            "done_at": timezone.now(),
            "owner": revisit.owner or (actor if getattr(actor, "pk", None) else None),
        },
    )


@transaction.atomic
def type_set_revisit_days(*, ticket_type: TicketType, days: int | None, actor: Any) -> TicketType:
    """The revisit lead time of a ticket type (None: its tickets are not revisited)."""
    if days is not None and not 0 <= days <= 365:
        raise ValidationFailed(fields={"revisit_days": [_("Enter 0 to 365 days, or nothing.")]})
    old = ticket_type.revisit_days
    if old == days:
        return ticket_type
    TicketType.objects.filter(pk=ticket_type.pk).update(revisit_days=days)
    ticket_type.revisit_days = days
    audit_log(
        instance=ticket_type,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={
            "revisit_days": {
                "label": str(_("revisit after (days)")),
                "old": "" if old is None else str(old),
                "new": "" if days is None else str(days),
            }
        },
    )
    return ticket_type
