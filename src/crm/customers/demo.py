"""Demo customers (`crm demo --customers N`): realistic Chinese companies, contacts, timeline.

Idempotent: it tops the demo up to N customers. Rows are written with bulk_create in batches
(search keys computed in Python in the same pass), so it scales to large N; the bulk load
writes no history entries (it is seed data, not a user's change).
"""

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from faker import Faker
from stdnum.cn import uscc as stdnum_uscc

from crm.org.models import User

from . import divisions
from .models import Channel, Choice, Contact, Customer, CustomerStatus, DecisionRole, Interaction
from .normalise import normalise_name
from .services import customer_search_text, format_code, next_code_number

# Well-known groups with the short names people type (中石化 → zsh).
FAMOUS = [
    ("中国石油化工股份有限公司", "中石化"),
    ("中国石油天然气股份有限公司", "中石油"),
    ("中国海洋石油集团有限公司", "中海油"),
    ("中国中化控股有限责任公司", "中化"),
    ("万华化学集团股份有限公司", "万华化学"),
    ("上海华谊（集团）公司", "华谊集团"),
    ("中国宝武钢铁集团有限公司", "宝武"),
    ("国家电网有限公司", "国家电网"),
    ("中国移动通信集团有限公司", "中国移动"),
    ("比亚迪股份有限公司", "比亚迪"),
    ("恒力石化股份有限公司", "恒力石化"),
    ("荣盛石化股份有限公司", "荣盛石化"),
]
# Owner weights: a few reps hold most customers (Pareto-like).
OWNERS = [("rep_east_1", 6), ("rep_east_2", 3), ("rep_west_1", 2)]
BATCH = 1000
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _uscc(rng: random.Random, province: str) -> str:
    body = "91" + (province or "31").ljust(6, "0") + "".join(rng.choices(_ALPHABET, k=9))
    return body + stdnum_uscc.calc_check_digit(body)


def _address(rng: random.Random) -> tuple[str, str, str]:
    province = rng.choice(divisions.children(""))
    cities = divisions.children(province.code)
    if not cities:
        return province.code, "", ""
    city = rng.choice(cities)
    districts = divisions.children(city.code)
    return province.code, city.code, rng.choice(districts).code if districts else ""


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


@transaction.atomic
def load_customers(n: int = 200, *, seed: int = 2026) -> dict[str, int]:
    """Create demo customers until there are `n`; returns how many rows were created."""
    existing = Customer.all_objects.count()
    todo = max(0, n - existing)
    if not todo:
        return {"customers": 0, "contacts": 0, "interactions": 0}
    owners_by_name = {
        u.username: u
        for u in User.objects.filter(username__in=[o for o, _w in OWNERS]).select_related("unit")
    }
    owners = [owners_by_name[name] for name, _w in OWNERS if name in owners_by_name]
    if not owners:
        raise RuntimeError("Load the demo organisation first (crm demo).")
    weights = [w for name, w in OWNERS if name in owners_by_name]
    rng = random.Random(seed + existing)
    fake = Faker("zh_CN")
    fake.seed_instance(seed + existing)
    choices: dict[str, list[Choice]] = {}
    for choice in Choice.objects.filter(active=True):
        choices.setdefault(choice.kind, []).append(choice)
    taken = set(Customer.objects.exclude(uscc="").values_list("uscc", flat=True))
    number = next_code_number()
    now = timezone.now()
    counts = {"customers": 0, "contacts": 0, "interactions": 0}
    for start in range(0, todo, BATCH):
        size = min(BATCH, todo - start)
        customers: list[Customer] = []
        contact_rows: list[list[dict[str, Any]]] = []
        for i in range(size):
            index = existing + start + i
            if index < len(FAMOUS):
                name, short = FAMOUS[index]
            else:
                name = fake.company()
                short = fake.company_prefix()
            province, city, district = _address(rng)
            owner = rng.choices(owners, weights)[0]
            uscc = _uscc(rng, province) if rng.random() < 0.8 else ""
            if uscc in taken:
                uscc = ""
            taken.add(uscc)
            customer = Customer(
                name=name[:200],
                short_name=short[:60],
                code=format_code(number),
                uscc=uscc,
                tax_id=uscc,
                bank=rng.choice(
                    ["中国工商银行", "中国建设银行", "中国银行", "招商银行", "交通银行"]
                )
                + fake.city_name()
                + "支行",
                bank_account=f"62{rng.randrange(10**17):017d}",
                province=province,
                city=city,
                district=district,
                street=fake.street_address(),
                phone=fake.phone_number(),
                status=rng.choices(list(CustomerStatus.values), [2, 6, 2, 1])[0],
                credit_limit=Decimal(rng.choice([0, 50_000, 100_000, 500_000, 2_000_000])),
                tags=",".join(rng.sample(["重点", "国企", "长期合作", "新客户", "招投标"], 2)),
                owner=owner,
                org_unit=owner.unit,
                created_by=owner,
                updated_by=owner,
                # Choice kinds are named like the customer's fields.
                **{kind: rng.choice(items) for kind, items in choices.items()},
            )
            number += 1
            people = [
                {
                    "name": fake.name(),
                    "title": fake.job()[:60],
                    "role": rng.choice(list(DecisionRole.values)),
                    "mobile": _mobile(rng),
                    "landline": "",
                    "email": fake.email(),
                    "is_primary": k == 0,
                }
                for k in range(rng.randint(1, 5))
            ]
            customer.search_text = customer_search_text(customer, people)
            customer.name_key = normalise_name(customer.name)
            customers.append(customer)
            contact_rows.append(people)
        Customer.objects.bulk_create(customers)
        contacts: list[Contact] = []
        for customer, people in zip(customers, contact_rows, strict=True):
            for p in people:
                contacts.append(
                    Contact(customer=customer, created_by=customer.owner, **p)  # type: ignore[misc]
                )
        Contact.objects.bulk_create(contacts)
        by_customer: dict[int, list[Contact]] = {}
        for c in contacts:
            by_customer.setdefault(c.customer_id, []).append(c)
        interactions: list[Interaction] = []
        for customer in customers:
            # Pareto: most customers have a handful of interactions, a few have many.
            for _k in range(min(60, int(rng.paretovariate(1.2)) - 1)):
                people_of = by_customer.get(customer.pk, [])
                interactions.append(
                    Interaction(
                        customer=customer,
                        channel=rng.choice(list(Channel.values)),
                        direction=rng.choice(["in", "out"]),
                        occurred_at=now - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60)),
                        contact=rng.choice(people_of) if people_of else None,
                        summary=rng.choice(
                            [
                                "电话沟通采购计划，客户关注价格与交期。",
                                "上门拜访，介绍新产品并了解使用情况。",
                                "发送报价单，等待客户确认。",
                                "客户来电咨询发票与付款事宜。",
                                "微信沟通样品测试结果。",
                            ]
                        ),
                        author=customer.owner,
                        created_by=customer.owner,
                    )
                )
        Interaction.objects.bulk_create(interactions, batch_size=BATCH)
        counts["customers"] += len(customers)
        counts["contacts"] += len(contacts)
        counts["interactions"] += len(interactions)
    return counts
