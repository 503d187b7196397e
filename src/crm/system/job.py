"""The daily reminder job behind `crm manage send_reminders` (SYS-7).

1. Every registered source lists the day's reminders (under the site language).
2. They become notifications in one transaction: INSERT … ON CONFLICT DO NOTHING on the
   unique (recipient, key, period_day), so a second run, even a concurrent one, adds nothing.
   The rows this run inserted carry its id: that is how it counts them.
3. Each recipient with pending e-mail gets one digest. The recipient (an advisory lock) and
   their pending rows (FOR UPDATE SKIP LOCKED) are held on PostgreSQL while the mail is sent
   and the rows marked sent in the same transaction, so two runs never mail the same row or
   the same person twice; SQLite serialises writers.
   A failed send leaves the rows pending for the next run (up to MAX_EMAIL_ATTEMPTS).
4. The run log row says what happened; a failed source or e-mail makes the run failed.
"""

import contextlib
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone, translation

from crm.core.errors import ValidationFailed
from crm.org.models import User

from . import digest
from .models import EmailState, Notification, ReminderRun, RunStatus
from .reminders import Reminder, sources
from .services import clean_fields, period_day

logger = logging.getLogger(__name__)

BATCH = 1000
MAX_EMAIL_ATTEMPTS = 3
MAX_ERRORS = 200  # a source that fails on every row should not fill the log


@dataclass
class Outcome:
    day: date
    dry_run: bool = False
    run: ReminderRun | None = None
    reminders: int = 0
    created: int = 0
    duplicates: int = 0
    emails_sent: int = 0
    email_failures: int = 0
    per_source: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, where: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"where": where, "error": message[:1000]})


Row = tuple[str, Reminder, dict[str, Any]]  # source name, reminder, cleaned fields


def _collect(day: date, out: Outcome) -> list[Row]:
    rows: list[Row] = []
    seen: set[tuple[int, str, str]] = set()
    with translation.override(settings.LANGUAGE_CODE):
        for name, fn in sorted(sources().items()):
            try:
                items: Iterable[Any] = list(fn(day))  # a generator fails here, not later
            except Exception as exc:  # noqa: BLE001 - one broken source must not stop the rest
                logger.exception("reminder source %s failed", name)
                out.error(f"source:{name}", f"{type(exc).__name__}: {exc}")
                continue
            found = 0
            for r in items:
                if not isinstance(r, Reminder):
                    out.error(f"source:{name}", f"not a Reminder: {type(r).__name__}")
                    continue
                try:
                    data = clean_fields(key=r.key, title=r.title, url=r.url, period=r.period)
                except ValidationFailed as exc:
                    out.error(f"source:{name}", f"{r.key[:200]}: {exc.fields}")
                    continue
                identity = (r.user_id, data["key"], period_day(r.period, day))
                if identity in seen:
                    continue
                seen.add(identity)
                rows.append((name, r, data))
                found += 1
            out.per_source[name] = {"reminders": found, "created": 0}
    out.reminders = len(rows)
    return rows


def _active_users(rows: list[Row]) -> set[int]:
    ids = {r.user_id for _n, r, _d in rows}
    found: set[int] = set()
    id_list = sorted(ids)
    for i in range(0, len(id_list), BATCH):
        found.update(
            User.objects.filter(pk__in=id_list[i : i + BATCH], is_active=True).values_list(
                "pk", flat=True
            )
        )
    return found


def _existing(rows: list[Row], day: date) -> int:
    """How many of `rows` were delivered before (for a dry run, which writes nothing)."""
    n = 0
    for i in range(0, len(rows), BATCH):
        chunk = rows[i : i + BATCH]
        wanted = {(r.user_id, d["key"], period_day(r.period, day)) for _n, r, d in chunk}
        have = Notification.objects.filter(
            recipient__in={w[0] for w in wanted}, key__in={w[1] for w in wanted}
        ).values_list("recipient", "key", "period_day")
        n += len(wanted & set(have))
    return n


def _store(rows: list[Row], day: date, run: ReminderRun, out: Outcome) -> None:
    now = timezone.now()
    objs = [
        Notification(
            recipient_id=r.user_id,
            key=d["key"],
            period_day=period_day(r.period, day),
            title=d["title"],
            body=r.body,
            url=d["url"],
            due=r.due,
            source=name[:60],
            created_at=now,
            email_state=EmailState.PENDING,
            run=run,
        )
        for name, r, d in rows
    ]
    with transaction.atomic():
        for i in range(0, len(objs), BATCH):
            Notification.objects.bulk_create(objs[i : i + BATCH], ignore_conflicts=True)
    counts = dict(
        Notification.objects.filter(run=run)
        .values_list("source")
        .annotate(n=Count("id"))
        .values_list("source", "n")
    )
    for name, stats in out.per_source.items():
        stats["created"] = counts.get(name[:60], 0)
    out.created = sum(counts.values())
    out.duplicates = len(rows) - out.created


