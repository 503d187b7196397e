"""Order-to-cash benchmarks (issue #5 point 11): run by hand on a database filled by
`crm demo --customers N` (about ten order lines per customer).

    DATABASE_URL=postgres://… .venv/bin/python bench/orders.py [--reps 20] [--slow-reps 5]

Prints markdown tables:

* the order list of one customer — the page (/orders/?customer=…) and the API
  (GET /api/v1/orders?customer_id=…) — for the customer with the most orders and a typical
  one, signed in as the customer's manager and the leader: p50/p95 server time (Django test
  Client in-process), query count, and the list's statements (count + first page) as raw SQL
  with the page/raw ratio. Target: p95 ≤ 100 ms;
* the aging report over all customers (the leader: every customer): the selector's totals
  (one aggregate), the per-customer first page with its count, the page and the API, in
  seconds; and two set-based candidates for the selectors (same results, checked). Target:
  ≤ 5 s;
* the commission recompute of one month (default: the month with the most payment
  allocations; idempotent, so the run changes nothing but the month's computed time). Target:
  ≤ 30 s.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from common import page, pct, timed  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.db.models import Count, Q, Sum  # noqa: E402
from django.db.models.functions import Coalesce, TruncMonth  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from crm.commissions.models import CommissionLine  # noqa: E402
from crm.commissions.services_compute import period_recompute  # noqa: E402
from crm.core.pagination import DEFAULT_PAGE_SIZE  # noqa: E402
from crm.orders import selectors  # noqa: E402
from crm.orders import selectors_receivables as rsel  # noqa: E402
from crm.orders.models import OrderLine, SalesOrder  # noqa: E402
from crm.orders.models_receivables import Invoice, PaymentAllocation  # noqa: E402
from crm.org.auth import token_issue  # noqa: E402
from crm.org.models import ApiToken, User  # noqa: E402


def raw(user: User, customer_id: int | None) -> Callable[[], Any]:
    """The list's two statements (count, first page) as plain SQL."""
    qs = selectors.order_list(user, selectors.OrderFilters(customer=customer_id))
    page_sql, page_params = qs[:DEFAULT_PAGE_SIZE].query.sql_with_params()
    count_sql, count_params = qs.order_by().values("pk").query.sql_with_params()
    count_sql = f"SELECT COUNT(*) FROM ({count_sql}) t"  # noqa: S608

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(count_sql, count_params)
            cursor.fetchall()
            cursor.execute(page_sql, page_params)
            cursor.fetchall()

    return run


def api(client: Client, url: str, token: str) -> Callable[[], Any]:
    def get() -> Any:
        r = client.get(url, headers={"authorization": f"Bearer {token}"})
        assert r.status_code == 200, (url, r.status_code)
        return r

    return get


def customers_to_list() -> list[tuple[str, int | None, int, User]]:
    """(label, customer id, its orders, its unit's manager) for the customer with the most
    orders and one with the median count, and (no customer) the whole list."""
    per = list(
        SalesOrder.objects.values("customer_id", "owner__username")
        .annotate(n=Count("pk"))
        .order_by("-n", "customer_id")
    )
    if not per:
        raise SystemExit("no orders: run `crm demo --customers N` first")
    managers = {
        u: User.objects.get(username="mgr_west" if "west" in u else "mgr_east")
        for u in {r["owner__username"] for r in per}
    }
    top, mid = per[0], per[len(per) // 2]
    return [
        ("most orders", top["customer_id"], top["n"], managers[top["owner__username"]]),
        ("median customer", mid["customer_id"], mid["n"], managers[mid["owner__username"]]),
        ("everyone (no filter)", None, sum(r["n"] for r in per), managers[top["owner__username"]]),
    ]


def seconds(fn: Callable[[], Any], reps: int) -> tuple[list[float], int]:
    times, queries = timed(fn, reps)
    return [t / 1000 for t in times], queries


# --- candidates for crm.orders.selectors_receivables (set-based: no per-invoice subquery) ----


def _bucket_sums(field: str, due: str, today: Any) -> dict[str, Any]:
    def days(n: int) -> Any:
        return today - timedelta(days=n)

    ranges = {
        "not_due": Q(**{f"{due}__gt": today}),
        "d0_30": Q(**{f"{due}__lte": today, f"{due}__gte": days(30)}),
        "d31_60": Q(**{f"{due}__lt": days(30), f"{due}__gte": days(60)}),
        "d61_90": Q(**{f"{due}__lt": days(60), f"{due}__gte": days(90)}),
        "d90_plus": Q(**{f"{due}__lt": days(90)}),
    }
    out = {
        k: Coalesce(Sum(field, filter=q, output_field=rsel.M), rsel.ZERO, output_field=rsel.M)
        for k, q in ranges.items()
    }
    out["total"] = Coalesce(Sum(field, output_field=rsel.M), rsel.ZERO, output_field=rsel.M)
    return out


def aging_totals_two_aggregates(user: User, today: Any) -> dict[str, Any]:
    """Buckets of the invoices' gross less buckets of their allocations (by the invoice's due
    date): two scans with a hash join instead of one subquery per invoice."""
    invoices = rsel.invoices_in_scope(user)
    gross = invoices.aggregate(**_bucket_sums("gross_amount", "due_date", today))
    paid = PaymentAllocation.objects.filter(invoice__in=invoices).aggregate(
        **_bucket_sums("amount", "invoice__due_date", today)
    )
    return {k: gross[k] - paid[k] for k in gross}


def aging_by_customer_one_pass(user: User, today: Any, size: int) -> tuple[int, list[Any]]:
    """The per-customer buckets, biggest total first: invoices LEFT JOIN their allocations'
    sums, grouped by customer; the count of customers from a window in the same statement."""
    scoped, params = rsel.invoices_in_scope(user).values("id").query.sql_with_params()
    cuts = [today, today - timedelta(days=30), today - timedelta(days=60)]
    cuts.append(today - timedelta(days=90))
    sql = f"""
        SELECT i.customer_id,
          SUM(o) FILTER (WHERE i.due_date > %s) AS not_due,
          SUM(o) FILTER (WHERE i.due_date <= %s AND i.due_date >= %s) AS d0_30,
          SUM(o) FILTER (WHERE i.due_date < %s AND i.due_date >= %s) AS d31_60,
          SUM(o) FILTER (WHERE i.due_date < %s AND i.due_date >= %s) AS d61_90,
          SUM(o) FILTER (WHERE i.due_date < %s) AS d90_plus,
          SUM(o) AS total, COUNT(*) OVER () AS customers
        FROM (
          SELECT i.customer_id, i.due_date, i.gross_amount - COALESCE(a.s, 0) AS o
          FROM orders_invoice i
          LEFT JOIN (SELECT invoice_id, SUM(amount) AS s FROM orders_paymentallocation
                     GROUP BY invoice_id) a ON a.invoice_id = i.id
          WHERE i.id IN ({scoped})
        ) i
        GROUP BY i.customer_id HAVING SUM(o) > 0
        ORDER BY total DESC, i.customer_id LIMIT %s
    """  # noqa: S608
    args = [cuts[0], cuts[0], cuts[1], cuts[1], cuts[2], cuts[2], cuts[3], cuts[3]]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*args, *params, size])
        rows = cursor.fetchall()
    return (rows[0][-1] if rows else 0), rows


