"""Complaint revisits (SVC-5): closing a complaint schedules a follow-up call; the revisit
records the customer's satisfaction (1–5) and comments. A complaint is done once revisited."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.core.models import BaseModel

from .models import Ticket


class RevisitStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")  # the ticket was reopened before the call


class Revisit(BaseModel):
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="revisits"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Who makes the call: the ticket's agent; the queue for scope.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("queue"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("revisit on"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RevisitStatus.choices,
        default=RevisitStatus.SCHEDULED,
    )
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    comments = models.TextField(_("comments"), blank=True)
    done_at = models.DateTimeField(_("revisited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("revisit")
        verbose_name_plural = _("revisits")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(status="scheduled", is_deleted=False),
                name="svc_revisit_one_scheduled",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="svc_revisit_satisfaction_1_5",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="svc_revisit_due"),
            models.Index(fields=["org_unit", "status", "due_date"], name="svc_revisit_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.due_date}"
