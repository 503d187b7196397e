import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from crm.sales import services_forecast


class Command(BaseCommand):
    help = (
        "Recompute the forecast summary (sales_forecastcell) from the opportunities. "
        "Idempotent; safe while the system runs (writers wait for it, then add their changes). "
        "Needed only after opportunities were written outside the services (e.g. raw SQL)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--check", action="store_true", help="only report cells that differ; change nothing"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.monotonic()
        if opts["check"]:
            wrong = services_forecast.check()
            for key, (stored, expected) in sorted(wrong.items())[:20]:
                self.stdout.write(f"{key}: stored {stored}, expected {expected}")
            if wrong:
                raise CommandError(f"Forecast summary: {len(wrong)} cells differ")
            self.stdout.write("Forecast summary: every cell is right")
            return
        cells = services_forecast.rebuild()
        self.stdout.write(
            f"Forecast summary rebuilt: {cells} cells in {time.monotonic() - started:.1f} s"
        )
