"""The reminder digest: one e-mail per recipient per run, plain text and HTML (escaped by the
template engine), in the recipient's language."""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Notification

MAX_ITEMS = 50  # the rest is summed up as "and N more" with a link to the inbox


def connection() -> Any:
    """The SMTP connection of the settings (EMAIL_HOST, EMAIL_PORT, …), opened on first use."""
    return get_connection(fail_silently=False)


def subject(count: int) -> str:
    return _("CRM · today's reminders (%(n)s)") % {"n": count}


def build(*, user: Any, items: Sequence[Notification]) -> EmailMultiAlternatives:
    base = settings.CRM_BASE_URL
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "items": [
                {"n": n, "link": f"{base}{n.url}" if n.url else ""} for n in items[:MAX_ITEMS]
            ],
            "more": max(0, len(items) - MAX_ITEMS),
            "inbox": f"{base}/notifications/",
            "settings_url": f"{base}/notifications/settings/",
        }
        message = EmailMultiAlternatives(
            subject=subject(len(items)),
            body=render_to_string("system/email/digest.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("system/email/digest.html", context), "text/html"
        )
    return message


def send(*, user: Any, items: Sequence[Notification], connection: Any) -> None:
    message = build(user=user, items=items)
    message.connection = connection
    message.send(fail_silently=False)
