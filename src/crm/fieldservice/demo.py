"""Demo equipment and service plans (`crm demo --customers N`): one piece of equipment for
about one customer in ten (the customers whose id ends in 7), with an installed product and a
service plan due within the next two months; the call-centre agent (孙丽) is the expert for
every skill. Idempotent: a customer with equipment gets none again, a skill is granted once."""

import random
from datetime import timedelta

from django.db import transaction
from django.db.models.functions import Mod
from django.utils import timezone

from crm.customers.models import Customer
from crm.org.models import User
from crm.products.models import Product

from .models import (
    Equipment,
    EquipmentType,
    ExpertSkill,
    InstalledProduct,
    IntervalUnit,
    ServicePlan,
    Skill,
)
from .seed import seed_skills

REMAINDER = 7  # customer id % 10
EXPERTS = ["agent"]
_LOCATIONS = ["一号车间", "二号装置区", "罐区东侧", "动力站", "炼化一部"]


@transaction.atomic
def load_equipment(customers: int = 200, seed: int = 2026) -> dict[str, int]:
    seed_skills(Skill, EquipmentType)
    skills = list(Skill.objects.filter(active=True))
    grants = 0
    for user in User.objects.filter(username__in=EXPERTS):
        for skill in skills:
            _, created = ExpertSkill.objects.get_or_create(user=user, skill=skill)
            grants += created
    todo = list(
        Customer.objects.annotate(r=Mod("id", 10))
        .filter(r=REMAINDER)
        .exclude(pk__in=Equipment.all_objects.values("customer_id"))
        .order_by("pk")
        .values_list("pk", flat=True)[: max(0, customers) // 10 + 1]
    )
    types = list(EquipmentType.objects.filter(active=True))
    if not todo or not types:
        return {"equipment": 0, "plans": 0, "expert_skills": grants}
    rng = random.Random(seed)
    products = list(Product.objects.filter(active=True).values_list("pk", flat=True)[:50])
    today = timezone.localdate()
    made = Equipment.objects.bulk_create(
        [
            Equipment(
                customer_id=customer,
                name=f"{kind.name}{rng.randint(1, 9)}号",
                type=kind,
                model_number=f"FS-{rng.randint(100, 999)}",
                location=rng.choice(_LOCATIONS),
                installed_on=today - timedelta(days=rng.randint(200, 3000)),
            )
            for customer in todo
            for kind in [rng.choice(types)]
        ]
    )
    if products:
        InstalledProduct.objects.bulk_create(
            [
                InstalledProduct(
                    equipment=e, product_id=rng.choice(products), quantity=rng.randint(1, 20)
                )
                for e in made
            ]
        )
    ServicePlan.objects.bulk_create(
        [
            ServicePlan(
                equipment=e,
                customer_id=e.customer_id,
                name=f"{e.type.name}定期保养",
                interval=rng.choice([3, 6, 12]),
                interval_unit=IntervalUnit.MONTHS,
                next_due=today + timedelta(days=rng.randint(0, 60)),
                skill_id=e.type.skill_id,
            )
            for e in made
        ]
    )
    return {"equipment": len(made), "plans": len(made), "expert_skills": grants}
