"""Reads of invoices, payments, balances and aging, scoped to the user (sales data scope).

A customer's balance is the sum of its ledger entries; an invoice's open amount is its gross
less its allocations, computed in the query (a correlated sum), never stored. What is still
open is read from the unsettled invoices only (`Invoice.settled`, a partial index): the paid
history, most of the table, is never scanned for aging, overdue sums or reminders.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from crm.core.access import get_in_scope, scoped_by_unit_ids
from crm.core.fields import MoneyField
from crm.core.modules import Module
from crm.core.pagination import Page, page_bounds
from crm.customers.models import Customer

from .models_receivables import Invoice, Payment, PaymentAllocation, ReceivableEntry

M = MoneyField()
ZERO = Value(Decimal(0), output_field=M)


def _allocated_sum() -> Subquery:
    return Subquery(
        PaymentAllocation.objects.filter(invoice=OuterRef("pk"))
        .values("invoice")
        .annotate(s=Sum("amount"))
        .values("s"),
        output_field=MoneyField(),
    )


def with_open(qs: QuerySet[Invoice]) -> QuerySet[Any]:
    """`open_amount` on each invoice (typed Any: the stubs do not know annotations)."""
    return qs.annotate(
        open_amount=F("gross_amount") - Coalesce(_allocated_sum(), ZERO, output_field=MoneyField())
    )


def invoices_in_scope(user: Any) -> QuerySet[Invoice]:
    return scoped_by_unit_ids(Invoice.objects.all(), user, Module.SALES)


def invoices_for_user(user: Any) -> QuerySet[Any]:
    return with_open(invoices_in_scope(user)).select_related("customer", "order", "owner")


@dataclass
class InvoiceFilters:
    customer: int | None = None
    order: int | None = None
    open_only: bool = False
    overdue_on: date | None = None  # overdue on this day (due before it, still open)
    search: str = ""


def invoice_list(user: Any, f: InvoiceFilters) -> QuerySet[Any]:
    qs = invoices_for_user(user)
    if f.customer:
        qs = qs.filter(customer=f.customer)
    if f.order:
        qs = qs.filter(order=f.order)
    if f.open_only or f.overdue_on:
        qs = qs.filter(settled=False, open_amount__gt=0)
    if f.overdue_on:
        return qs.filter(due_date__lt=f.overdue_on).order_by("due_date", "id")
    if f.search:
        term = f.search.strip()[:100]
        qs = qs.filter(
            Q(number__icontains=term)
            | Q(fapiao_number__icontains=term)
            | Q(customer__name__icontains=term)
        )
    return qs.order_by("-issue_date", "-id")


def invoice_get_for_user(*, user: Any, pk: Any) -> Invoice:
    return get_in_scope(invoices_for_user(user), pk)


def payments_for_user(user: Any) -> QuerySet[Payment]:
    return (
        scoped_by_unit_ids(Payment.objects.all(), user, Module.SALES)
        .select_related("customer")
        .annotate(allocated=Coalesce(Sum("allocations__amount"), ZERO, output_field=M))
        .order_by("-received_on", "-id")
    )


def payment_get_for_user(*, user: Any, pk: Any) -> Payment:
    return get_in_scope(payments_for_user(user), pk)


def allocations_of(payment: Payment) -> QuerySet[PaymentAllocation]:
    return payment.allocations.select_related("invoice")


def balance_of(customer_id: int) -> Decimal:
    """The customer's open balance: the sum of its ledger (one aggregate)."""
    s = ReceivableEntry.objects.filter(customer_id=customer_id).aggregate(s=Sum("amount"))["s"]
    return s if s is not None else Decimal(0)


def overdue_of(customer_id: int, today: date) -> Decimal:
    """What of the customer's invoices is past due and still open: their gross less what is
    allocated to them (two index scans; a subquery per invoice took 0.3 s for a customer with
    20,000 invoices)."""
    due = Invoice.objects.filter(customer_id=customer_id, due_date__lt=today, settled=False)
    gross = due.aggregate(s=Sum("gross_amount"))["s"] or Decimal(0)
    paid = PaymentAllocation.objects.filter(invoice__in=due.values("pk")).aggregate(
        s=Sum("amount")
    )["s"] or Decimal(0)
    return Decimal(gross) - Decimal(paid)


def ledger_of(customer_id: int) -> QuerySet[ReceivableEntry]:
    return ReceivableEntry.objects.filter(customer_id=customer_id).select_related(
        "invoice", "payment", "sales_return"
    )


BUCKETS = ("not_due", "d0_30", "d31_60", "d61_90", "d90_plus")


