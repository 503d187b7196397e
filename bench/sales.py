"""Sales pipeline benchmarks (SAL-2 board, SAL-11 forecast): run by hand on a database filled
by `crm demo --customers N` (about 0.3 opportunities per customer).

    DATABASE_URL=postgres://… .venv/bin/python bench/sales.py [--reps 20]

Prints a markdown table: p50/p95 server time of the kanban board page, the forecast page and
the forecast selector alone (Django test Client in-process, so no network or browser), with
their query counts, signed in as a rep (own records), a manager (unit subtree) and the leader
(everything). Target (bench/README.md): p95 ≤ 200 ms each at 1,000,000 customers and 300,000
opportunities on PostgreSQL, with a query count that does not grow with the data.
"""

import argparse
import os
import statistics
import sys

from common import page, pct, timed  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from crm.customers.models import Customer  # noqa: E402
from crm.org.models import User  # noqa: E402
from crm.sales import selectors  # noqa: E402
from crm.sales.models import Opportunity  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    customers = Customer.all_objects.count()
    opportunities = Opportunity.all_objects.count()
    users = [User.objects.get(username=u) for u in ("rep_east_1", "mgr_east", "leader")]
    cases: list[tuple[str, str]] = [
        ("board (own business unit)", "/sales/board/"),
        ("board, default stages", "/sales/board/?bu=default"),
        ("board filtered (close period)", "/sales/board/?bu=default&close_from=2020-01-01"),
        ("forecast page (month × rep)", "/sales/forecast/"),
        (
            "forecast page (quarter × business unit)",
            "/sales/forecast/?period=quarter&group_by=business_unit",
        ),
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
        times, queries = timed(lambda u=user: selectors.forecast(u, "month", "owner"), args.reps)
        print(
            f"| forecast selector (month × rep) | {user.username} | "
            f"{statistics.median(times):.1f} | {pct(times, 0.95):.1f} | {queries} |"
        )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