def busiest_month() -> str:
    row = (
        PaymentAllocation.objects.annotate(month=TruncMonth("payment__received_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if row is None:
        raise SystemExit("no payments: run `crm demo` first")
    return f"{row['month']:%Y-%m}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--slow-reps", type=int, default=5, help="aging and commissions")
    parser.add_argument("--period", default="", help="commission month YYYY-MM")
    args = parser.parse_args()
    leader = User.objects.get(username="leader")
    print(
        f"{SalesOrder.objects.count():,} orders, {OrderLine.objects.count():,} lines, "
        f"{Invoice.objects.count():,} invoices on {connection.vendor}; load average "
        f"{os.getloadavg()[0]:.2f}\n"
    )
    print(
        "| order list of | orders | user | via | p50 ms | p95 ms | queries | raw p50 ms | ratio |"
    )
    print("|---|---:|---|---|---:|---:|---:|---:|---:|")
    tokens: list[ApiToken] = []
    for label, customer_id, n, manager in customers_to_list():
        for user in (manager, leader):
            client = Client()
            client.force_login(user)
            token, secret = token_issue(user=user, name="bench")
            tokens.append(token)
            raw_times, _q = timed(raw(user, customer_id), args.reps)
            raw_p50 = statistics.median(raw_times)
            page_url, api_url = "/orders/", "/api/v1/orders"
            if customer_id:
                page_url += f"?customer={customer_id}"
                api_url += f"?customer_id={customer_id}"
            for via, fn in (
                ("page", page(client, page_url)),
                ("API", api(client, api_url, secret)),
            ):
                times, queries = timed(fn, args.reps)
                print(
                    f"| {label} | {n:,} | {user.username} | {via} "
                    f"| {statistics.median(times):.1f} | {pct(times, 0.95):.1f} | {queries} "
                    f"| {raw_p50:.1f} | {statistics.median(times) / raw_p50:.1f}× |"
                )
            sys.stdout.flush()
    today = timezone.localdate()
    client = Client()
    client.force_login(leader)
    token, secret = token_issue(user=leader, name="bench")
    tokens.append(token)
    print("\n| aging over all customers (leader) | median s | max s | queries |")
    print("|---|---:|---:|---:|")
    cases: list[tuple[str, Callable[[], Any]]] = [
        (
            "aging report: totals, count and first page (selector, one statement)",
            lambda: rsel.aging_report(leader, today),
        ),
        ("page /orders/receivables/aging/", page(client, "/orders/receivables/aging/")),
        ("API /api/v1/receivables/aging", api(client, "/api/v1/receivables/aging", secret)),
    ]
    # The report against two independent computations (plain SQL over every invoice).
    report = rsel.aging_report(leader, today)
    assert aging_totals_two_aggregates(leader, today) == report.totals
    count, rows = aging_by_customer_one_pass(leader, today, DEFAULT_PAGE_SIZE)
    assert count == report.page.count
    assert [(r[0], r[6]) for r in rows] == [
        (r["customer_id"], r["total"]) for r in report.page.items
    ]
    for label, fn in cases:
        times, queries = seconds(fn, args.slow_reps)
        print(f"| {label} | {statistics.median(times):.2f} | {max(times):.2f} | {queries} |")
        sys.stdout.flush()
    for token in tokens:
        token.delete()
    period = args.period or busiest_month()
    year, month = int(period[:4]), int(period[5:])
    allocations = PaymentAllocation.objects.filter(
        payment__received_on__year=year, payment__received_on__month=month
    ).count()
    actor = User.objects.filter(is_superuser=True).order_by("pk").first()
    period_recompute(period=period, actor=actor)  # warm caches
    times = []
    for _ in range(args.slow_reps):
        start = time.perf_counter()
        period_recompute(period=period, actor=actor)
        times.append(time.perf_counter() - start)
    lines = CommissionLine.objects.filter(statement__period__period=period).count()
    print("\n| commission month | allocations | lines | median s | max s |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| {period} | {allocations:,} | {lines:,} | {statistics.median(times):.2f} "
        f"| {max(times):.2f} |"
    )
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
