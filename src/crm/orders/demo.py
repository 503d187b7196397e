"""Demo orders to cash (`crm demo`): an order for each won opportunity (its lines) and direct
orders for customers drawn with Pareto weights (a few customers buy most), over the last three
years; shipped orders have a shipment with its logistics events and an invoice; most invoices
are paid and allocated, some are open and overdue. Each invoice and payment has its ledger
entry, so balances are the ledger's sums like everywhere else.

Set-based like the other demos: rows are built in one pass and written with crm.core.bulk
(COPY on PostgreSQL, batched INSERT elsewhere). Idempotent: opportunities that already have an
order get none, and direct orders are made only while there are none.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from crm.core.bulk import Writer, defaults, reserve_ids
from crm.customers.models import Customer
from crm.products.models import Product
from crm.sales.totals import Places, line_totals

from .models import OrderLine, OrderStatus, OrderStatusChange, SalesOrder
from .models_receivables import EntryKind, Invoice, Payment, PaymentAllocation, ReceivableEntry
from .models_shipping import Shipment, ShipmentEvent, ShipmentLine, ShipmentStatus

TAX = Decimal(13)
PLACES = Places(amount=2)
S = OrderStatus
# Older orders are mostly done; recent ones still move.
_RECENT_STATUSES = [
    (S.DRAFT, 2),
    (S.CONFIRMED, 3),
    (S.PARTLY_SHIPPED, 1),
    (S.SHIPPED, 3),
    (S.COMPLETED, 2),
    (S.CANCELLED, 1),
]
_CARRIERS = ["顺丰速运", "中国石化物流", "德邦物流", "京东物流", "中远海运"]


_WITH_IDS = {SalesOrder, OrderLine, Shipment, Invoice, Payment}


class _Rows:
    """Rows per model in column order, written together (parents before children)."""

    def __init__(self, *models: Any) -> None:
        self.writers = {m: Writer(m, with_id=m in _WITH_IDS) for m in models}
        self.base = {m: defaults(m) for m in models}
        self.rows: dict[Any, list[tuple[Any, ...]]] = {m: [] for m in models}

    def add(self, model: Any, **values: Any) -> None:
        row = {**self.base[model], **values}
        if model not in _WITH_IDS:
            row.pop("id", None)
        self.rows[model].append(tuple(row.values()))

    def flush(self) -> None:
        for model, rows in self.rows.items():
            self.writers[model].write(rows)
            rows.clear()


def _pareto_customers(rng: random.Random, customers: list[Any], n: int) -> list[Any]:
    """n customers drawn with weights 1/rank^1.2: a fifth of them get most of the orders."""
    weights = [1 / (rank + 1) ** 1.2 for rank in range(len(customers))]
    return rng.choices(customers, weights, k=n)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@transaction.atomic
def load_orders(customers: int = 200, seed: int = 2026) -> dict[str, int]:
    from crm.sales.models import Opportunity, OpportunityLine, OpportunityStatus

    rng = random.Random(seed)
    today = timezone.localdate()
    won = list(
        Opportunity.objects.filter(status=OpportunityStatus.WON, closed_on__isnull=False)
        .exclude(
            pk__in=SalesOrder.all_objects.filter(opportunity__isnull=False).values("opportunity")
        )
        .values("pk", "customer_id", "owner_id", "org_unit_id", "closed_on")
        .order_by("pk")
    )
    opp_lines: dict[int, list[tuple[int, Decimal, Decimal]]] = {}
    for li in OpportunityLine.objects.filter(opportunity__in=[w["pk"] for w in won]).values(
        "opportunity_id", "product_id", "quantity", "unit_price"
    ):
        opp_lines.setdefault(li["opportunity_id"], []).append(
            (li["product_id"], li["quantity"], li["unit_price"])
        )
    products = list(Product.objects.filter(active=True).values("pk", "unit_id", "list_price"))
    if not products:
        return {"orders": 0, "lines": 0, "shipments": 0, "invoices": 0, "payments": 0}
    units = {p["pk"]: p["unit_id"] for p in products}
    plans: list[dict[str, Any]] = []
    for w in won:
        lines = opp_lines.get(w["pk"])
        closed = w["closed_on"]
        if lines and closed is not None and closed <= today:
            plans.append({**w, "opportunity_id": w["pk"], "day": w["closed_on"], "lines": lines})
    if not SalesOrder.all_objects.filter(opportunity__isnull=True).exists():
        pool = list(
            Customer.objects.order_by("pk").values("pk", "owner_id", "org_unit_id")[
                : max(0, customers)
            ]
        )
        for c in _pareto_customers(rng, pool, len(pool) // 2) if pool else []:
            picks = rng.sample(products, k=min(len(products), rng.randint(1, 3)))
            plans.append(
                {
                    "customer_id": c["pk"],
                    "owner_id": c["owner_id"],
                    "org_unit_id": c["org_unit_id"],
                    "opportunity_id": None,
                    "day": today - timedelta(days=rng.randint(0, 3 * 365)),
                    "lines": [
                        (p["pk"], Decimal(rng.randint(1, 40)), p["list_price"] or Decimal(100))
                        for p in picks
                    ],
                }
            )
    if not plans:
        return {"orders": 0, "lines": 0, "shipments": 0, "invoices": 0, "payments": 0}
    return _write(rng, plans, units, today)


def _status(rng: random.Random, day: date, today: date) -> str:
    if (today - day).days > 120:
        return rng.choices([S.COMPLETED, S.SHIPPED, S.CANCELLED], [8, 2, 1])[0]
    statuses, weights = zip(*_RECENT_STATUSES, strict=True)
    return rng.choices(statuses, weights)[0]


def _write(
    rng: random.Random, plans: list[dict[str, Any]], units: dict[int, int], today: date
) -> dict[str, int]:
    n_lines = sum(len(p["lines"]) for p in plans)
    order_id = reserve_ids(SalesOrder, len(plans))
    line_id = reserve_ids(OrderLine, n_lines)
    ship_id = reserve_ids(Shipment, len(plans))
    inv_id = reserve_ids(Invoice, len(plans))
    pay_id = reserve_ids(Payment, len(plans))
    out = _Rows(
        SalesOrder, OrderLine, OrderStatusChange, Shipment, ShipmentLine, ShipmentEvent,
        Invoice, Payment, PaymentAllocation, ReceivableEntry,
    )  # fmt: skip
    counts = {"orders": 0, "lines": 0, "shipments": 0, "invoices": 0, "payments": 0}
    for p in plans:
        oid, day = order_id, p["day"]
        order_id += 1
        status = _status(rng, day, today)
        shipped_all = status in (S.SHIPPED, S.COMPLETED)
        partly = status == S.PARTLY_SHIPPED
        net = tax = Decimal(0)
        ship_lines = []
        for i, (product_id, qty, price) in enumerate(p["lines"]):
            t = line_totals(quantity=qty, unit_price=price, tax_rate=TAX, p=PLACES)
            net, tax = net + t.net, tax + t.tax
            shipped = qty if shipped_all else (qty / 2 if partly and i == 0 else Decimal(0))
            out.add(
                OrderLine, id=line_id, order_id=oid, product_id=product_id,
                unit_id=units.get(product_id), quantity=qty, unit_price=price,
                discount_percent=Decimal(0), tax_rate=TAX, net_amount=t.net, tax_amount=t.tax,
                gross_amount=t.gross, shipped_quantity=shipped, returned_quantity=Decimal(0),
                sort_order=i,
            )  # fmt: skip
            if shipped:
                ship_lines.append((line_id, shipped))
            line_id += 1
        counts["lines"] += len(p["lines"])
        created = _at(day)
        out.add(
            SalesOrder, id=oid, number=f"SO{oid:09d}", customer_id=p["customer_id"],
            opportunity_id=p["opportunity_id"], owner_id=p["owner_id"],
            org_unit_id=p["org_unit_id"], status=status, order_date=day, notes="",
            net_total=net, tax_total=tax, gross_total=net + tax, status_changed_at=created,
            created_at=created, updated_at=created, created_by_id=p["owner_id"],
            updated_by_id=p["owner_id"], payment_terms_days=None,
        )  # fmt: skip
        counts["orders"] += 1
        log: list[tuple[str, str]] = [("", S.DRAFT)]
        if status != S.DRAFT:
            log.append((S.DRAFT, S.CONFIRMED if status != S.CANCELLED else S.CANCELLED))
        if status not in (S.DRAFT, S.CONFIRMED, S.CANCELLED):
            log.append((S.CONFIRMED, status))
        for old, new in log:
            out.add(
                OrderStatusChange, order_id=oid, from_status=old, to_status=new,
                changed_at=created, changed_by_id=p["owner_id"], comment="",
            )  # fmt: skip
        if not ship_lines:
            continue
        sid, ship_day = ship_id, day + timedelta(days=rng.randint(1, 7))
        ship_id += 1
        delivered = ship_day + timedelta(days=3) <= today
        out.add(
            Shipment, id=sid, number=f"SH{sid:09d}", order_id=oid, customer_id=p["customer_id"],
            carrier=rng.choice(_CARRIERS), tracking_number=f"{rng.randrange(10**11, 10**12)}",
            status=ShipmentStatus.DELIVERED if delivered else ShipmentStatus.IN_TRANSIT,
            shipped_on=ship_day, created_at=_at(ship_day), updated_at=_at(ship_day),
            created_by_id=p["owner_id"], updated_by_id=p["owner_id"],
        )  # fmt: skip
        counts["shipments"] += 1
        for lid, qty in ship_lines:
            out.add(ShipmentLine, shipment_id=sid, order_line_id=lid, quantity=qty)
        events = [(ShipmentStatus.CREATED, 0), (ShipmentStatus.IN_TRANSIT, 1)]
        if delivered:
            events.append((ShipmentStatus.DELIVERED, 3))
        for ev, after in events:
            out.add(
                ShipmentEvent, shipment_id=sid, status=ev, at=_at(ship_day + timedelta(days=after)),
                note="", created_by_id=p["owner_id"],
            )  # fmt: skip
        if not shipped_all:
            continue
        iid, due = inv_id, ship_day + timedelta(days=30)
        inv_id += 1
        gross = net + tax
        out.add(
            Invoice, id=iid, number=f"INV{iid:09d}",
            fapiao_number=f"{rng.randrange(10**7, 10**8)}",
            fapiao_type=rng.choice(["special", "special", "ordinary"]),
            customer_id=p["customer_id"],
            order_id=oid, shipment_id=sid, owner_id=p["owner_id"], org_unit_id=p["org_unit_id"],
            issue_date=ship_day, due_date=due, net_amount=net, tax_amount=tax, gross_amount=gross,
            created_at=_at(ship_day), updated_at=_at(ship_day), created_by_id=p["owner_id"],
            updated_by_id=p["owner_id"],
        )  # fmt: skip
        counts["invoices"] += 1
        out.add(
            ReceivableEntry, customer_id=p["customer_id"], kind=EntryKind.INVOICE, amount=gross,
            on=ship_day, invoice_id=iid, owner_id=p["owner_id"], org_unit_id=p["org_unit_id"],
            created_at=_at(ship_day),
        )  # fmt: skip
        # Most invoices are paid (some in part); recent and a few old ones stay open.
        roll = rng.random()
        if due > today and roll < 0.5 or roll < 0.1:
            continue
        paid = gross if roll > 0.2 else (gross / 2).quantize(Decimal("0.01"))
        pid, paid_on = pay_id, min(today, due + timedelta(days=rng.randint(-20, 15)))
        pay_id += 1
        out.add(
            Payment, id=pid, number=f"PAY{pid:09d}", customer_id=p["customer_id"],
            owner_id=p["owner_id"], org_unit_id=p["org_unit_id"], received_on=paid_on,
            amount=paid, method=rng.choice(["transfer", "transfer", "acceptance"]),
            reference=f"BK{rng.randrange(10**9, 10**10)}", created_at=_at(paid_on),
            updated_at=_at(paid_on), created_by_id=p["owner_id"], updated_by_id=p["owner_id"],
        )  # fmt: skip
        counts["payments"] += 1
        out.add(
            PaymentAllocation, payment_id=pid, invoice_id=iid, amount=paid,
            created_at=_at(paid_on), created_by_id=p["owner_id"],
        )  # fmt: skip
        out.add(
            ReceivableEntry, customer_id=p["customer_id"], kind=EntryKind.PAYMENT, amount=-paid,
            on=paid_on, payment_id=pid, owner_id=p["owner_id"], org_unit_id=p["org_unit_id"],
            created_at=_at(paid_on),
        )  # fmt: skip
        if len(out.rows[OrderLine]) >= 5000:
            out.flush()
    out.flush()
    return counts
