"""Demo tickets (`crm demo --customers N`): by default about one per ten customers (the
customers whose id ends in 3), of every type and status, in the call centre's queue, over the
last year. With `per_customer` (the command's `--tickets-per-customer K`) every customer without
a ticket gets 1 to 2K-1 of them (K on average; 2,000,000 for 1,000,000 customers at K=2) over
the last three years; tickets older than two weeks are resolved or closed, as in a real desk.

Set-based like the sales demo: rows are generated in one pass and written with crm.core.bulk
(COPY on PostgreSQL, batched INSERT elsewhere); idempotent (a customer with a ticket gets no
more). Each ticket gets its status log (created, and its current status) and, once answered,
one reply. SLA clocks are computed in the same pass from the seeded calendar and policies (no
per-ticket query), consistent with each ticket's history.
"""

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models.functions import Mod
from django.utils import timezone

from crm.core.bulk import Writer, defaults, reserve_ids
from crm.customers.models import Customer
from crm.org.models import OrgUnit, User

from . import sla
from .models import (
    CalendarDay,
    Channel,
    EntryKind,
    Priority,
    Revisit,
    RevisitStatus,
    ServiceCalendar,
    SlaPolicy,
    StatusChange,
    Ticket,
    TicketCategory,
    TicketEntry,
    TicketStatus,
    TicketType,
)
from .seed import seed_revisit_days, seed_sla, seed_types

REMAINDER = 3  # customer id % 10
SCORES, SCORE_WEIGHTS = [1, 2, 3, 4, 5], [1, 1, 3, 6, 6]
BATCH = 5000
_TITLES = ["产品使用咨询", "到货延误", "设备异响", "包装破损退货", "希望增加规格", "发票问题"]
_STATUSES = [
    (TicketStatus.NEW, 2),
    (TicketStatus.ASSIGNED, 2),
    (TicketStatus.IN_PROGRESS, 2),
    (TicketStatus.WAITING, 1),
    (TicketStatus.RESOLVED, 3),
    (TicketStatus.CLOSED, 10),
]


RECENT_DAYS = 14  # scale mode: older tickets are finished
_FINISHED = [(TicketStatus.RESOLVED, 1), (TicketStatus.CLOSED, 9)]