_AGING_SQL = """
WITH inv (id, customer_id, due_date, gross_amount) AS ({invoices}),
paid AS (
    SELECT a.invoice_id, SUM(a.amount) AS amount
    FROM {allocations} a JOIN inv ON inv.id = a.invoice_id
    GROUP BY a.invoice_id
),
per AS (
    SELECT inv.customer_id, {buckets}, SUM(inv.gross_amount - COALESCE(paid.amount, 0)) AS total
    FROM inv LEFT JOIN paid ON paid.invoice_id = inv.id
    GROUP BY inv.customer_id
)
SELECT per.*, COUNT(*) OVER () AS n, {totals}, SUM(per.total) OVER () AS all_total
FROM per
WHERE per.total > 0
ORDER BY per.total DESC, per.customer_id
LIMIT %s OFFSET %s
"""


def _bucket_conditions(today: date) -> dict[str, tuple[str, list[str]]]:
    """The buckets (days overdue = today − due date) as SQL conditions on `inv.due_date`,
    with their parameters."""
    d = [(today - timedelta(days=n)).isoformat() for n in (0, 30, 60, 90)]
    return {
        "not_due": ("inv.due_date > %s", [d[0]]),
        "d0_30": ("inv.due_date <= %s AND inv.due_date >= %s", [d[0], d[1]]),
        "d31_60": ("inv.due_date < %s AND inv.due_date >= %s", [d[1], d[2]]),
        "d61_90": ("inv.due_date < %s AND inv.due_date >= %s", [d[2], d[3]]),
        "d90_plus": ("inv.due_date < %s", [d[3]]),
    }


def _money(value: Any) -> Decimal:
    # SQLite sums decimals as floats: back to the column's exact places, as Django's own
    # converter does.
    return Decimal(str(value if value is not None else 0)).quantize(Decimal("0.0001"))


@dataclass
class Aging:
    totals: dict[str, Decimal]  # the buckets and "total" over every customer in scope
    page: Page  # rows: customer_id, customer__name, customer__code, the buckets, total


def aging_report(user: Any, today: date, page: Any = None, page_size: Any = None) -> Aging:
    """Aging by customer (biggest total first, paged) and its totals, in one statement.

    The open amount of each unpaid invoice is computed once (a join to its allocation sum)
    and grouped by customer; window sums give the count and the totals over every customer
    with the page. (As a Django annotation the allocation subquery ran once per bucket per
    invoice: 7 times; bench/README.md, order to cash.)"""
    number, size = page_bounds(page, page_size)
    invoices_sql, invoices_params = (
        invoices_in_scope(user)
        .filter(settled=False)
        .order_by()
        .values_list("id", "customer_id", "due_date", "gross_amount")
        .query.sql_with_params()
    )
    conditions = _bucket_conditions(today)
    amount = "inv.gross_amount - COALESCE(paid.amount, 0)"
    sql = _AGING_SQL.format(
        invoices=invoices_sql,
        allocations=PaymentAllocation._meta.db_table,
        buckets=", ".join(
            f"SUM(CASE WHEN {cond} THEN {amount} ELSE 0 END) AS {key}"
            for key, (cond, _p) in conditions.items()
        ),
        totals=", ".join(f"SUM(per.{key}) OVER () AS all_{key}" for key in conditions),
    )
    bucket_params = [p for _cond, params in conditions.values() for p in params]

    def run(limit: int, offset: int) -> list[dict[str, Any]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*invoices_params, *bucket_params, limit, offset])
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    # A page far past the end is just empty (the offset kept within a 64-bit integer).
    rows = run(size, min((number - 1) * size, 2**62))
    head = rows[0] if rows else next(iter(run(1, 0)), None)  # a page past the end
    keys = (*BUCKETS, "total")
    totals = {k: _money(head[f"all_{k}"] if head else 0) for k in keys}
    names: dict[int, tuple[str, str]] = {
        pk: (name, code)
        for pk, name, code in Customer.all_objects.filter(
            pk__in=[r["customer_id"] for r in rows]
        ).values_list("pk", "name", "code")
    }
    items = [
        {
            "customer_id": r["customer_id"],
            "customer__name": names.get(r["customer_id"], ("", ""))[0],
            "customer__code": names.get(r["customer_id"], ("", ""))[1],
            **{k: _money(r[k]) for k in keys},
        }
        for r in rows
    ]
    count = int(head["n"]) if head else 0
    return Aging(totals=totals, page=Page(items=items, count=count, page=number, page_size=size))


def credit_limit_of(customer: Any) -> Any:
    """The customer's credit terms row (finance's), or None: no limit, default terms. The
    caller has read the customer through its scoped selector."""
    from .models import CreditLimit

    return CreditLimit.objects.filter(customer=customer).first()


def effective_limit(customer: Any, row: Any) -> Decimal | None:
    """The limit the credit check applies: finance's (`row`, from credit_limit_of) when it
    sets an amount, else the 信用额度 of the customer's record when above zero, else none."""
    if row is not None and row.amount is not None:
        return Decimal(row.amount)
    own = Decimal(customer.credit_limit or 0)
    return own if own > 0 else None
