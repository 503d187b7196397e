"""Every read of notifications: a user reads their own inbox only (another user's
notification is a 404, whoever asks). Reminder runs are for system managers."""

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from crm.core.access import get_in_scope, require_special
from crm.core.modules import Special

from .models import Notification, NotificationPreference, ReminderRun


def notifications_for_user(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user.pk)


def notification_list(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """Unread first, newest first within each group."""
    qs = notifications_for_user(user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return qs.order_by(unread.desc(), "-created_at", "-id")


def unread_count(user: Any) -> int:
    return notifications_for_user(user).filter(read_at__isnull=True).count()


def notification_get_for_user(*, user: Any, pk: Any) -> Notification:
    return get_in_scope(notifications_for_user(user), pk)


def preference_for(user: Any) -> NotificationPreference:
    """The user's preference; an unsaved default (e-mail on) when they never chose."""
    pref = NotificationPreference.objects.filter(user=user.pk).first()
    return pref if pref is not None else NotificationPreference(user=user, email_enabled=True)


def runs_for_admin(user: Any) -> QuerySet[ReminderRun]:
    require_special(user, Special.MANAGE_SYSTEM)
    return ReminderRun.objects.all()
