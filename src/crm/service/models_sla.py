"""SLAs (issue #6 point 2): business calendars, policies per ticket type and priority, the
escalation manager of a queue and the log of warnings/breaches that `check_sla` sends.

A calendar's working hours are a JSON map weekday → [[start, end], …] of local "HH:MM" times;
its holidays and make-up working days (调休) are `CalendarDay` rows. `crm.service.sla` turns a
calendar into a pure `business_time.BusinessCalendar`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.core.models import BaseModel

from .models import Priority, Ticket, TicketType


def default_hours() -> dict[str, list[list[str]]]:
    day = [["09:00", "12:00"], ["13:00", "18:00"]]
    return {str(weekday): day for weekday in range(5)}


class ServiceCalendar(BaseModel):
    name = models.CharField(_("name"), max_length=60)
    tz = models.CharField(_("time zone"), max_length=40, default="Asia/Shanghai")
    # {"0": [["09:00", "12:00"], ["13:00", "18:00"]], …}; 0 = Monday, a missing day is off.
    hours = models.JSONField(_("working hours"), default=default_hours)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKDAY = "workday", _("Make-up working day")  # 调休: a weekend day worked on Monday's hours


class CalendarDay(models.Model):
    calendar = models.ForeignKey(
        ServiceCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=DayKind.choices)
    note = models.CharField(_("note"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="svc_calendar_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class SlaPolicy(BaseModel):
    """Targets in business minutes. Empty type or priority means "any"; the most specific
    active policy applies (type+priority, type, priority, then the fallback with neither)."""

    type = models.ForeignKey(
        TicketType,
        verbose_name=_("ticket type"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    calendar = models.ForeignKey(
        ServiceCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="+"
    )
    first_response_minutes = models.PositiveIntegerField(_("first response (business minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (business minutes)"))
    warn_percent = models.PositiveSmallIntegerField(
        _("warning point (percent of the target)"), default=80
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["type_id", "priority", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["type", "priority"],
                condition=Q(is_deleted=False, type__isnull=False),
                name="svc_sla_policy_type_priority",
                violation_error_message=_("A policy for this type and priority already exists."),
            ),
            models.UniqueConstraint(
                fields=["priority"],
                condition=Q(is_deleted=False, type__isnull=True),
                name="svc_sla_policy_any_type_priority",
                violation_error_message=_("A policy for this type and priority already exists."),
            ),
            models.CheckConstraint(
                condition=Q(warn_percent__gte=1, warn_percent__lte=99),
                name="svc_sla_policy_warn_percent",
            ),
            models.CheckConstraint(
                condition=Q(first_response_minutes__gte=1, resolution_minutes__gte=1),
                name="svc_sla_policy_targets_positive",
            ),
        ]

    def __str__(self) -> str:
        kind = self.type.name if self.type is not None else _("Any type")
        level = self.get_priority_display() if self.priority else _("any priority")
        return f"{kind} · {level}"


class QueueEscalation(models.Model):
    """Who is told when a ticket of this queue (or a queue below it) breaches its SLA."""

    org_unit = models.OneToOneField(
        "org.OrgUnit", verbose_name=_("queue"), on_delete=models.CASCADE, related_name="+"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("queue manager")
        verbose_name_plural = _("queue managers")

    def __str__(self) -> str:
        return f"{self.org_unit} → {self.manager}"


class SlaTarget(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLUTION = "resolution", _("Resolution")


class SlaLevel(models.TextChoices):
    WARNING = "warning", _("Warning")
    BREACH = "breach", _("Breach")


class SlaEvent(models.Model):
    """One warning or breach of one deadline; unique, so `check_sla` notifies once.

    A new deadline (reopened, priority changed) is a new event."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="sla_events"
    )
    target = models.CharField(_("target"), max_length=16, choices=SlaTarget.choices)
    level = models.CharField(_("level"), max_length=8, choices=SlaLevel.choices)
    due_at = models.DateTimeField(_("due at"))
    at = models.DateTimeField(_("recorded at"))
    notified = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("notified"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("SLA event")
        verbose_name_plural = _("SLA events")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "target", "level", "due_at"], name="svc_sla_event_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.target} {self.level}"
