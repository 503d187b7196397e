"""Sales pipeline benchmarks (SAL-2 board, SAL-11 forecast): run by hand on a database filled
by `crm demo --customers N` (about 0.3 opportunities per customer).

    DATABASE_URL=postgres://… .venv/bin/python bench/sales.py [--reps 20]

Prints a markdown table: p50/p95 server time of the kanban board page, the forecast page, the
forecast selector alone and the opportunities' global-search provider (Django test Client
in-process, so no network or browser), with their query counts, signed in as a rep (own
records), a manager (unit subtree) and the leader (everything). Target (bench/README.md):
p95 ≤ 200 ms each at 1,000,000 customers and 300,000 opportunities on PostgreSQL, with a query
count that does not grow with the data.
"""

import argparse
import os
import statistics
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from common import page, pct, timed  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from crm.customers.models import Customer  # noqa: E402
from crm.org.models import User  # noqa: E402
from crm.sales.models import Opportunity  # noqa: E402
from crm.sales.search import search_opportunities as search  # noqa: E402
from crm.sales.selectors import forecast  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    customers = Customer.all_objects.count()
    opportunities = Opportunity.all_objects.count()
    users = [User.objects.get(username=u) for u in ("rep_east_1", "mgr_east", "leader")]
    today = timezone.localdate()
    days = f"close_from={today + timedelta(days=10)}&close_to={today + timedelta(days=55)}"
    cut = f"start={today + timedelta(days=10)}&end={today + timedelta(days=200)}"
    cases: list[tuple[str, str]] = [
        ("board (own business unit)", "/sales/board/"),
        ("board, default stages", "/sales/board/?bu=default"),
        ("board filtered (close period)", "/sales/board/?bu=default&close_from=2020-01-01"),
        ("board filtered (close period, 45 days)", f"/sales/board/?bu=default&{days}"),
        ("forecast page (month × rep)", "/sales/forecast/"),
        (
            "forecast page (quarter × business unit)",
            "/sales/forecast/?period=quarter&group_by=business_unit",
        ),
        ("forecast page (days cutting two months)", f"/sales/forecast/?{cut}"),
    ]
    print(
        f"{customers:,} customers, {opportunities:,} opportunities on {connection.vendor}; "
        f"{args.reps} repetitions; load average {os.getloadavg()[0]:.2f}\n"
    )
    print("| case | user | p50 ms | p95 ms | queries |")
    print("|---|---|---:|---:|---:|")
    for user in users:
        client = Client()
        client.force_login(user)
        for label, url in cases:
            times, queries = timed(page(client, url), args.reps)
            print(
                f"| {label} | {user.username} | {statistics.median(times):.1f} | "
                f"{pct(times, 0.95):.1f} | {queries} |"
            )
        selector_cases: list[tuple[str, Callable[[], Any]]] = [
            ("forecast selector (month × rep)", lambda u=user: forecast(u, "month", "owner")),
            ("opportunity search, rare name (恒信化工)", lambda u=user: search(u, "恒信化工", 5)),
            ("opportunity search, common name (框架采购)", lambda u=user: search(u, "框架采购", 5)),
        ]
        for label, fn in selector_cases:
            times, queries = timed(fn, args.reps)
            print(
                f"| {label} | {user.username} | "
                f"{statistics.median(times):.1f} | {pct(times, 0.95):.1f} | {queries} |"
            )
        sys.stdout.flush()
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
