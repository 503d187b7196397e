import time
from typing import Any

from django.core.management.base import BaseCommand

from crm.service import services_sla


class Command(BaseCommand):
    help = (
        "Move ticket SLA clocks past their warning point or deadline to 'due soon' / 'overdue', "
        "tell the agent (warning) or the queue's manager (breach) once per deadline. "
        "Idempotent; safe to run every minute from cron. --recompute first recomputes every "
        "open ticket's deadlines (after editing calendars or policies)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--recompute",
            action="store_true",
            help="recompute the deadlines of every open ticket first",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.monotonic()
        if opts["recompute"]:
            n = services_sla.recompute_open()
            self.stdout.write(f"SLA: recomputed {n} open tickets")
        counts = services_sla.check_sla()
        self.stdout.write(
            "SLA: checked {checked} tickets, {warnings} warnings, {breaches} breaches".format(
                **counts
            )
            + f" in {time.monotonic() - started:.1f} s"
        )
