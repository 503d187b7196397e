"""Every write to notifications: `notify` (for events, and used by the reminder job's checks),
marking read, and the delivery preference.

Notifications are not audited one by one (the row itself says who, what and when, and the
job's run log counts them); the preference is a setting and is audited like any record.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.errors import StaleVersion, ValidationFailed
from crm.core.services import record_create, record_update

from .models import EmailState, Notification, NotificationPreference
from .reminders import PERIOD_DAILY, PERIODS

KEY_MAX = 200
TITLE_MAX = 200
URL_MAX = 500


def clean_fields(*, key: str, title: str, url: str, period: str) -> dict[str, Any]:
    """Check what a source or a caller hands in; the title is cut to fit, the rest refused."""
    errors: dict[str, list[str]] = {}
    key = str(key or "").strip()
    if not key or len(key) > KEY_MAX:
        errors["key"] = [_("The key must have 1 to %(n)s characters.") % {"n": KEY_MAX}]
    title = str(title or "").strip()
    if not title:
        errors["title"] = [_("Enter the title.")]
    url = str(url or "").strip()
    # Only a path inside this site: a link in a notification must never lead elsewhere.
    bad = not url.startswith("/") or url.startswith("//") or "\\" in url
    if url and (bad or len(url) > URL_MAX or any(c in url for c in "\r\n\x00")):
        errors["url"] = [_("The link must be a path inside this site, such as /orders/1/.")]
    if period not in PERIODS:
        errors["period"] = [_("Choose once or daily.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return {"key": key, "title": title[:TITLE_MAX], "url": url}


def period_day(period: str, day: date) -> str:
    return day.isoformat() if period == PERIOD_DAILY else ""


def notify(
    *,
    user: Any,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    due: date | None = None,
    source: str = "",
    period: str = "once",
    day: date | None = None,
    email: bool = False,
) -> Notification | None:
    """Put a notification in `user`'s inbox; None if this key was already delivered (for a
    daily one: on `day`, default today). `email=True` puts it in the next e-mail digest
    (`crm manage send_reminders`). Safe to call inside the caller's transaction."""
    data = clean_fields(key=key, title=title, url=url, period=period)
    day = day or timezone.localdate()
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient=user,
                period_day=period_day(period, day),
                body=str(body or ""),
                due=due,
                source=str(source or "")[:60],
                email_state=EmailState.PENDING if email else EmailState.NONE,
                **data,
            )
    except IntegrityError:
        return None


def notification_mark_read(*, notification: Notification) -> Notification:
    """Idempotent: a notification read before keeps its first read time."""
    now = timezone.now()
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notification_mark_all_read(*, user: Any) -> int:
    """Marks every unread notification of `user` read; returns how many."""
    with transaction.atomic():
        return Notification.objects.filter(recipient=user.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def preference_set(
    *, user: Any, email_enabled: bool, version: int, actor: Any
) -> NotificationPreference:
    """Save the preference. `version` is the one the user saw; a user who never chose sees
    the default at version 1."""
    with transaction.atomic():
        current = NotificationPreference.objects.filter(user=user.pk).first()
        if current is not None:
            return record_update(
                instance=current,
                version=version,
                changes={"email_enabled": email_enabled},
                actor=actor,
            )
        if version != 1:
            raise StaleVersion()
        try:
            with transaction.atomic():
                return record_create(
                    instance=NotificationPreference(user=user, email_enabled=email_enabled),
                    actor=actor,
                )
        except (IntegrityError, DjangoValidationError):
            # Saved by another request at the same moment: theirs wins, this one is stale.
            raise StaleVersion() from None
