"""Notifications (SYS-7): the in-app inbox of each employee, their delivery preference, and
the log of the daily reminder job.

A notification belongs to its recipient alone; nobody else reads it (not even an admin).
It is not an editable business record: it has no version and no soft delete; `read_at` says
when it was read. `(recipient, key, period_day)` is unique, so a reminder re-run on the same
day (or twice at once) never delivers twice.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.core.models import BaseModel


class EmailState(models.TextChoices):
    NONE = "none", _("In-app only")  # never meant for e-mail (an event without email=True)
    PENDING = "pending", _("Waiting for the next digest")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent")  # no address, or the recipient opted out
    FAILED = "failed", _("Failed")  # gave up after MAX_EMAIL_ATTEMPTS


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Stable identity from the source, e.g. "receivable-overdue:INV000123".
    key = models.CharField(_("key"), max_length=200)
    # "" for a once-ever reminder or an event; the ISO day for a daily one.
    period_day = models.CharField(_("period"), max_length=10, blank=True, default="")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    # The registered reminder source, or the app that sent an event.
    source = models.CharField(_("source"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_state = models.CharField(
        _("e-mail"), max_length=8, choices=EmailState.choices, default=EmailState.NONE
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # The run that created it (none for events); lets a run tell its rows from a rival's.
    run = models.ForeignKey(
        "system.ReminderRun",
        verbose_name=_("reminder run"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key", "period_day"], name="sys_notification_once"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="sys_notif_inbox"),
            models.Index(fields=["email_state", "recipient"], name="sys_notif_email"),
            models.Index(fields=["run"], name="sys_notif_run"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(BaseModel):
    """How a user wants reminders: in-app only, or in-app and an e-mail digest.

    A user without a row gets the default (e-mail on, if they have an address).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_enabled = models.BooleanField(_("also by e-mail"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")  # a source or an e-mail failed; `errors` says which


class ReminderRun(models.Model):
    """One run of `crm manage send_reminders`: what it found, created, sent and what failed."""

    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    reminders = models.PositiveIntegerField(_("reminders found"), default=0)
    created = models.PositiveIntegerField(_("notifications created"), default=0)
    duplicates = models.PositiveIntegerField(_("already delivered"), default=0)
    emails_sent = models.PositiveIntegerField(_("e-mails sent"), default=0)
    email_failures = models.PositiveIntegerField(_("e-mails failed"), default=0)
    # {"source name": {"reminders": n, "created": n}}
    per_source = models.JSONField(_("per source"), default=dict, blank=True)
    # [{"where": "source:orders" | "email:<user id>" | "job", "error": "..."}]
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        verbose_name = _("reminder run")
        verbose_name_plural = _("reminder runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.day} #{self.pk}"
