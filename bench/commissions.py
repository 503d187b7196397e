"""Commission recompute benchmark (SAL-8): run by hand on a database filled by `crm demo`.

    DATABASE_URL=postgres://… .venv/bin/python bench/commissions.py [--period YYYY-MM] [--reps 5]

Recomputes one month (default: the month with the most payment allocations) `reps` times after
one warm-up and prints the median and the slowest seconds, the allocations of the month and the
statement lines written. Target (issue #5): ≤ 30 s for a month at 10,000,000 order lines.
Recompute is idempotent, so running this changes nothing but the month's computed time; a
closed month is refused.
"""

import argparse
import statistics
import time

import common  # noqa: F401  (sets Django up)
from django.db.models import Count  # noqa: E402
from django.db.models.functions import TruncMonth  # noqa: E402

from crm.commissions.models import CommissionLine  # noqa: E402
from crm.commissions.services_compute import period_recompute  # noqa: E402
from crm.orders.models_receivables import PaymentAllocation  # noqa: E402
from crm.org.models import User  # noqa: E402


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
    parser.add_argument("--period", default="")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    period = args.period or busiest_month()
    actor = User.objects.filter(is_superuser=True).order_by("pk").first()
    allocations = PaymentAllocation.objects.filter(
        payment__received_on__year=int(period[:4]), payment__received_on__month=int(period[5:])
    ).count()
    period_recompute(period=period, actor=actor)  # warm caches
    times = []
    for _ in range(args.reps):
        start = time.perf_counter()
        period_recompute(period=period, actor=actor)
        times.append(time.perf_counter() - start)
    lines = CommissionLine.objects.filter(statement__period__period=period).count()
    print("| period | allocations | lines | median s | max s |\n|---|---:|---:|---:|---:|")
    print(
        f"| {period} | {allocations:,} | {lines:,} | {statistics.median(times):.2f} "
        f"| {max(times):.2f} |"
    )


if __name__ == "__main__":
    main()
