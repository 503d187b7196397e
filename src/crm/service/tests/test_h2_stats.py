"""The managers' statistics from the monthly summary equal their live computation (random
tickets, every scope); the nightly refresh is idempotent; the agent's queue reads index walks
that stop early, in the same order and with the same counts as a plain query."""

import random
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from crm.customers.demo import load_customers
from crm.customers.models import Customer
from crm.org.models import OrgUnit, Role, User
from crm.service import selectors, selectors_home, selectors_revisit, selectors_sla, stats
from crm.service.models import (
    Revisit,
    RevisitStatus,
    SlaPolicy,
    SlaState,
    Ticket,
    TicketCategory,
    TicketMonth,
    TicketMonthRefresh,
    TicketStatus,
    TicketType,
)

pytestmark = [pytest.mark.usefixtures("demo_once"), pytest.mark.django_db]

STATES = ["", SlaState.OK, SlaState.WARNING, SlaState.BREACHED, SlaState.MET]


def _random_tickets(rng: random.Random, n: int, delete_customers: int = 3) -> list[Ticket]:
    """`n` tickets of random queue, customer, type, category, status, SLA states and age (up
    to fourteen months, some at a month's first local minutes), some deleted, with revisits."""
    if Customer.objects.count() < 30:
        load_customers(40)
    customers = list(Customer.objects.order_by("pk"))
    units = list(OrgUnit.objects.order_by("pk"))
    types = list(TicketType.objects.all())
    categories = list(TicketCategory.objects.all())
    policies = list(SlaPolicy.objects.all())
    agent = User.objects.get(username="agent")
    now = timezone.now()
    made = []
    for i in range(n):
        ticket_type = rng.choice(types)
        cats = [c for c in categories if c.type_id == ticket_type.pk]
        status = rng.choice(TicketStatus.values)
        t = Ticket.objects.create(
            number=f"R{rng.random():.12f}"[:20],
            title=f"随机{i}",
            type=ticket_type,
            category=rng.choice([*cats, None]),
            customer=rng.choice(customers),
            org_unit=rng.choice(units),
            owner=rng.choice([agent, None]),
            status=status,
            sla_policy=rng.choice([*policies, None]),
            first_response_state=rng.choice(STATES),
            resolution_state=rng.choice(STATES),
        )
        if i == 0:  # this month always has one, even in its first minutes
            created = now
        elif rng.random() < 0.15:  # the first local minutes of a month: its start in UTC
            local = timezone.localtime(now - timedelta(days=31 * rng.randint(0, 13)))
            start = local.replace(day=1, hour=0, minute=rng.randint(0, 59))
            created = min(start, now)  # not in the future when the test runs at 00:0x
        else:
            created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 425))
        Ticket.all_objects.filter(pk=t.pk).update(
            created_at=created, is_deleted=i > 0 and rng.random() < 0.05
        )
        if rng.random() < 0.4:
            done = rng.random() < 0.7
            Revisit.objects.create(
                ticket=t,
                customer=t.customer,
                org_unit=t.org_unit,
                due_date=timezone.localdate(created),
                status=RevisitStatus.DONE if done else RevisitStatus.CANCELLED,
                satisfaction=rng.choice([1, 2, 3, 4, 5, None]) if done else None,
                is_deleted=rng.random() < 0.1,
            )
        made.append(t)
    for c in rng.sample(
        customers, delete_customers
    ):  # a deleted customer's tickets: seen through the queue
        Customer.all_objects.filter(pk=c.pk).update(is_deleted=True)
    return made