@transaction.atomic
def load_tickets(
    customers: int = 200,
    seed: int = 2026,
    per_customer: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    seed_types(TicketType, TicketCategory)
    seed_sla(ServiceCalendar, CalendarDay, SlaPolicy, TicketType)
    seed_revisit_days(TicketType)
    policies = sla.active_policies()
    calendars = {p.calendar_id: sla.business_calendar(p.calendar) for p in policies}
    agent = User.objects.filter(username="agent").first()
    queue = agent.unit if agent else OrgUnit.objects.filter(parent__isnull=True).first()
    if queue is None:
        return {"tickets": 0}
    done = Ticket.all_objects.values("customer_id")
    if per_customer > 0:
        todo = list(
            Customer.objects.exclude(pk__in=done)
            .order_by("pk")
            .values_list("pk", flat=True)[: max(0, customers)]
        )
    else:
        todo = list(
            Customer.objects.annotate(r=Mod("id", 10))
            .filter(r=REMAINDER)
            .exclude(pk__in=done)
            .order_by("pk")
            .values_list("pk", flat=True)[: max(0, customers) // 10 + 1]
        )
    if not todo:
        return {"tickets": 0}
    rng = random.Random(seed)
    if per_customer > 0:
        # Every customer gets at least one (so a re-run picks nobody twice), K on average.
        plan = [(c, rng.randint(1, 2 * per_customer - 1)) for c in todo]
        span = 3 * 365
    else:
        plan = [(c, 1) for c in todo]
        span = 365
    total = sum(n for _c, n in plan)
    types = list(TicketType.objects.all())
    categories: dict[int, list[int]] = {}
    for cat in TicketCategory.objects.values("pk", "type_id"):
        categories.setdefault(cat["type_id"], []).append(cat["pk"])
    statuses, weights = zip(*_STATUSES, strict=True)
    finished, finished_weights = zip(*_FINISHED, strict=True)
    priorities, channels = Priority.values, Channel.values  # a property: built on each read
    now = timezone.now()
    first = reserve_ids(Ticket, total)
    base, change_base, entry_base = defaults(Ticket), defaults(StatusChange), defaults(TicketEntry)
    revisit_base = defaults(Revisit)
    tickets, changes, entries, revisits = (
        Writer(Ticket),
        Writer(StatusChange, with_id=False),
        Writer(TicketEntry, with_id=False),
        Writer(Revisit, with_id=False),
    )
    r_rows: list[tuple[Any, ...]] = []
    t_rows: list[tuple[Any, ...]] = []
    c_rows: list[tuple[Any, ...]] = []
    e_rows: list[tuple[Any, ...]] = []
    tickets_of = (customer_id for customer_id, n in plan for _k in range(n))
    for i, customer_id in enumerate(tickets_of):
        pk = first + i
        ticket_type = rng.choice(types)
        if per_customer > 0:
            age = rng.randint(0, span)
            old = age > RECENT_DAYS
            status = rng.choices(*((finished, finished_weights) if old else (statuses, weights)))[0]
        else:  # the default demo's draws, in their original order
            status = rng.choices(statuses, weights)[0]
            age = rng.randint(0, span)
        created = now - timedelta(days=age, minutes=rng.randint(0, 600))
        answered = status != TicketStatus.NEW
        # Nothing happens after now (a ticket opened an hour ago is answered by now at most).
        responded = min(created + timedelta(hours=rng.randint(1, 8)), now) if answered else None
        moved = responded or created
        resolved = (
            min(moved + timedelta(days=rng.randint(0, 5)), now)
            if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
            else None
        )
        closed = (
            min(resolved + timedelta(days=2), now)
            if status == TicketStatus.CLOSED and resolved
            else None
        )
        last = closed or resolved or moved
        log = [sla.Moment(TicketStatus.NEW, created)]
        if status != TicketStatus.NEW:
            log.append(sla.Moment(status, last))
        priority = rng.choice(priorities)
        policy = sla.policy_for(ticket_type.pk, priority, policies)
        clocks = sla.clocks(
            policy=policy,
            calendar=calendars.get(policy.calendar_id) if policy else None,
            created_at=created,
            first_response_at=responded,
            log=log,
            now=now,
        )
        clocks["sla_policy_id"] = policy.pk if policy else None
        del clocks["sla_policy"]
        row = {
            **base,
            "id": pk,
            "number": f"T{pk:09d}",
            "title": rng.choice(_TITLES),
            "type_id": ticket_type.pk,
            "category_id": rng.choice(categories.get(ticket_type.pk, [None])),
            "channel": rng.choice(channels),
            "priority": priority,
            "status": status,
            "customer_id": customer_id,
            "owner_id": agent.pk if agent and answered else None,
            "org_unit_id": queue.pk,
            "status_changed_at": last,
            "first_response_at": responded,
            "resolved_at": resolved,
            "closed_at": closed,
            "created_at": created,
            "updated_at": last,
            "created_by_id": agent.pk if agent else None,
            "updated_by_id": agent.pk if agent else None,
            **clocks,
        }
        t_rows.append(tuple(row.values()))
        actor = agent.pk if agent else None
        moves = [("", TicketStatus.NEW, created)]
        if status != TicketStatus.NEW:
            moves.append((TicketStatus.NEW, status, last))
        for from_status, to_status, at in moves:
            c = {**change_base, "ticket_id": pk, "from_status": from_status, "to_status": to_status,
                 "changed_at": at, "changed_by_id": actor}  # fmt: skip
            c.pop("id", None)
            c_rows.append(tuple(c.values()))
        if responded:
            e = {**entry_base, "ticket_id": pk, "kind": EntryKind.REPLY,
                 "body": "您好，已收到您的反馈，我们正在处理。", "created_at": responded,
                 "author_id": actor}  # fmt: skip
            e.pop("id", None)
            e_rows.append(tuple(e.values()))
        if closed is not None and ticket_type.revisit_days is not None:
            # A closed complaint has its revisit: made (with a score) unless it is still due.
            due = timezone.localdate(closed) + timedelta(days=ticket_type.revisit_days)
            made = due <= timezone.localdate(now)
            v = {
                **revisit_base,
                "ticket_id": pk,
                "customer_id": customer_id,
                "owner_id": actor,
                "org_unit_id": queue.pk,
                "due_date": due,
                "status": RevisitStatus.DONE if made else RevisitStatus.SCHEDULED,
                "satisfaction": rng.choices(SCORES, SCORE_WEIGHTS)[0] if made else None,
                "done_at": closed + timedelta(days=ticket_type.revisit_days) if made else None,
                "created_at": closed,
                "updated_at": closed,
                "created_by_id": actor,
                "updated_by_id": actor,
            }
            v.pop("id", None)
            r_rows.append(tuple(v.values()))
        if len(t_rows) >= BATCH:
            tickets.write(t_rows)
            changes.write(c_rows)
            entries.write(e_rows)
            revisits.write(r_rows)
            t_rows, c_rows, e_rows, r_rows = [], [], [], []
            if progress is not None:
                progress(i + 1, total)
    tickets.write(t_rows)
    changes.write(c_rows)
    entries.write(e_rows)
    revisits.write(r_rows)
    if progress is not None:
        progress(total, total)
    return {"tickets": total}
