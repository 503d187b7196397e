"""Activities (tasks, calls, meetings, visits), sales targets and calendar feed tokens."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.core.fields import MoneyField
from crm.core.models import BaseModel

__all__ = [
    "Activity",
    "ActivityKind",
    "ActivityStatus",
    "CalendarFeed",
    "PeriodKind",
    "Target",
    "TargetMetric",
]


class ActivityKind(models.TextChoices):
    TASK = "task", _("Task")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Customer visit")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(BaseModel):
    """One planned or logged piece of sales work: who (owner), whom (customer, contact), when
    (planned start/end), why (purpose), and what came of it (check-in, notes, next step).

    `is_planned` tells a visit planned ahead from one logged after the fact; the visit
    achievement rate counts only planned ones. Overdue = still planned after its end.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="activities"
    )
    planned_start = models.DateTimeField(_("start"))
    planned_end = models.DateTimeField(_("end"))
    purpose = models.TextField(_("purpose"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ActivityStatus.choices,
        default=ActivityStatus.PLANNED,
    )
    is_planned = models.BooleanField(_("planned ahead"), default=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    notes = models.TextField(_("outcome notes"), blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # The timeline entry written on the customer when the visit or call was completed.
    interaction = models.OneToOneField(
        "customers.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="activity",
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["planned_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("planned_start")),
                name="sales_activity_end_after_start",
                violation_error_message=_("The end must not be before the start."),
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "planned_start"], name="sales_activity_owner_start"),
            models.Index(fields=["org_unit", "planned_start"], name="sales_activity_unit_start"),
            models.Index(
                fields=["owner", "status", "planned_end"], name="sales_activity_owner_due"
            ),
            models.Index(fields=["kind", "planned_start"], name="sales_activity_kind_start"),
            models.Index(fields=["status", "planned_end"], name="sales_activity_due"),
            models.Index(fields=["customer", "-planned_start"], name="sales_activity_customer"),
        ]

    def __str__(self) -> str:
        return self.subject


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class TargetMetric(models.TextChoices):
    # Later: orders and payments (the order and receivable modules add their metrics).
    WON_AMOUNT = "won_amount", _("Amount won")


class Target(BaseModel):
    """A sales target for one period, of one rep (`rep` set) or of one unit (`rep` empty).

    `org_unit` is the rep's unit (a rep target) or the unit the target is for; with `rep` as
    the owner it is what the data scope filters on.
    """

    metric = models.CharField(
        _("measure"), max_length=20, choices=TargetMetric.choices, default=TargetMetric.WON_AMOUNT
    )
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales_targets",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="targets"
    )
    amount = MoneyField(_("target amount"))

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        ordering = ["-period_start", "period_kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "period_kind", "period_start", "rep"],
                condition=Q(is_deleted=False, rep__isnull=False),
                name="sales_target_one_per_rep_period",
                violation_error_message=_("This rep already has a target for this period."),
            ),
            models.UniqueConstraint(
                fields=["metric", "period_kind", "period_start", "org_unit"],
                condition=Q(is_deleted=False, rep__isnull=True),
                name="sales_target_one_per_unit_period",
                violation_error_message=_("This unit already has a target for this period."),
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="sales_target_amount_positive"),
        ]
        indexes = [
            models.Index(
                fields=["period_kind", "period_start", "org_unit"], name="sales_target_period"
            ),
        ]

    def __str__(self) -> str:
        who = self.rep if self.rep_id else self.org_unit
        return f"{who} {self.period_start:%Y-%m} {self.get_period_kind_display()}"


class CalendarFeed(models.Model):
    """A user's secret calendar-subscription address (ICS). Only the SHA-256 of the token is
    stored; the address is shown once, when it is made. Making a new one retires the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar subscription")

    def __str__(self) -> str:
        return f"{self.prefix}…"
