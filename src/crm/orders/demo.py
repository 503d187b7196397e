"""Demo orders to cash (`crm demo --customers N`): three years of sales orders with their
shipments, logistics events, invoices, payments and ledger entries — about ten order lines per
customer (10,000,000 lines at a million customers).

- Every won opportunity gets an order with its lines, dated the day it was won, linked to the
  opportunity's accepted quote and contract (the contract's payment terms).
- Every customer gets direct orders over the last three years, their number drawn from a
  Pareto distribution (α 1.3, at most 300): a fifth of the customers hold about two thirds of
  the revenue; one to three product lines each at the list price.
- Older orders are mostly completed; recent ones are still moving. A shipped order has a
  shipment (its logistics events) and an invoice due after the payment terms; most invoices
  are paid and allocated, some in part, some stay open: half of those not yet due, 15 % of
  those up to 180 days overdue, 2 % of older ones. Each invoice and payment has its ledger
  entry, so a balance is the ledger's sum as everywhere else.

Set-based like the other demos: rows are made in one pass and written with crm.core.bulk (COPY
on PostgreSQL, batched INSERT elsewhere). Amounts are computed in integer cents, exactly as
crm.sales.totals rounds them (half up, per line). A large load on PostgreSQL has its rows made
by forked workers while this process feeds COPY, with the tables' secondary indexes dropped
and rebuilt afterwards and the per-row foreign-key triggers off (every key points at a row read
or reserved here). Idempotent: opportunities that have an order get none, and direct orders
are made only while there are none.
"""

import multiprocessing
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from crm.core.bulk import (
    Writer,
    copy_value,
    defaults,
    drop_secondary_indexes,
    rebuild_indexes,
    reserve_ids,
    vacuum_analyze,
)
from crm.customers.models import Customer
from crm.products.models import Product

from .models import OrderLine, OrderStatus, OrderStatusChange, SalesOrder
from .models_receivables import EntryKind, Invoice, Payment, PaymentAllocation, ReceivableEntry
from .models_shipping import Shipment, ShipmentEvent, ShipmentLine, ShipmentStatus

TAX = 13  # % VAT on every demo line
LINES_PER_CUSTOMER = 10  # direct order lines per customer, on average
PARETO_ALPHA = 1.3  # orders per customer ~ Pareto: the top fifth buy about two thirds
MAX_ORDERS = 300  # per customer in three years
BATCH = 2000  # customers per batch (one worker task)
BULK_THRESHOLD = 200_000  # PostgreSQL: from this many new lines, workers and index rebuild
YEARS = 3
S = OrderStatus
_NULL = "\\N"  # NULL in COPY text
# Older orders are mostly done; recent ones still move.
_RECENT = ([S.DRAFT, S.CONFIRMED, S.PARTLY_SHIPPED, S.SHIPPED, S.COMPLETED, S.CANCELLED],
           [2, 3, 1, 3, 2, 1])  # fmt: skip
_OLD = ([S.COMPLETED, S.SHIPPED, S.CANCELLED], [8, 2, 1])
_CARRIERS = ["顺丰速运", "中国石化物流", "德邦物流", "京东物流", "中远海运"]
_FAPIAO = ["special", "special", "ordinary"]
_METHODS = ["transfer", "transfer", "acceptance"]
# Tables in write order (parents first); True: the generator sets the ids.
_TABLES: list[tuple[type[models.Model], bool]] = [
    (SalesOrder, True),
    (OrderLine, True),
    (OrderStatusChange, False),
    (Shipment, True),
    (ShipmentLine, False),
    (ShipmentEvent, False),
    (Invoice, True),
    (Payment, True),
    (PaymentAllocation, False),
    (ReceivableEntry, False),
]
_COUNTED = {SalesOrder: "orders", OrderLine: "lines", Shipment: "shipments",
            Invoice: "invoices", Payment: "payments"}  # fmt: skip


