from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from crm.fieldservice.services import schedule_visits

# Used when the system parameter below is not defined.
DEFAULT_AHEAD_DAYS = 31
PARAMETER = "service_plan_ahead_days"


def default_ahead_days() -> int:
    """The system parameter `service_plan_ahead_days` if it exists, else 31 days."""
    from crm.org.params import PARAMETERS

    if PARAMETER not in PARAMETERS:
        return DEFAULT_AHEAD_DAYS
    from crm.org.selectors import parameter_get

    return int(parameter_get(PARAMETER))


class Command(BaseCommand):
    help = "Create the visits of the service plans due within the next N days (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--ahead-days",
            type=int,
            default=None,
            help=f"look this many days ahead (default: {DEFAULT_AHEAD_DAYS} or the system "
            f"parameter {PARAMETER})",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        days = opts["ahead_days"] if opts["ahead_days"] is not None else default_ahead_days()
        if days < 0 or days > 3660:
            self.stderr.write("--ahead-days must be 0 to 3660")
            raise SystemExit(2)
        today = timezone.localdate()
        result = schedule_visits(today=today, horizon=today + timedelta(days=days), actor=None)
        self.stdout.write(
            f"Service visits due by {result.horizon}: created {result.created}, "
            f"assigned {result.assigned}, unassigned {len(result.warnings)}"
        )
        for plan_id, message in result.warnings:
            self.stderr.write(f"warning: plan {plan_id}: {message}")
