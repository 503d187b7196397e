from typing import Any

from django.core.management.base import BaseCommand

from crm.core.jobs import housekeep


class Command(BaseCommand):
    help = (
        "Fail background jobs interrupted by a restart and remove old uploaded files. "
        "`crm run` does it at start; schedule it (cron) hourly on long-running servers."
    )

    def handle(self, *args: Any, **opts: Any) -> None:
        for what, count in housekeep().items():
            self.stdout.write(f"{what}: {count}")
