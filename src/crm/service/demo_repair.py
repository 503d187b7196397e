"""Demo warranty and repair data (SVC-3): warranty periods on the catalogue, and on some of
the demo's repair tickets a product (one the customer bought, where there is one), a repair
work order with parts and labour, and now and then a product defect.

About one repair ticket per twenty customers gets the data (at most 200), through the
services, so charges follow the warranty rules. Idempotent: products keep a warranty period
once set, and a ticket with a work order is skipped.
"""

import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from crm.org.models import User
from crm.products.models import Product

from . import services_repair
from .models import RepairOrderStatus, Ticket, TicketStatus
from .selectors_repair import REPAIR_TYPE

MAX_TICKETS = 200
WARRANTY_MONTHS = [6, 12, 12, 24, 36]
_DEFECTS = ["密封件渗漏", "轴承异响", "外壳开裂", "电机过热", "包装内配件缺失"]


@transaction.atomic
def load_repairs(customers: int, seed: int = 2026) -> dict[str, int]:
    rng = random.Random(seed)
    products = list(Product.objects.filter(active=True).order_by("pk"))
    actor = User.objects.filter(username="agent").first()
    if not products or actor is None:
        return {"products": 0, "repair_orders": 0, "defects": 0}
    unset = [p for p in products if p.warranty_months == 0]
    for p in unset:
        p.warranty_months = rng.choice(WARRANTY_MONTHS)
    Product.objects.bulk_update(unset, ["warranty_months"])
    target = min(MAX_TICKETS, max(1, customers // 20))
    tickets = list(
        Ticket.objects.filter(type__code=REPAIR_TYPE, repair_orders__isnull=True)
        .select_related("type", "customer", "product")
        .order_by("pk")[:target]
    )
    bought = _bought(ticket.customer_id for ticket in tickets)
    orders = defects = 0
    for ticket in tickets:
        if ticket.product_id is None:
            ticket.product = rng.choice(bought.get(ticket.customer_id) or products)
            Ticket.all_objects.filter(pk=ticket.pk).update(product=ticket.product)
        if not services_repair.free_of_charge(ticket):
            Ticket.all_objects.filter(pk=ticket.pk).update(repair_charge="paid")
            ticket.repair_charge = "paid"
        part = rng.choice(products)
        order = services_repair.repair_order_create(
            ticket=ticket,
            actor=actor,
            labour_hours=Decimal(rng.choice(["0.5", "1", "1.5", "2", "4"])),
            labour_rate=Decimal("120"),
            parts=[{"product": part, "quantity": Decimal(rng.randint(1, 3)), "unit_price": None}],
        )
        if ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
            services_repair.repair_order_update(
                order=order, version=order.version, actor=actor, status=RepairOrderStatus.DONE
            )
        orders += 1
        if rng.random() < 0.3:
            services_repair.defect_create(
                ticket=ticket,
                actor=actor,
                description=rng.choice(_DEFECTS),
                batch_number=f"B{ticket.created_at:%Y%m}-{rng.randint(1, 99):02d}",
                severity=rng.choice(["minor", "minor", "major", "critical"]),
            )
            defects += 1
    return {"products": len(unset), "repair_orders": orders, "defects": defects}


def _bought(customer_ids: Any) -> dict[int, list[Product]]:
    """The products each customer has on a shipped or completed order."""
    from crm.orders.models import OrderLine, OrderStatus

    ids = list(customer_ids)
    out: dict[int, list[Product]] = {}
    lines = OrderLine.objects.filter(
        order__customer__in=ids,
        order__status__in=[OrderStatus.SHIPPED, OrderStatus.COMPLETED],
    ).select_related("product", "order")
    for line in lines[:5000]:
        out.setdefault(line.order.customer_id, []).append(line.product)
    return out
