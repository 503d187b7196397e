"""Demo activities and targets (`crm demo`): the demo reps' visits, calls and tasks over the
recent and coming weeks, and this fiscal year's targets for reps and units.

Set-based: rows are built in memory and written with bulk inserts (visits done in the past
also get their customer-timeline entry, in bulk). About four activities per rep and working
day; the history reaches further back for a larger demo (six weeks at 200 customers, up to
two years at 1,000,000), so the volume stays realistic per rep. Idempotent: activities are
added only when there are none, and a target only where none is set.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from crm.customers.models import Channel, Contact, Customer, Interaction
from crm.org.models import OrgUnit, User

from .models_activities import Activity, ActivityKind, ActivityStatus, PeriodKind, Target
from .target_periods import add_months, fiscal_start_month, period_of

REPS = ["rep_east_1", "rep_east_2", "rep_west_1"]
MANAGERS = ["mgr_east", "mgr_west"]
PER_DAY = 4
DAYS_AHEAD = 21
BATCH = 2000

_PURPOSES = [
    "了解年度采购计划",
    "介绍新产品与技术参数",
    "商务洽谈价格与账期",
    "回访使用情况，收集反馈",
    "催收货款并确认对账",
    "陪同技术人员现场服务",
    "送样并讲解试用方案",
]
_OUTCOMES = [
    "客户认可方案，约定下周报价。",
    "对价格有异议，需要领导审批折扣。",
    "设备运行正常，客户满意。",
    "采购负责人出差，改与技术部交流。",
    "客户计划下季度扩产，需求量增加约两成。",
    "已对账，月底前付款。",
]
_NEXT = ["发送报价单", "安排技术交流", "寄送样品", "跟进付款", "邀请参观工厂", ""]
_TASKS = ["准备报价单", "整理拜访纪要", "更新客户资料", "提交费用报销", "准备投标文件"]
_CALLS = ["电话确认到货情况", "电话跟进报价", "电话预约拜访", "电话回访满意度"]


def _days_back(customers: int) -> int:
    return max(42, min(730, customers // 100))


def _at(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _customers_of(people: list[User], limit: int = 400) -> dict[int, list[int]]:
    """A rep visits their own customers; a manager those of their unit and below."""
    out: dict[int, list[int]] = {}
    for p in people:
        qs = (
            Customer.objects.filter(owner=p)
            if p.username in REPS
            else Customer.objects.filter(org_unit__path__startswith=p.unit.path)  # type: ignore[union-attr]
        )
        out[p.pk] = list(qs.order_by("-id").values_list("pk", flat=True)[:limit])
    return out


def _primary_contacts(customer_ids: list[int]) -> dict[int, int]:
    rows = Contact.objects.filter(customer_id__in=customer_ids, is_primary=True).values_list(
        "customer_id", "pk"
    )
    return dict(rows)


def _activity_rows(
    rng: random.Random,
    rep: User,
    customers: list[int],
    contacts: dict[int, int],
    today: date,
    days_back: int,
    now: datetime,
) -> list[Activity]:
    rows = []
    for offset in range(-days_back, DAYS_AHEAD + 1):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for _n in range(rng.randint(PER_DAY - 2, PER_DAY + 1)):
            kind = rng.choices(
                [ActivityKind.VISIT, ActivityKind.CALL, ActivityKind.TASK, ActivityKind.MEETING],
                weights=[5, 3, 2, 1] if customers else [0, 0, 2, 1],
            )[0]
            start = _at(day, rng.randint(8, 17), rng.choice([0, 15, 30, 45]))
            length = {ActivityKind.CALL: 30, ActivityKind.TASK: 0}.get(kind, 60)
            end = start + timedelta(minutes=length)
            customer = rng.choice(customers) if customers and kind != ActivityKind.TASK else None
            subject = {
                ActivityKind.VISIT: "客户拜访",
                ActivityKind.MEETING: "客户会议",
                ActivityKind.CALL: rng.choice(_CALLS),
                ActivityKind.TASK: rng.choice(_TASKS),
            }[kind]
            a = Activity(
                kind=kind,
                subject=subject,
                customer_id=customer,
                contact_id=contacts.get(customer) if customer else None,
                owner_id=rep.pk,
                org_unit=rep.unit,
                planned_start=start,
                planned_end=end,
                purpose=rng.choice(_PURPOSES) if kind != ActivityKind.TASK else "",
                status=ActivityStatus.PLANNED,
                is_planned=True,
                created_by_id=rep.pk,
                updated_by_id=rep.pk,
            )
            if end < now:
                roll = rng.random()
                if kind == ActivityKind.VISIT and roll < 0.1:
                    a.is_planned = False  # logged afterwards
                if roll < 0.8 or not a.is_planned:
                    a.status = ActivityStatus.DONE
                    a.completed_at = end
                    a.notes = rng.choice(_OUTCOMES)
                    a.next_step = rng.choice(_NEXT)
                    if kind in (ActivityKind.VISIT, ActivityKind.MEETING):
                        a.checked_in_at = start + timedelta(minutes=rng.randint(-10, 10))
                elif roll < 0.88:
                    a.status = ActivityStatus.CANCELLED
                    a.notes = "客户临时有事，改期。"
                # else: still planned, so overdue
            rows.append(a)
    return rows


def _timeline(activities: list[Activity]) -> None:
    """Completed visits and calls on the customers' timelines (bulk), linked both ways."""
    channel = {ActivityKind.VISIT: Channel.VISIT, ActivityKind.CALL: Channel.CALL}
    todo = [
        a
        for a in activities
        if a.status == ActivityStatus.DONE and a.customer_id and a.kind in channel
    ]
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        items = Interaction.objects.bulk_create(
            [
                Interaction(
                    customer_id=int(a.customer_id or 0),
                    channel=channel[ActivityKind(a.kind)],
                    occurred_at=a.checked_in_at or a.planned_start,
                    contact_id=a.contact_id,
                    summary="\n".join(
                        p
                        for p in (a.subject, a.notes, a.next_step and f"下一步：{a.next_step}")
                        if p
                    ),
                    author_id=a.owner_id,
                    created_by_id=a.owner_id,
                    updated_by_id=a.owner_id,
                )
                for a in chunk
            ]
        )
        for a, item in zip(chunk, items, strict=True):
            a.interaction_id = item.pk