def _send_digests(out: Outcome) -> None:
    pending = Notification.objects.filter(email_state=EmailState.PENDING)
    recipient_ids = sorted(set(pending.values_list("recipient", flat=True)))
    users = User.objects.filter(pk__in=recipient_ids).select_related("notification_preference")
    mailable: list[Any] = []
    silent: list[Any] = []
    for user in users:
        pref = getattr(user, "notification_preference", None)
        wants = pref.email_enabled if pref is not None else True
        (mailable if user.email and user.is_active and wants else silent).append(user)
    # One UPDATE for everyone who gets no mail (no address, opted out).
    pending.filter(recipient__in=silent).update(email_state=EmailState.SKIPPED)
    if not mailable:
        return
    connection = digest.connection()
    try:
        for i, user in enumerate(mailable):
            if not _send_one(user, connection, out):
                if i + 1 < len(mailable):
                    out.error("email", f"server unreachable: {len(mailable) - i - 1} not tried")
                break
    finally:
        with contextlib.suppress(Exception):  # closing a broken connection may fail too
            connection.close()


def _send_one(user: Any, connection: Any, out: Outcome) -> bool:
    """One digest; False when the server is unreachable (no use trying the others)."""
    with transaction.atomic():
        if not _claim_recipient(user.pk):
            return True  # another run is mailing this recipient right now
        locked = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(recipient=user.pk, email_state=EmailState.PENDING)
            .order_by("due", "created_at", "id")
        )
        items = list(locked)
        if not items:
            return True  # another run has them
        ids = [n.pk for n in items]
        try:
            digest.send(user=user, items=items, connection=connection)
        except Exception as exc:  # noqa: BLE001 - SMTP and socket errors alike
            logger.warning("reminder digest to user %s failed: %s", user.pk, exc)
            out.email_failures += 1
            out.error(f"email:{user.pk}", f"{type(exc).__name__}: {exc}")
            give_up = [n.pk for n in items if n.email_attempts + 1 >= MAX_EMAIL_ATTEMPTS]
            Notification.objects.filter(pk__in=ids).update(email_attempts=F("email_attempts") + 1)
            Notification.objects.filter(pk__in=give_up).update(email_state=EmailState.FAILED)
            return not isinstance(exc, OSError) or _smtp_refusal(exc)
        Notification.objects.filter(pk__in=ids).update(
            email_state=EmailState.SENT, emailed_at=timezone.now()
        )
        out.emails_sent += 1
        return True


# Namespace of this job's advisory locks (any constant unlikely to clash: "SYS7").
_LOCK_CLASS = 0x53595337


def _claim_recipient(user_id: int) -> bool:
    """Hold the recipient for this transaction. Row locks alone could split one recipient's
    rows between two runs (each would mail part); SQLite serialises writers anyway."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, user_id])
        return bool(cursor.fetchone()[0])


def _smtp_refusal(exc: Exception) -> bool:
    """An SMTP reply refusing this message (bad address…): the server works, go on."""
    return isinstance(exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)


def _finish(run: ReminderRun, out: Outcome) -> None:
    run.finished_at = timezone.now()
    run.status = RunStatus.SUCCEEDED if out.ok else RunStatus.FAILED
    for name in ("reminders", "created", "duplicates", "emails_sent", "email_failures"):
        setattr(run, name, getattr(out, name))
    run.per_source = out.per_source
    run.errors = out.errors
    run.save()


def run_reminders(*, day: date | None = None, dry_run: bool = False) -> Outcome:
    """Run every source for `day` (default today). A dry run writes and sends nothing."""
    day = day or timezone.localdate()
    out = Outcome(day=day, dry_run=dry_run)
    rows = _collect(day, out)
    active = _active_users(rows)
    dropped = [row for row in rows if row[1].user_id not in active]
    for name, r, _d in dropped[:MAX_ERRORS]:
        out.error(f"source:{name}", f"{r.key}: no active employee with id {r.user_id}")
    rows = [row for row in rows if row[1].user_id in active]
    if dry_run:
        out.duplicates = _existing(rows, day)
        out.created = len(rows) - out.duplicates
        return out
    # The log row is committed first so a crash still leaves a trace ("running").
    run = ReminderRun.objects.create(day=day)
    out.run = run
    try:
        _store(rows, day, run, out)
        _send_digests(out)
    except Exception as exc:  # noqa: BLE001 - logged in the run, then reported by the command
        logger.exception("reminder run %s failed", run.pk)
        out.error("job", f"{type(exc).__name__}: {exc}")
    _finish(run, out)
    return out
