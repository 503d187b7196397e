"""Demo leads and opportunities (`crm demo --customers N`), proportional to the customers.

About 0.3 opportunities per customer (the customers whose id ends in 1, 4 or 8 get one each),
spread over the stages of their business unit's set (most open, some won, some lost), each with
its stage history (time in every stage) and, when demo products exist, one to three product
lines; and about one lead per twenty customers in every lead status. Idempotent: it tops up
(a customer that has an opportunity gets no second one; leads are topped up to their share).

Set-based: rows are generated in Python in one pass over the customers and written with the
customers demo's writer (PostgreSQL COPY, batched INSERT elsewhere) — fast at a million
customers. Like the customers demo it writes no history entries (seed data, not a user's
change); the forecast summary is rebuilt in one set-based pass after the opportunities.
"""

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Mod
from django.utils import timezone

from crm.core.bulk import Writer, columns, defaults, reserve_ids
from crm.core.fields import quantize
from crm.customers.demo import OWNERS
from crm.customers.models import Choice, ChoiceKind, Contact, Customer
from crm.customers.searchkeys import phone_key, text_key
from crm.org.models import OrgUnit, User

from . import services_forecast
from .models import (
    ForecastCell,
    Lead,
    LeadStatus,
    Opportunity,
    OpportunityLine,
    OpportunityStatus,
    Stage,
    StageChange,
)
from .seed import seed_stages
from .stages import stage_set_for_unit

BATCH = 5000
OPPORTUNITY_REMAINDERS = (1, 4, 8)  # customer id % 10: about 0.3 opportunities per customer
LEADS_PER_CUSTOMER = 0.05
_TOPICS = [
    "年度框架采购",
    "新产线配套",
    "季度补货",
    "技改项目",
    "招标项目",
    "试用订单",
    "备品备件",
    "战略合作",
    "替代进口",
    "扩产项目",
]
_COMPETITORS = ["巴斯夫", "陶氏", "科思创", "万华化学", "中石化", "本地经销商", ""]
_NEXT = ["安排技术交流", "提交报价", "样品测试", "商务谈判", "等待招标结果", "合同评审", ""]
_LOST = ["价格偏高", "选择了竞争对手", "项目取消", "交期不满足", "预算不足"]
_DISQUALIFY = ["无采购需求", "联系方式无效", "规模太小", "重复线索"]
_COMPANY_HEADS = ["江苏", "浙江", "安徽", "四川", "重庆", "山东", "广东", "福建", "湖北", "河南"]
_COMPANY_WORDS = ["恒信", "华瑞", "金桥", "新源", "联创", "宏达", "嘉诚", "东方", "中联", "永泰"]
_COMPANY_TRADES = ["化工", "新材料", "能源", "润滑油", "涂料", "塑胶", "科技", "贸易"]
_PEOPLE = ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴婷"]
_TITLES = ["采购经理", "总经理", "技术主管", "设备部长", "采购专员"]


def _duration(value: timedelta | None, pg: bool) -> Any:
    if value is None:
        return None
    seconds = int(value.total_seconds())
    return f"{seconds} seconds" if pg else seconds * 1_000_000


def _stage_plan(rng: random.Random, stages: list[Stage]) -> tuple[list[Stage], Stage]:
    """The stages an opportunity went through, and the one it is in."""
    open_ = [s for s in stages if not s.is_closed]
    won = next((s for s in stages if s.is_won), None)
    lost = next((s for s in stages if s.is_lost), None)
    r = rng.random()
    if r < 0.15 and won is not None:
        path = open_[: rng.randint(2, len(open_))] if len(open_) > 1 else open_
        return path, won
    if r < 0.25 and lost is not None:
        path = open_[: rng.randint(1, len(open_))]
        return path, lost
    weights = [max(1, len(open_) - i) for i in range(len(open_))]
    k = rng.choices(range(len(open_)), weights=weights)[0]
    return open_[: k + 1], open_[k]


def _products() -> list[tuple[int, Decimal]]:
    from crm.products.models import Product

    rows = Product.objects.filter(active=True).order_by("id").values_list("id", "list_price")
    return [(pk, price) for pk, price in rows[:500]]


def _stage_sets() -> Callable[[int], list[Stage]]:
    cache: dict[int, list[Stage]] = {}
    units = {u.pk: u for u in OrgUnit.all_objects.all()}

    def get(unit_id: int) -> list[Stage]:
        if unit_id not in cache:
            cache[unit_id] = list(stage_set_for_unit(units.get(unit_id), active_only=True))
        return cache[unit_id]

    return get


