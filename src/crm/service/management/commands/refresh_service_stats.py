import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from crm.service import stats


class Command(BaseCommand):
    help = (
        "Rebuild the monthly ticket figures the managers' service statistics read (every month "
        "before the current one; --months N: only the last N). Run it nightly from cron; "
        "idempotent, and safe to run twice or at the same time (the second run waits)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--months",
            type=int,
            default=0,
            help="rebuild only the last N complete months (default: all)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.monotonic()
        since = None
        if opts["months"] > 0:
            day = timezone.localdate().replace(day=1)
            for _i in range(opts["months"]):
                day = date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)
            since = day
        made = stats.ticket_months_refresh(since=since)
        self.stdout.write(
            "Service statistics: {months} months, {rows} rows".format(**made)
            + f" in {time.monotonic() - started:.1f} s"
        )
