"""Customer benchmarks (issue 3 point 12): run by hand on a database filled by `crm demo`.

    DATABASE_URL=postgres://… .venv/bin/python bench/customers.py [--reps 20] [--export-rows N]

Prints a markdown table: p50/p95 server time of each page (Django test Client in-process, so no
network or browser), its query count, and for list/search the same queries as raw SQL with the
overhead ratio. See bench/README.md for the targets.
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from common import page, pct, timed, timed_pair  # noqa: E402  (sets Django up)
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from crm.core.pagination import COUNT_CAP  # noqa: E402
from crm.customers import export, selectors  # noqa: E402
from crm.customers.models import Choice, Customer, Interaction  # noqa: E402
from crm.org.models import User  # noqa: E402


def raw(user: User, filters: selectors.CustomerFilters) -> Callable[[], Any]:
    """The list's two statements (count capped like the page's, first page) as plain SQL."""
    qs = selectors.customers_for_user(user, filters)
    page_sql, page_params = qs[:20].query.sql_with_params()
    capped = qs.order_by().values("pk")[: COUNT_CAP + 1]
    count_sql, count_params = capped.query.sql_with_params()
    count_sql = f"SELECT COUNT(*) FROM ({count_sql}) t"  # noqa: S608

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(count_sql, count_params)
            cursor.fetchall()
            cursor.execute(page_sql, page_params)
            cursor.fetchall()

    return run


def customer_with_interactions(n: int, owner: User) -> Customer:
    """The owner's first customer (in the manager's and the leader's scope), topped up to n
    interactions."""
    customer = Customer.objects.filter(owner=owner).order_by("id").first()
    assert customer is not None, "fill the database first: crm demo --customers N"
    have = Interaction.objects.filter(customer=customer).count()
    now = timezone.now()
    Interaction.objects.bulk_create(
        Interaction(
            customer=customer,
            channel="call",
            occurred_at=now - timedelta(hours=i),
            summary="电话沟通采购计划。",
            author=customer.owner,
        )
        for i in range(max(0, n - have))
    )
    return customer


def export_peak(user: User, rows: int) -> tuple[float, float, int]:
    """Peak traced Python memory (MiB) and seconds to stream `rows` rows of CSV."""
    qs = selectors.customers_for_user(user)[:rows]
    tracemalloc.start()
    start = time.perf_counter()
    size = 0
    for chunk in export.csv_chunks(qs, sensitive=True):
        size += len(chunk)
    seconds = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, seconds, size


def add_employees(total: int) -> None:
    """Active employees bench_emp_00000… in mgr_east's unit, up to `total` active in all: an
    enterprise's sales force, which the list's owner fields must not list one by one."""
    unit = User.objects.get(username="mgr_east").unit
    have = User.objects.filter(is_active=True).count()
    start = User.objects.filter(username__startswith="bench_emp_").count()
    unusable = make_password(None)
    User.objects.bulk_create(
        [
            # an unusable password: nobody signs in as them
            User(username=f"bench_emp_{i:05d}", name=f"员工{i:05d}", unit=unit, password=unusable)
            for i in range(start, start + max(0, total - have))
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--export-rows", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--only", default="", help="run the cases whose label contains this")
    parser.add_argument(
        "--employees",
        type=int,
        default=0,
        help="first add active employees up to this many in mgr_east's unit (the owner fields)",
    )
    args = parser.parse_args()
    if args.employees:
        add_employees(args.employees)
    total = Customer.all_objects.count()
    leader = User.objects.get(username="leader")
    manager = User.objects.get(username="mgr_east")
    rep = User.objects.get(username="rep_east_1")
    industry = Choice.objects.filter(kind="industry").order_by("id").values_list("pk", flat=True)[0]
    detail = customer_with_interactions(500, rep)
    three = f"status=active&industry={industry}&owner={rep.pk}"
    cases: list[tuple[str, str, selectors.CustomerFilters | None]] = [
        ("list page 1", "/customers/", selectors.CustomerFilters()),
        ("search 润滑油 (Chinese substring)", "/customers/?q=润滑油", None),
        ("search zsh (pinyin initials)", "/customers/?q=zsh", None),
        ("three filters (status, industry, owner)", f"/customers/?{three}", None),
        ("list sorted by name", "/customers/?sort=name", None),
        (f"360° page ({detail.code}, 500 interactions)", f"/customers/{detail.pk}/", None),
    ]
    raw_filters = {
        "list page 1": selectors.CustomerFilters(),
        "search 润滑油 (Chinese substring)": selectors.CustomerFilters(search="润滑油"),
        "search zsh (pinyin initials)": selectors.CustomerFilters(search="zsh"),
        "three filters (status, industry, owner)": selectors.CustomerFilters(
            status="active", industry=industry, owner=rep.pk
        ),
        "list sorted by name": selectors.CustomerFilters(ordering="name"),
    }
    print(
        f"{total:,} customers on {connection.vendor}; {args.reps} repetitions; "
        f"load average {os.getloadavg()[0]:.2f}\n"
    )
    employees = User.objects.filter(is_active=True).count()
    print(f"{employees:,} active employees\n")
    print("| case | user | p50 ms | p95 ms | queries | raw SQL p50 ms | ratio | KiB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for user in (manager, leader):
        client = Client()
        client.force_login(user)
        for label, url, _f in cases:
            if args.only not in label:
                continue
            raw_cell = ratio = ""
            if label in raw_filters:
                times, queries, raw_times = timed_pair(
                    page(client, url), raw(user, raw_filters[label]), args.reps
                )
                raw_cell = f"{statistics.median(raw_times):.1f}"
                ratio = f"{statistics.median(times) / statistics.median(raw_times):.2f}×"
            else:
                times, queries = timed(page(client, url), args.reps)
            size = len(page(client, url)().content) / 1024
            print(
                f"| {label} | {user.username} | {statistics.median(times):.1f} | "
                f"{pct(times, 0.95):.1f} | {queries} | {raw_cell} | {ratio} | {size:,.0f} |"
            )
        sys.stdout.flush()
    print("\n| export CSV rows | peak traced memory MiB | seconds | rows/s | MiB written |")
    print("|---:|---:|---:|---:|---:|")
    for rows in args.export_rows:
        peak, seconds, size = export_peak(leader, rows)
        print(
            f"| {rows:,} | {peak:.1f} | {seconds:.1f} | {rows / seconds:,.0f} "
            f"| {size / 2**20:.0f} |"
        )
    print("\nimport throughput: bench/customers_import.py (it writes customers; scratch database)")


if __name__ == "__main__":
    main()
