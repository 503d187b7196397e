from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crm.system.job import run_reminders


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date: expected YYYY-MM-DD, got {value!r}") from None


class Command(BaseCommand):
    help = (
        "Run every registered reminder source for the day: in-app notifications and one e-mail "
        "digest per recipient. Safe to run twice; schedule it once a day (see "
        "docs/notifications.md). Exits non-zero when a source or an e-mail failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=_day, default=None, help="the day (default: today)")
        parser.add_argument(
            "--dry-run", action="store_true", help="list the counts; write and send nothing"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        out = run_reminders(day=opts["date"], dry_run=opts["dry_run"])
        label = "dry run" if out.dry_run else f"run #{out.run.pk if out.run else '?'}"
        self.stdout.write(f"{label} for {out.day.isoformat()}")
        for name, stats in sorted(out.per_source.items()):
            self.stdout.write(f"  {name}: {stats['reminders']} found, {stats['created']} new")
        self.stdout.write(
            f"reminders: {out.reminders}, new: {out.created}, already delivered: "
            f"{out.duplicates}, e-mails sent: {out.emails_sent}, failed: {out.email_failures}"
        )
        for err in out.errors:
            self.stderr.write(f"error [{err['where']}]: {err['error']}")
        if not out.ok:
            raise CommandError(f"{len(out.errors)} error(s); see the run log")
