"""Demo tickets (`crm demo --customers N`): by default about one per ten customers (the
customers whose id ends in 3), of every type and status, over the last year. With
`per_customer` (the command's `--tickets-per-customer K`) every customer without a ticket gets
1 to 2K-1 of them (K on average; 2,000,000 for 1,000,000 customers at K=2) over the last three
years.

As in a real desk, a ticket older than a fortnight is finished (resolved, then closed two days
later); the open ones are recent — at scale, the chance that a ticket is still open falls with
its age (`OPEN_BY_AGE`), so the open tickets are a few days' intake, not a fortnight's. Tickets
go to the call centre's queue (客服中心) or, for a customer of the east or west sales
organisation, to the service team of that branch (`BRANCH_SHARE`; the managers' units, with
mgr_east and mgr_west as their queue managers, the leader for the call centre). The demo agent
works a share of the call centre's tickets (`AGENT_SHARE` at scale, every answered one in the
small demo); the rest were worked by colleagues who are not demo users (no agent), and the
branch teams' tickets wait unassigned.

Set-based like the sales demo: rows are generated in one pass and written with crm.core.bulk
(COPY on PostgreSQL, batched INSERT elsewhere); idempotent (a customer with a ticket gets no
more). Each ticket gets its status log (created, and its current status) and, once answered,
one reply. SLA clocks are computed in the same pass from the seeded calendar and policies (no
per-ticket query), consistent with each ticket's history. At scale the monthly statistics
(`crm.service.stats`) are summarised at the end, as the nightly job would.
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
    QueueEscalation,
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


RECENT_DAYS = 14  # older tickets are finished
CLOSE_AFTER = timedelta(days=2)  # a resolved ticket is closed this long after
# Scale mode: the chance that a ticket this many days old (or younger) is still open.
OPEN_BY_AGE = [(1, 0.6), (3, 0.25), (7, 0.08), (RECENT_DAYS, 0.03)]
AGENT_SHARE = 0.02  # scale mode: the demo agent's share of the call centre's tickets
BRANCH_SHARE = 0.3  # tickets of an east/west customer that go to their branch's team
_OPEN_ANSWERED = [
    (TicketStatus.ASSIGNED, 2),
    (TicketStatus.IN_PROGRESS, 2),
    (TicketStatus.WAITING, 1),
]
# Whose unit is a branch's service team (and who manages that queue); the call centre's queue
# manager is the leader.
QUEUE_MANAGERS = ["mgr_east", "mgr_west"]


def _open_chance(age: int) -> float:
    for days, chance in OPEN_BY_AGE:
        if age < days:
            return chance
    return 0.0


def _queues(agent: User | None, fallback: OrgUnit) -> tuple[OrgUnit, list[tuple[OrgUnit, str]]]:
    """The call centre's queue and the branch teams' queues with the path prefix of the sales
    organisation each serves; every queue gets its manager (once: an administrator's choice
    stays)."""
    from .services_sla import queue_manager_set

    centre = agent.unit if agent and agent.unit else fallback
    users = {u.username: u for u in User.objects.filter(username__in=[*QUEUE_MANAGERS, "leader"])}
    branches: list[tuple[OrgUnit, str]] = []
    managers: list[tuple[OrgUnit, User | None]] = [(centre, users.get("leader"))]
    for username in QUEUE_MANAGERS:
        manager = users.get(username)
        if manager is None or manager.unit is None:
            continue
        parent = manager.unit.parent
        branches.append((manager.unit, parent.path if parent else manager.unit.path))
        managers.append((manager.unit, manager))
    taken = set(QueueEscalation.objects.values_list("org_unit_id", flat=True))
    for queue, boss in managers:
        if boss is not None and queue.pk not in taken:
            queue_manager_set(queue=queue, manager=boss, actor=None)
    return centre, branches


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
    root = OrgUnit.objects.filter(parent__isnull=True).first()
    if root is None:
        return {"tickets": 0}
    centre, branches = _queues(agent, root)
    done = Ticket.all_objects.values("customer_id")
    if per_customer > 0:
        todo = list(
            Customer.objects.exclude(pk__in=done)
            .order_by("pk")
            .values_list("pk", "org_unit__path")[: max(0, customers)]
        )
    else:
        todo = list(
            Customer.objects.annotate(r=Mod("id", 10))
            .filter(r=REMAINDER)
            .exclude(pk__in=done)
            .order_by("pk")
            .values_list("pk", "org_unit__path")[: max(0, customers) // 10 + 1]
        )
    if not todo:
        return {"tickets": 0}
    branch_of: dict[int, OrgUnit] = {}
    for customer_pk, path in todo:
        for unit, prefix in branches:
            if path and path.startswith(prefix):
                branch_of[customer_pk] = unit
                break
    rng = random.Random(seed)
    if per_customer > 0:
        # Every customer gets at least one (so a re-run picks nobody twice), K on average.
        plan = [(pk, rng.randint(1, 2 * per_customer - 1)) for pk, _p in todo]
        span = 3 * 365
    else:
        plan = [(pk, 1) for pk, _p in todo]
        span = 365
    total = sum(n for _c, n in plan)
    types = list(TicketType.objects.all())
    categories: dict[int, list[int]] = {}
    for cat in TicketCategory.objects.values("pk", "type_id"):
        categories.setdefault(cat["type_id"], []).append(cat["pk"])
    statuses, weights = zip(*_STATUSES, strict=True)
    answered_open, answered_weights = zip(*_OPEN_ANSWERED, strict=True)
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
        branch = branch_of.get(customer_id)
        queue = branch if branch is not None and rng.random() < BRANCH_SHARE else centre
        if per_customer > 0:
            age = rng.randint(0, span)
            mine = queue is centre and agent is not None and rng.random() < AGENT_SHARE
            status: str
            if rng.random() < _open_chance(age):
                # Open: the agent's are answered; the rest wait in their queue unassigned.
                status = rng.choices(answered_open, answered_weights)[0] if mine else "new"
            else:
                status = TicketStatus.CLOSED  # resolved, when that was under two days ago
        else:  # the default demo's draws, in their original order
            status = rng.choices(statuses, weights)[0]
            age = rng.randint(0, span)
            mine = queue is centre and agent is not None
            if status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
                age %= RECENT_DAYS + 1  # open tickets are recent
                if queue is not centre:
                    status = TicketStatus.NEW  # a branch team's ticket waits for them
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
        if status == TicketStatus.CLOSED and resolved and resolved + CLOSE_AFTER > now:
            status = TicketStatus.RESOLVED  # not closed yet
        closed = resolved + CLOSE_AFTER if status == TicketStatus.CLOSED and resolved else None
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
            "owner_id": agent.pk if agent and answered and mine else None,
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
        actor = agent.pk if agent and mine else None
        moves: list[tuple[str, str, Any]] = [("", TicketStatus.NEW, created)]
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
    from .stats import ticket_months_refresh

    ticket_months_refresh(now=now)  # what the nightly job does (crm manage refresh_service_stats)
    return {"tickets": total}