def load_sales(
    customers: int = 200,
    *,
    seed: int = 2026,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Top the demo pipeline up for the first `customers` customers; returns rows created."""
    counts = {"opportunities": 0, "stage_changes": 0, "lines": 0, "leads": 0}
    with transaction.atomic():
        seed_stages(Stage)  # normally there from the data migration; kept if edited
        counts.update(_load_opportunities(customers, seed, progress))
        if counts["opportunities"]:
            # Bulk rows bypass the services: the forecast summary is recomputed set-based.
            services_forecast.rebuild()
        counts["leads"] = _load_leads(customers, seed)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (Opportunity, StageChange, OpportunityLine, Lead, ForecastCell):
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
    return counts


def _load_opportunities(
    n: int, seed: int, progress: Callable[[int, int], None] | None
) -> dict[str, int]:
    last = Customer.all_objects.order_by("id").values_list("id", flat=True)[max(0, n - 1) : n]
    top = next(iter(last), None)
    if top is None:
        return {}
    primary = Contact.objects.filter(customer=OuterRef("pk"), is_primary=True).values("pk")[:1]
    todo_qs = (
        Customer.objects.filter(id__lte=top)
        .exclude(opportunities__isnull=False)
        .annotate(remainder=Mod("id", 10))
        .filter(remainder__in=OPPORTUNITY_REMAINDERS)
        .order_by("id")
        .annotate(contact=Subquery(primary))
        .values_list("id", "name", "owner_id", "org_unit_id", "contact")
    )
    todo = todo_qs.count()
    if not todo:
        return {}
    pg = connection.vendor == "postgresql"
    rng = random.Random(f"{seed}:opportunities:{todo}")
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    products = _products()
    stage_sets = _stage_sets()
    first_id = reserve_ids(Opportunity, todo)
    cols = columns(Opportunity)
    base = defaults(Opportunity)
    change_cols = [c for c in columns(StageChange) if c != "id"]
    line_cols = [c for c in columns(OpportunityLine) if c != "id"]
    writers = (
        Writer(Opportunity),
        Writer(StageChange, with_id=False),
        Writer(OpportunityLine, with_id=False),
    )
    out = {"opportunities": 0, "stage_changes": 0, "lines": 0}
    batch: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
    next_id = first_id
    for customer_id, name, owner_id, unit_id, contact_id in todo_qs.iterator(chunk_size=BATCH):
        stages = stage_sets(unit_id)
        if not any(not s.is_closed for s in stages):
            continue
        path, current = _stage_plan(rng, stages)
        created = now - timedelta(days=rng.randint(20, 420), minutes=rng.randint(0, 1440))
        changes: list[tuple[datetime, Stage | None, Stage, timedelta | None]] = []
        at, previous = created, None
        for stage in path if current in path else [*path, current]:
            duration = None
            if previous is not None:
                moved = min(now, at + timedelta(days=rng.randint(3, 40)))
                duration, at = moved - at, moved
            changes.append((at, previous, stage, duration))
            previous = stage
        entered = changes[-1][0]
        lines = []
        if products and rng.random() < 0.8:
            for i in range(rng.randint(1, 3)):
                pid, price = rng.choice(products)
                price = price or Decimal(rng.randint(500, 20000))
                qty = Decimal(rng.randint(1, 200))
                lines.append((i, pid, qty, price, quantize(qty * price, 2)))
            amount = sum((li[4] for li in lines), Decimal(0))
        else:
            amount = Decimal(rng.randint(10, 5000) * 1000)
        if current.is_won:
            status, closed_on = OpportunityStatus.WON, entered.date()
        elif current.is_lost:
            status, closed_on = OpportunityStatus.LOST, entered.date()
        else:
            status, closed_on = OpportunityStatus.OPEN, None
        expected = closed_on or today + timedelta(days=rng.randint(-20, 300))
        row = dict(base)
        row.update(
            id=next_id,
            created_at=created,
            updated_at=entered,
            created_by_id=owner_id,
            updated_by_id=owner_id,
            name=f"{name[:20]} · {rng.choice(_TOPICS)}",
            customer_id=customer_id,
            contact_id=contact_id,
            owner_id=owner_id,
            org_unit_id=unit_id,
            stage_id=current.pk,
            status=status,
            amount=amount,
            probability=current.probability,
            expected_close=expected,
            closed_on=closed_on,
            lost_reason=rng.choice(_LOST) if current.is_lost else "",
            competitors=rng.choice(_COMPETITORS),
            next_step="" if closed_on else rng.choice(_NEXT),
            stage_entered_at=entered,
        )
        batch[0].append(tuple(row[c] for c in cols))
        for at_, from_stage, to_stage, duration in changes:
            change = {
                "opportunity_id": next_id,
                "from_stage_id": from_stage.pk if from_stage else None,
                "to_stage_id": to_stage.pk,
                "changed_at": at_,
                "changed_by_id": owner_id,
                "duration": _duration(duration, pg),
            }
            batch[1].append(tuple(change[c] for c in change_cols))
        for sort, pid, qty, price, line_amount in lines:
            line = {
                "opportunity_id": next_id,
                "product_id": pid,
                "quantity": qty,
                "unit_price": price,
                "amount": line_amount,
                "sort_order": sort,
            }
            batch[2].append(tuple(line[c] for c in line_cols))
        next_id += 1
        if len(batch[0]) >= BATCH:
            _flush(writers, batch, out, todo, progress)
    _flush(writers, batch, out, todo, progress)
    return out


def _flush(
    writers: tuple[Writer, Writer, Writer],
    batch: tuple[list[Any], list[Any], list[Any]],
    out: dict[str, int],
    todo: int,
    progress: Callable[[int, int], None] | None,
) -> None:
    for writer, rows in zip(writers, batch, strict=True):
        writer.write(rows)
    out["opportunities"] += len(batch[0])
    out["stage_changes"] += len(batch[1])
    out["lines"] += len(batch[2])
    for rows in batch:
        rows.clear()
    if progress:
        progress(out["opportunities"], todo)


def _load_leads(n: int, seed: int) -> int:
    todo = int(n * LEADS_PER_CUSTOMER) - Lead.all_objects.count()
    if todo <= 0:
        return 0
    owners = [
        (u.pk, u.unit_id)
        for u in User.objects.filter(
            username__in=[o for o, _w in OWNERS], unit__isnull=False
        ).order_by("username")
    ]
    if not owners:
        return 0
    rng = random.Random(f"{seed}:leads:{todo}")
    sources = list(
        Choice.objects.filter(kind=ChoiceKind.SOURCE, active=True).values_list("pk", flat=True)
    )
    now = timezone.now().replace(microsecond=0)
    cols = [c for c in columns(Lead) if c != "id"]
    base = defaults(Lead)
    writer = Writer(Lead, with_id=False)
    statuses = [
        (LeadStatus.NEW, 40),
        (LeadStatus.CONTACTED, 25),
        (LeadStatus.QUALIFIED, 15),
        (LeadStatus.DISQUALIFIED, 20),
    ]
    key = cache(text_key)
    rows = []
    for _i in range(todo):
        owner_id, unit_id = rng.choice(owners)
        status = rng.choices([s for s, _w in statuses], weights=[w for _s, w in statuses])[0]
        company = (
            rng.choice(_COMPANY_HEADS)
            + rng.choice(_COMPANY_WORDS)
            + rng.choice(_COMPANY_TRADES)
            + "有限公司"
        )
        person = rng.choice(_PEOPLE)
        mobile = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        created = now - timedelta(days=rng.randint(0, 365), minutes=rng.randint(0, 1440))
        row = dict(base)
        row.update(
            created_at=created,
            updated_at=created,
            created_by_id=owner_id,
            updated_by_id=owner_id,
            company=company,
            contact_name=person,
            title=rng.choice(_TITLES),
            mobile=mobile,
            source_id=rng.choice(sources) if sources else None,
            status=status,
            disqualify_reason=rng.choice(_DISQUALIFY) if status == LeadStatus.DISQUALIFIED else "",
            owner_id=owner_id,
            org_unit_id=unit_id,
            # = services_leads.lead_search_text, with the names' pinyin computed once
            search_text=" | ".join(p for p in (key(company), key(person), phone_key(mobile)) if p),
        )
        rows.append(tuple(row[c] for c in cols))
        if len(rows) >= BATCH:
            writer.write(rows)
            rows = []
    writer.write(rows)
    return todo