def _zero() -> dict[str, int]:
    return {"orders": 0, "lines": 0, "shipments": 0, "invoices": 0, "payments": 0}


@dataclass
class _Plan:
    """One order to make: whose, when, which lines (product id, quantity, price)."""

    customer_id: int
    owner_id: int
    org_unit_id: int
    day: date
    lines: list[tuple[int, Decimal, Decimal]]
    opportunity_id: int | None = None
    quote_id: int | None = None
    contract_id: int | None = None
    terms: int | None = None


@dataclass
class _Ids:
    """First ids of a batch; shipments, invoices and payments take their order's offset."""

    order: int
    line: int
    shipment: int
    invoice: int
    payment: int


@dataclass
class _Ctx:
    """What every batch of direct orders needs; shared with forked workers."""

    seed: int
    today: date
    pool: list[tuple[int, int, int]]  # customers: (id, owner id, unit id)
    products: list[tuple[int, int, Decimal]]  # (id, unit id, list price)
    units: dict[int, int]  # product id → unit id
    xm: float  # Pareto scale: orders per customer = min(MAX, int(xm × Pareto(α)))
    ids: list[_Ids]  # per batch


_CTX: _Ctx | None = None  # set before forking workers (they inherit it)


def load_orders(
    customers: int = 200,
    *,
    seed: int = 2026,
    lines_per_customer: float = LINES_PER_CUSTOMER,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Orders to cash for the won opportunities and the first `customers` customers; returns
    the rows created. `workers` processes make the rows of a large PostgreSQL load (default:
    one per CPU); small loads and other databases run in-process."""
    with transaction.atomic():
        counts = _load(customers, seed, lines_per_customer, workers, progress)
    if counts["lines"] >= BULK_THRESHOLD:
        vacuum_analyze([m for m, _with_id in _TABLES])  # outside a transaction only
    return counts


def _load(
    customers: int,
    seed: int,
    lines_per_customer: float,
    workers: int | None,
    progress: Callable[[int, int], None] | None,
) -> dict[str, int]:
    global _CTX
    counts = _zero()
    today = timezone.localdate()
    products = [
        (p["pk"], p["unit_id"], p["list_price"] or Decimal(100))
        for p in Product.objects.filter(active=True)
        .order_by("pk")
        .values("pk", "unit_id", "list_price")
    ]
    if not products:
        return counts
    units = {pk: unit for pk, unit, _price in products}
    won = _won_plans(today)
    ctx = None
    if not SalesOrder.all_objects.filter(opportunity__isnull=True).exists():
        pool = list(
            Customer.objects.order_by("pk").values_list("pk", "owner_id", "org_unit_id")[
                : max(0, customers)
            ]
        )
        xm = 1.5 * lines_per_customer / LINES_PER_CUSTOMER
        ctx = _Ctx(seed, today, pool, products, units, xm, [])
    batches = -(-len(ctx.pool) // BATCH) if ctx else 0
    sizes = [_batch_size(ctx, k) for k in range(batches)] if ctx else []
    n_orders = len(won) + sum(o for o, _li in sizes)
    n_lines = sum(len(p.lines) for p in won) + sum(li for _o, li in sizes)
    if not n_orders:
        return counts
    first = _Ids(
        order=reserve_ids(SalesOrder, n_orders),
        line=reserve_ids(OrderLine, n_lines),
        shipment=reserve_ids(Shipment, n_orders),
        invoice=reserve_ids(Invoice, n_orders),
        payment=reserve_ids(Payment, n_orders),
    )
    bulk = connection.vendor == "postgresql" and n_lines >= BULK_THRESHOLD
    definitions = _drop_secondary_indexes() if bulk else []
    writers = [Writer(m, with_id=with_id) for m, with_id in _TABLES]
    rows = _rows(random.Random(f"{seed}:won"), won, first, today, units)
    _write(writers, rows, counts)
    if ctx:
        offset = _Ids(first.order + len(won), first.line + sum(len(p.lines) for p in won),
                      first.shipment + len(won), first.invoice + len(won),
                      first.payment + len(won))  # fmt: skip
        for n_o, n_li in sizes:
            ctx.ids.append(_Ids(**vars(offset)))
            offset.order += n_o
            offset.line += n_li
            offset.shipment += n_o
            offset.invoice += n_o
            offset.payment += n_o
        n_workers = workers if workers is not None else (os.cpu_count() or 1)
        if bulk and n_workers > 1:
            _CTX = ctx
            # Forked workers inherit the context; they never touch the database.
            mp = multiprocessing.get_context("fork")
            with mp.Pool(n_workers, initializer=_forget_connections) as procs:
                for texts, made in procs.imap(_batch_text, range(batches)):
                    for writer, text in zip(writers, texts, strict=True):
                        if text:
                            writer.copy(text)
                    _add(counts, made, n_lines, progress)
            _CTX = None
        else:
            for k in range(batches):
                made = _zero()
                _write(writers, _batch(ctx, k), made)
                _add(counts, made, n_lines, progress)
    _finish_ids()
    if bulk:
        _rebuild_indexes(definitions)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model, _with_id in _TABLES:
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return counts


def _add(
    counts: dict[str, int],
    made: dict[str, int],
    todo: int,
    progress: Callable[[int, int], None] | None,
) -> None:
    for key, n in made.items():
        counts[key] += n
    if progress:
        progress(counts["lines"], todo)


def _write(
    writers: list[Writer], rows: list[list[tuple[Any, ...]]], counts: dict[str, int]
) -> None:
    for writer, (model, _with_id), part in zip(writers, _TABLES, rows, strict=True):
        writer.write(part)
        if model in _COUNTED:
            counts[_COUNTED[model]] += len(part)


def _won_plans(today: date) -> list[_Plan]:
    """An order for each won opportunity with lines that has none, from its accepted quote
    and contract when the quotes demo made them."""
    from crm.sales.models import Opportunity, OpportunityLine, OpportunityStatus
    from crm.sales.models_contracts import Contract
    from crm.sales.models_quotes import Quote, QuoteStatus

    won = list(
        Opportunity.objects.filter(
            status=OpportunityStatus.WON, closed_on__isnull=False, closed_on__lte=today
        )
        .exclude(
            pk__in=SalesOrder.all_objects.filter(opportunity__isnull=False).values("opportunity")
        )
        .order_by("pk")
        .values_list("pk", "customer_id", "owner_id", "org_unit_id", "closed_on")
    )
    ids = [w[0] for w in won]
    lines: dict[int, list[tuple[int, Decimal, Decimal]]] = {}
    quotes: dict[int, int] = {}
    contracts: dict[int, tuple[int | None, int | None]] = {}
    for chunk in (ids[i : i + 5000] for i in range(0, len(ids), 5000)):
        for opp, product, qty, price in (
            OpportunityLine.objects.filter(opportunity__in=chunk)
            .order_by("opportunity_id", "sort_order", "pk")
            .values_list("opportunity_id", "product_id", "quantity", "unit_price")
        ):
            lines.setdefault(opp, []).append((product, qty, price))
        quotes.update(
            Quote.objects.filter(opportunity__in=chunk, status=QuoteStatus.ACCEPTED)
            .order_by("opportunity_id", "pk")
            .values_list("opportunity_id", "pk")
        )
        for opp, contract, days in (
            Contract.objects.filter(opportunity__in=chunk)
            .order_by("opportunity_id", "pk")
            .values_list("opportunity_id", "pk", "payment_terms_days")
        ):
            contracts[opp] = (contract, days)
    plans = []
    for pk, customer_id, owner_id, unit_id, closed_on in won:
        if pk not in lines:
            continue
        contract_id, terms = contracts.get(pk) or (None, None)
        plans.append(
            _Plan(
                customer_id,
                owner_id,
                unit_id,
                closed_on or today,
                lines[pk],
                pk,
                quotes.get(pk),
                contract_id,
                terms,
            )  # fmt: skip
        )
    return plans


# --- direct orders, batch by batch ---------------------------------------------------------


def _order_counts(ctx: _Ctx, k: int) -> list[list[int]]:
    """Batch k: for each customer, the line count of each of its orders. A stream of its own,
    so the main process can size every batch (and reserve its ids) before making any."""
    rng = random.Random(f"{ctx.seed}:orders:{k}")
    out = []
    for _c in ctx.pool[k * BATCH : (k + 1) * BATCH]:
        n = min(MAX_ORDERS, int(ctx.xm * rng.paretovariate(PARETO_ALPHA)))
        out.append([rng.randint(1, 3) for _o in range(n)])
    return out


def _batch_size(ctx: _Ctx | None, k: int) -> tuple[int, int]:
    assert ctx is not None
    counts = _order_counts(ctx, k)
    return sum(map(len, counts)), sum(map(sum, counts))


def _batch(ctx: _Ctx, k: int, *, text: bool = False) -> list[list[Any]]:
    rng = random.Random(f"{ctx.seed}:details:{k}")
    span = YEARS * 365
    plans = []
    customers = ctx.pool[k * BATCH : (k + 1) * BATCH]
    for (pk, owner, unit), orders in zip(customers, _order_counts(ctx, k), strict=True):
        for n_lines in orders:
            picks = rng.sample(ctx.products, min(n_lines, len(ctx.products)))
            lines = [(p, Decimal(rng.randint(1, 40)), price) for p, _u, price in picks]
            day = ctx.today - timedelta(days=rng.randint(0, span))
            plans.append(_Plan(pk, owner, unit, day, lines))
    return _rows(rng, plans, ctx.ids[k], ctx.today, ctx.units, text=text)


def _batch_text(k: int) -> tuple[list[str], dict[str, int]]:
    """Worker side of a PostgreSQL load: batch k as COPY text per table, and its counts."""
    assert _CTX is not None
    rows = _batch(_CTX, k, text=True)
    made = _zero()
    for (model, _with_id), part in zip(_TABLES, rows, strict=True):
        if model in _COUNTED:
            made[_COUNTED[model]] = len(part)
    return ["".join(part) for part in rows], made


# --- rows ------------------------------------------------------------------------------------


class _Table:
    """Rows of one model in its writer's column order, from defaults plus given values: tuples,
    or (`text`, for COPY) lines of COPY text. The demo's own text values need no escaping."""

    def __init__(self, model: type[models.Model], with_id: bool, text: bool) -> None:
        base = defaults(model)
        self.columns = Writer(model, with_id=with_id).columns
        self.text = text
        self.base = [(c, copy_value(base[c]) if text else base[c]) for c in self.columns]
        self.rows: list[Any] = []

    def add(self, **values: Any) -> None:
        if self.text:
            self.rows.append(
                "\t".join(
                    [
                        (_NULL if (v := values[c]) is None else str(v)) if c in values else d
                        for c, d in self.base
                    ]
                )
                + "\n"
            )
        else:
            self.rows.append(tuple([values.get(c, d) for c, d in self.base]))


@lru_cache(maxsize=8192)
def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@lru_cache(maxsize=8192)
def _at_text(day: date) -> str:
    return str(_at(day))


def _money(cents: int) -> str:
    sign, cents = ("-", -cents) if cents < 0 else ("", cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def _cents(quantity: Decimal, price: Decimal) -> tuple[int, int]:
    """(net, tax) in cents of a line = crm.sales.totals.line_totals (no discount, 13 % VAT):
    quantity to 3 places, price to 4, each amount rounded half up to the cent."""
    q = int(quantity.scaleb(3).to_integral_value())
    p = int(price.scaleb(4).to_integral_value())
    net = (q * p + 50_000) // 100_000
    return net, (net * TAX + 50) // 100


def _status(rng: random.Random, day: date, today: date) -> str:
    statuses, weights = _OLD if (today - day).days > 120 else _RECENT
    return str(rng.choices(statuses, weights)[0])


def _rows(
    rng: random.Random,
    plans: list[_Plan],
    ids: _Ids,
    today: date,
    units: dict[int, int],
    *,
    text: bool = False,
) -> list[list[Any]]:
    """The rows of the plans' orders and everything that follows them, per table of _TABLES;
    plan i takes order id ids.order + i (and the same offset for its shipment, invoice and
    payment), its lines the next line ids. `text`: rows as lines of COPY text."""
    t = {m: _Table(m, with_id, text) for m, with_id in _TABLES}
    orders, lines, changes = t[SalesOrder], t[OrderLine], t[OrderStatusChange]
    shipments, ship_lines, events = t[Shipment], t[ShipmentLine], t[ShipmentEvent]
    invoices, payments, allocations, entries = (
        t[Invoice], t[Payment], t[PaymentAllocation], t[ReceivableEntry]
    )  # fmt: skip
    line_id = ids.line
    zero = "0"
    at = _at_text if text else _at
    for i, p in enumerate(plans):
        oid, day, owner, unit = ids.order + i, p.day, p.owner_id, p.org_unit_id
        status = _status(rng, day, today)
        shipped_all = status in (S.SHIPPED, S.COMPLETED)
        partly = status == S.PARTLY_SHIPPED
        net = tax = 0
        to_ship = []
        for n, (product_id, qty, price) in enumerate(p.lines):
            line_net, line_tax = _cents(qty, price)
            net, tax = net + line_net, tax + line_tax
            shipped = qty if shipped_all else (qty / 2 if partly and n == 0 else None)
            lines.add(
                id=line_id, order_id=oid, product_id=product_id, unit_id=units[product_id],
                quantity=qty, unit_price=price, discount_percent=zero, tax_rate=TAX,
                net_amount=_money(line_net), tax_amount=_money(line_tax),
                gross_amount=_money(line_net + line_tax), shipped_quantity=shipped or zero,
                returned_quantity=zero, sort_order=n,
            )  # fmt: skip
            if shipped:
                to_ship.append((line_id, shipped))
            line_id += 1
        created = at(day)
        orders.add(
            id=oid, number=f"SO{oid:09d}", customer_id=p.customer_id,
            opportunity_id=p.opportunity_id, quote_id=p.quote_id, contract_id=p.contract_id,
            owner_id=owner, org_unit_id=unit, status=status, order_date=day,
            payment_terms_days=p.terms, net_total=_money(net), tax_total=_money(tax),
            gross_total=_money(net + tax), status_changed_at=created, created_at=created,
            updated_at=created, created_by_id=owner, updated_by_id=owner,
        )  # fmt: skip
        log: list[tuple[str, str]] = [("", S.DRAFT)]
        if status != S.DRAFT:
            log.append((S.DRAFT, S.CANCELLED if status == S.CANCELLED else S.CONFIRMED))
        if status not in (S.DRAFT, S.CONFIRMED, S.CANCELLED):
            log.append((S.CONFIRMED, status))
        for old, new in log:
            changes.add(
                order_id=oid, from_status=old, to_status=new, changed_at=created,
                changed_by_id=owner, comment="",
            )  # fmt: skip
        if not to_ship:
            continue
        sid, ship_day = ids.shipment + i, day + timedelta(days=rng.randint(1, 7))
        delivered = ship_day + timedelta(days=3) <= today
        shipped_at = at(ship_day)
        shipments.add(
            id=sid, number=f"SH{sid:09d}", order_id=oid, customer_id=p.customer_id,
            carrier=rng.choice(_CARRIERS), tracking_number=f"{rng.randrange(10**11, 10**12)}",
            status=ShipmentStatus.DELIVERED if delivered else ShipmentStatus.IN_TRANSIT,
            shipped_on=ship_day, created_at=shipped_at, updated_at=shipped_at,
            created_by_id=owner, updated_by_id=owner,
        )  # fmt: skip
        for lid, qty in to_ship:
            ship_lines.add(shipment_id=sid, order_line_id=lid, quantity=qty)
        steps = [(ShipmentStatus.CREATED, 0), (ShipmentStatus.IN_TRANSIT, 1)]
        if delivered:
            steps.append((ShipmentStatus.DELIVERED, 3))
        for step, after in steps:
            events.add(
                shipment_id=sid, status=step, at=at(ship_day + timedelta(days=after)),
                note="", created_by_id=owner,
            )  # fmt: skip
        if not shipped_all:
            continue
        iid, due = ids.invoice + i, ship_day + timedelta(days=p.terms or 30)
        gross = _money(net + tax)
        fapiao_number, fapiao_type = f"{rng.randrange(10**7, 10**8)}", rng.choice(_FAPIAO)
        # Most invoices are paid, some in part; half of those not yet due are open, a few
        # overdue ones (fewer the older they are) too.
        late = (today - due).days
        unpaid, part = (0.5, 0.1) if late < 0 else (0.15, 0.1) if late <= 180 else (0.02, 0.02)
        roll = rng.random()
        paid = 0 if roll < unpaid else (net + tax) // 2 if roll < unpaid + part else net + tax
        invoices.add(
            id=iid, number=f"INV{iid:09d}", fapiao_number=fapiao_number,
            fapiao_type=fapiao_type, customer_id=p.customer_id, order_id=oid,
            shipment_id=sid, owner_id=owner, org_unit_id=unit, issue_date=ship_day,
            due_date=due, net_amount=_money(net), tax_amount=_money(tax), gross_amount=gross,
            settled=paid == net + tax, created_at=shipped_at, updated_at=shipped_at,
            created_by_id=owner, updated_by_id=owner,
        )  # fmt: skip
        entries.add(
            customer_id=p.customer_id, kind=EntryKind.INVOICE, amount=gross, on=ship_day,
            invoice_id=iid, owner_id=owner, org_unit_id=unit, created_at=shipped_at,
        )  # fmt: skip
        if paid <= 0:
            continue
        pid, paid_on = ids.payment + i, min(today, due + timedelta(days=rng.randint(-20, 15)))
        paid_at = at(paid_on)
        payments.add(
            id=pid, number=f"PAY{pid:09d}", customer_id=p.customer_id, owner_id=owner,
            org_unit_id=unit, received_on=paid_on, amount=_money(paid),
            method=rng.choice(_METHODS), reference=f"BK{rng.randrange(10**9, 10**10)}",
            created_at=paid_at, updated_at=paid_at, created_by_id=owner, updated_by_id=owner,
        )  # fmt: skip
        allocations.add(
            payment_id=pid, invoice_id=iid, amount=_money(paid), created_at=paid_at,
            created_by_id=owner,
        )  # fmt: skip
        entries.add(
            customer_id=p.customer_id, kind=EntryKind.PAYMENT, amount=_money(-paid),
            on=paid_on, payment_id=pid, owner_id=owner, org_unit_id=unit, created_at=paid_at,
        )  # fmt: skip
    return [t[m].rows for m, _with_id in _TABLES]


# --- PostgreSQL bulk mode --------------------------------------------------------------------


_KEEP: list[Any] = []


def _forget_connections() -> None:
    """In a forked worker: drop the parent's database connections without closing them
    (closing would end the parent's session on the shared socket)."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        _KEEP.append(conn.connection)
        conn.connection = None


def _drop_secondary_indexes() -> list[str]:
    return drop_secondary_indexes([m for m, _with_id in _TABLES])


def _rebuild_indexes(definitions: list[str]) -> None:
    rebuild_indexes(definitions, [m for m, _with_id in _TABLES])


def _finish_ids() -> None:
    """PostgreSQL: leave the reserved sequences after the highest id used, not the reserve."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Shipment, Invoice, Payment):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))",
                [table],
            )