def _round(amount: float) -> Decimal:
    return Decimal(int(amount / 10000) * 10000)


def _targets(rng: random.Random, reps: list[User], today: date) -> list[Target]:
    """This fiscal year's monthly and quarterly targets of the reps, and quarterly and
    yearly ones of their teams, branches and companies (sums of the reps' plus a margin)."""
    fiscal = fiscal_start_month()
    year = period_of(PeriodKind.YEAR, today, fiscal)
    months = [add_months(year.start, i) for i in range(12)]
    quarters = months[::3]
    existing: set[tuple[str, date, int | None, int | None]] = set(
        Target.objects.filter(period_start__gte=year.start, period_start__lt=year.end).values_list(
            "period_kind", "period_start", "rep_id", "org_unit_id"
        )
    )
    rows: list[Target] = []

    def add(kind: str, start: date, amount: Decimal, rep: User | None, unit_id: Any) -> None:
        key = (kind, start, rep.pk if rep else None, unit_id if rep is None else rep.unit_id)
        if key in existing or amount <= 0:
            return
        existing.add(key)
        rows.append(
            Target(
                period_kind=kind,
                period_start=start,
                rep=rep,
                org_unit_id=unit_id,
                amount=amount,
            )
        )

    unit_quarter: dict[tuple[int, date], Decimal] = {}
    units = {u.pk: u for u in OrgUnit.objects.all()}
    for rep in reps:
        base = rng.randint(20, 60) * 10000
        for m in months:
            add(PeriodKind.MONTH, m, _round(base * rng.uniform(0.8, 1.3)), rep, rep.unit_id)
        for q in quarters:
            amount = _round(base * 3.1)
            add(PeriodKind.QUARTER, q, amount, rep, rep.unit_id)
            # every unit above the rep (team, branch, company) carries the rep's share
            path_ids = [
                int(p) for p in units[int(rep.unit_id or 0)].path.strip("/").split("/") if p
            ]
            for unit_id in path_ids:
                if units[unit_id].depth >= 1:
                    unit_quarter[(unit_id, q)] = unit_quarter.get((unit_id, q), Decimal(0)) + amount
    for (unit_id, q), amount in unit_quarter.items():
        add(PeriodKind.QUARTER, q, _round(float(amount) * 1.1), None, unit_id)
    for unit_id in {u for u, _q in unit_quarter}:
        total = sum((a for (u, _q), a in unit_quarter.items() if u == unit_id), Decimal(0))
        add(PeriodKind.YEAR, year.start, _round(float(total) * 1.1), None, unit_id)
    return rows


@transaction.atomic
def load_activities(customers: int = 200, seed: int = 2026) -> dict[str, int]:
    rng = random.Random(seed)
    reps = list(User.objects.filter(username__in=REPS + MANAGERS).select_related("unit"))
    reps = [r for r in reps if r.unit_id is not None]
    if not reps:
        return {"activities": 0, "targets": 0}
    today = timezone.localdate()
    made = 0
    if not Activity.all_objects.exists():
        now = timezone.now()
        owned = _customers_of(reps)
        contacts = _primary_contacts([c for ids in owned.values() for c in ids])
        days_back = _days_back(customers)
        activities: list[Activity] = []
        for rep in reps:
            # managers visit too, though less: their key accounts
            rep_days = days_back if rep.username in REPS else min(days_back, 28)
            activities += _activity_rows(
                rng, rep, owned.get(rep.pk, []), contacts, today, rep_days, now
            )
        _timeline(activities)
        Activity.objects.bulk_create(activities, batch_size=BATCH)
        made = len(activities)
    targets = _targets(rng, [r for r in reps if r.username in REPS], today)
    Target.objects.bulk_create(targets, batch_size=BATCH)
    return {"activities": made, "targets": len(targets)}


__all__ = ["load_activities"]
