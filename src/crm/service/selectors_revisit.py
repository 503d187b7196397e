"""Reads of complaint revisits (SVC-5), scoped like their tickets; the report of complaint
causes and satisfaction as SQL aggregates; the reminder source of the day's revisits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from .models import Revisit, RevisitStatus, Ticket
from .selectors import tickets_for_user

STATES = ("due", "pending", "done")
REPORT_GROUPS = ("cause", "product", "month")


def revisits_for_user(user: Any) -> QuerySet[Revisit]:
    return Revisit.objects.filter(ticket__in=tickets_for_user(user).values("pk")).select_related(
        "ticket", "customer", "owner"
    )


def revisit_list(user: Any, *, state: str = "due", today: date) -> QuerySet[Revisit]:
    """due: scheduled up to today (overdue first); pending: every scheduled; done: recorded."""
    qs = revisits_for_user(user)
    if state == "done":
        return qs.filter(status=RevisitStatus.DONE).order_by("-done_at", "-id")
    qs = qs.filter(status=RevisitStatus.SCHEDULED)
    if state == "due":
        qs = qs.filter(due_date__lte=today)
    return qs.order_by("due_date", "id")


def revisit_get_for_user(*, user: Any, pk: Any) -> Revisit:
    from crm.core.access import get_in_scope

    return get_in_scope(revisits_for_user(user), pk)


def revisits_of(ticket: Ticket) -> list[Revisit]:
    return list(ticket.revisits.select_related("owner").order_by("-id")[:10])


@dataclass
class ReportRow:
    key: Any
    label: str
    complaints: int
    revisited: int
    satisfaction: float | None


def complaint_report(
    user: Any, *, group: str, since: date | None = None, until: date | None = None
) -> list[ReportRow]:
    """Complaints (tickets whose type has a revisit lead time, by creation date) per cause
    (category), product or month, with how many were revisited and the mean satisfaction."""
    if group not in REPORT_GROUPS:
        raise ValueError(group)
    qs = tickets_for_user(user).filter(type__revisit_days__isnull=False)
    if since:
        qs = qs.filter(created_at__date__gte=since)
    if until:
        qs = qs.filter(created_at__date__lte=until)
    key, label = {
        "cause": ("category_id", "category__name"),
        "product": ("product_id", "product__name"),
        "month": ("month", "month"),
    }[group]
    if group == "month":
        qs = qs.annotate(month=TruncMonth("created_at"))
    done = Q(revisits__status=RevisitStatus.DONE, revisits__is_deleted=False)
    rows = (
        qs.order_by()
        .values(key, label)
        .annotate(
            complaints=Count("pk", distinct=True),
            revisited=Count("revisits", filter=done),
            satisfaction=Avg("revisits__satisfaction", filter=done),
        )
        .order_by("-complaints", key)
    )
    out = []
    for row in rows:
        value = row[key]
        if group == "month":
            text = f"{value:%Y-%m}" if value else ""
            value = text
        else:
            text = str(row[label]) if row[label] else str(_("Not given"))
        mean = row["satisfaction"]
        out.append(
            ReportRow(
                value,
                text,
                row["complaints"],
                row["revisited"],
                round(float(mean), 2) if mean is not None else None,
            )
        )
    return out


def reminders(day: date) -> Iterator[Any]:
    """Reminder source: each agent's scheduled revisits due by `day` (daily until made)."""
    from crm.system.reminders import PERIOD_DAILY, Reminder

    qs = (
        Revisit.objects.filter(status=RevisitStatus.SCHEDULED, due_date__lte=day)
        .exclude(owner__isnull=True)
        .select_related("ticket", "customer")
        .order_by("due_date", "id")
    )
    for r in qs.iterator(chunk_size=1000):
        yield Reminder(
            user_id=r.owner_id,  # type: ignore[arg-type]
            key=f"service-revisit:{r.pk}",
            title=_("Revisit %(customer)s about %(number)s")
            % {"customer": r.customer.name, "number": r.ticket.number},
            url=f"/service/tickets/{r.ticket_id}/",
            due=r.due_date,
            period=PERIOD_DAILY,
        )