def _live(user: Any) -> dict[str, Any]:
    """The statistics as the live selectors compute them over `tickets_for_user`."""
    today = timezone.localdate()
    starts = selectors_home.month_starts(today)
    since = starts[0]
    visible = selectors.tickets_for_user(user).order_by()
    since_at = timezone.make_aware(datetime.combine(since, time.min))
    by_type: dict[str, dict[str, int]] = {}
    rows = (
        visible.filter(created_at__gte=since_at)
        .annotate(month=TruncMonth("created_at"))
        .values_list("month", "type__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for month, name, n in rows:
        by_type.setdefault(name, {})[f"{month:%Y-%m}"] = n
    return {
        "by_type": by_type,
        "by_status": dict(
            visible.exclude(status=TicketStatus.CLOSED)
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        "causes": {
            (r.key, r.label, r.complaints, r.revisited, r.satisfaction)
            for r in selectors_revisit.complaint_report(user, group="cause", since=since)
        },
        "compliance": [
            (r.key, r.first_met, r.first_total, r.resolution_met, r.resolution_total)
            for r in selectors_sla.compliance(user, group="month", since=since)
        ],
    }


def _shown(user: Any) -> dict[str, Any]:
    result = selectors_home.service_stats(user, timezone.localdate())
    by_type = {
        name: {m: n for m, n in zip(result.months, counts, strict=True) if n}
        for name, counts in result.by_type
        if any(counts)
    }
    complaints = [r.complaints for r in result.causes]
    assert complaints == sorted(complaints, reverse=True)
    assert result.first_met == sum(r.first_met for r in result.compliance)
    return {
        "by_type": by_type,
        "by_status": {value: n for value, _label, n in result.by_status},
        "causes": {
            (r.key, r.label, r.complaints, r.revisited, r.satisfaction) for r in result.causes
        },
        "compliance": [
            (r.key, r.first_met, r.first_total, r.resolution_met, r.resolution_total)
            for r in result.compliance
        ],
    }


def _users() -> list[User]:
    users = list(
        User.objects.filter(
            username__in=["leader", "admin", "mgr_east", "mgr_west", "rep_west_1", "agent"]
        )
    )
    east = OrgUnit.objects.get(name="华东化工有限公司")
    u, created = User.objects.get_or_create(username="h2_east_agent", defaults={"unit": east})
    if created:
        u.roles.add(Role.objects.get(code="service_agent"))
    return [*users, u]


@pytest.mark.parametrize("seed", [1, 2])
def test_summary_equals_the_live_computation(seed: int) -> None:
    rng = random.Random(seed)
    _random_tickets(rng, 120)
    users = _users()
    for user in users:  # nothing summarised yet: every month live
        assert _shown(user) == _live(user), user.username
    made = stats.ticket_months_refresh()
    this_month = timezone.localdate().replace(day=1)
    assert made["months"] >= 13 and TicketMonth.objects.filter(month=this_month).exists()
    assert TicketMonthRefresh.objects.get(month=this_month).until <= timezone.now()
    for user in users:  # from the summary
        assert _shown(user) == _live(user), user.username
    # Tickets created since the refresh are read live: a new one counts at once.
    _random_tickets(rng, 5, delete_customers=0)
    Ticket.all_objects.filter(pk__in=Ticket.all_objects.order_by("-pk").values("pk")[:5]).update(
        created_at=timezone.now()
    )
    for user in users:
        assert _shown(user) == _live(user), user.username


def test_refresh_is_idempotent_and_catches_up(capsys: Any) -> None:
    rng = random.Random(7)
    tickets = _random_tickets(rng, 80)
    fields = [f.name for f in TicketMonth._meta.fields][1:]
    call_command("refresh_service_stats")
    first = sorted(map(repr, TicketMonth.objects.values_list(*fields)))
    call_command("refresh_service_stats")
    again = sorted(map(repr, TicketMonth.objects.values_list(*fields)))
    assert first == again and "months" in capsys.readouterr().out
    # A past month's ticket changes after the refresh: the next refresh has it.
    leader = User.objects.get(username="leader")
    old = next(
        t
        for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets]).order_by("created_at")
        if t.created_at < stats.month_start(timezone.localdate())
        and t.created_at >= stats.month_start(selectors_home.month_starts(timezone.localdate())[0])
    )
    Ticket.objects.filter(pk=old.pk).update(
        sla_policy=SlaPolicy.objects.first(), first_response_state=SlaState.MET
    )
    call_command("refresh_service_stats", "--months", "14")
    assert _shown(leader) == _live(leader)


def _east_agent() -> User:
    return next(u for u in _users() if u.username == "h2_east_agent")


def _open_tickets(rng: random.Random, user: User, n: int) -> None:
    units = list(OrgUnit.objects.filter(path__startswith=user.unit.path))  # type: ignore[union-attr]
    assert len(units) >= 3  # a subtree: one walk per queue
    if not Customer.objects.exists():
        load_customers(5)
    customer = Customer.objects.order_by("pk")[0]
    other = User.objects.get(username="agent")
    ticket_type = TicketType.objects.get(code="inquiry")
    now = timezone.now()
    for i in range(n):
        due = now + timedelta(hours=rng.randint(-50, 50))
        Ticket.objects.create(
            title=f"队列{i}",
            type=ticket_type,
            customer=customer,
            org_unit=rng.choice(units),
            owner=rng.choice([user, None, other]),
            status=rng.choice(selectors.OPEN_STATUSES + ["resolved", "closed"]),
            resolution_due_at=rng.choice([due, due, None]),
            first_response_due_at=rng.choice([due - timedelta(hours=2), None]),
            first_response_state=rng.choice(STATES),
            resolution_state=rng.choice(STATES),
        )


def test_queue_walks_equal_a_plain_query(monkeypatch: Any) -> None:
    user = _east_agent()
    _open_tickets(random.Random(11), user, 90)
    base = Ticket.objects.filter(
        status__in=selectors.OPEN_STATUSES,
        org_unit__path__startswith=user.unit.path,  # type: ignore[union-attr]
    )
    urgent = selectors_home.URGENT
    queue = selectors_home.agent_queue(user)
    expected = list(
        base.filter(Q(owner=user) | Q(owner__isnull=True))
        .order_by(*urgent)
        .values_list("pk", flat=True)[: selectors_home.QUEUE_ROWS]
    )
    assert [t.pk for t in queue.tickets] == expected and queue.more
    alerts = base.filter(selectors_home._WARNING | selectors_home._BREACHED)
    assert [t.pk for t in queue.alerts] == list(
        alerts.order_by(*urgent).values_list("pk", flat=True)[: selectors_home.ALERT_ROWS]
    )
    assert (queue.mine, queue.unassigned, queue.open) == (
        base.filter(owner=user).count(),
        base.filter(owner__isnull=True).count(),
        base.count(),
    )
    assert queue.warning == base.filter(selectors_home._WARNING).count()
    assert queue.shown()["open"] == str(base.count())
    # Past the cap a count stops there and shows "cap+".
    monkeypatch.setattr(selectors_home, "COUNT_CAP", 5)
    capped = selectors_home.agent_queue(user)
    assert capped.open == 6 and capped.cap == 5 and capped.shown()["open"] == "5+"
    assert [t.pk for t in capped.tickets] == expected


def test_queue_page_shows_capped_counts(page_client: Any, monkeypatch: Any) -> None:
    user = _east_agent()
    _open_tickets(random.Random(12), user, 30)
    monkeypatch.setattr(selectors_home, "COUNT_CAP", 2)
    html = page_client(user).get("/service/").content.decode()
    assert 'id="home-count-unassigned">2+<' in html


def test_demo_at_scale_is_realistic() -> None:
    """Open tickets are recent and wait in the call centre's or a branch team's queue, each
    queue has its manager, the agent works a share, and the statistics are summarised."""
    from crm.service.demo import CLOSE_AFTER, RECENT_DAYS, load_tickets
    from crm.service.models import QueueEscalation

    load_customers(150)
    made = load_tickets(customers=10**6, per_customer=2)
    assert made["tickets"] > 150
    managers = dict(QueueEscalation.objects.values_list("org_unit__name", "manager__username"))
    assert managers == {"客服中心": "leader", "上海分公司": "mgr_east", "成都分公司": "mgr_west"}
    now = timezone.now()
    tickets = Ticket.objects.all()
    old = tickets.filter(created_at__lt=now - timedelta(days=RECENT_DAYS))
    assert old.exists() and not old.filter(status__in=selectors.OPEN_STATUSES).exists()
    assert not tickets.filter(status="resolved", resolved_at__lt=now - CLOSE_AFTER).exists()
    queues = set(tickets.values_list("org_unit__name", flat=True))
    assert queues == {"客服中心", "上海分公司", "成都分公司"}
    branch = tickets.exclude(org_unit__name="客服中心")
    assert not branch.filter(owner__isnull=False).exists()
    assert not branch.filter(status__in=["assigned", "in_progress", "waiting"]).exists()
    agent = User.objects.get(username="agent")
    mine = tickets.filter(owner=agent).count()
    assert 0 < mine < tickets.count() * 0.1  # a share, the rest by colleagues
    assert TicketMonthRefresh.objects.filter(month=timezone.localdate().replace(day=1)).exists()
    assert load_tickets(customers=10**6, per_customer=2)["tickets"] == 0
    assert QueueEscalation.objects.count() == 3
