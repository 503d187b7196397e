"""Tickets (SVC-1): types and categories an administrator edits, tickets with their status log
and their notes/replies.

The queue of a ticket is its `org_unit` (a team such as 客服中心): agents see the tickets of the
units their service scope covers. `owner` is the agent the ticket is assigned to (empty while it
waits in the queue).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.core.models import BaseModel


class TicketType(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    # Closing a ticket of this type schedules a revisit call this many days later (SVC-5);
    # empty: no revisit.
    revisit_days = models.PositiveSmallIntegerField(
        _("revisit after (days)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class TicketCategory(models.Model):
    type = models.ForeignKey(
        TicketType, verbose_name=_("type"), on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(_("name"), max_length=40)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("ticket category")
        verbose_name_plural = _("ticket categories")
        ordering = ["type", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    FAX = "fax", _("Fax")
    EMAIL = "email", _("E-mail")
    WEB = "web", _("Web")
    IM = "im", _("Instant message")
    VISIT = "visit", _("Visit")
    PORTAL = "portal", _("Customer portal")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting on customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class RepairCharge(models.TextChoices):
    PAID = "paid", _("Paid repair")  # out of warranty: the customer pays
    OVERRIDE = "override", _("Manager override")  # out of warranty, repaired free all the same


class SlaState(models.TextChoices):
    OK = "ok", _("On time")  # running, before the warning point
    WARNING = "warning", _("Due soon")  # past the warning point, not yet due
    BREACHED = "breached", _("Overdue")
    MET = "met", _("Met")  # the clock stopped in time


_OPEN = ["new", "assigned", "in_progress", "waiting"]  # TicketStatus before resolved


def _sla_q(state: str) -> models.Q:
    """An open clock in `state`: the first response (until answered) or the resolution."""
    return models.Q(first_response_state=state, first_response_at__isnull=True) | models.Q(
        resolution_state=state
    )


class Ticket(BaseModel):
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    type = models.ForeignKey(
        TicketType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        TicketCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TicketStatus.choices, default=TicketStatus.NEW
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    # The sales order the ticket is about, when known (one of the same customer's).
    order = models.ForeignKey(
        "orders.SalesOrder",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    # Repair tickets (SVC-3): how a repair out of warranty goes ahead — the customer pays, or
    # a manager lets it through free; empty: not decided (the warranty check applies).
    repair_charge = models.CharField(
        _("repair charge"), max_length=8, choices=RepairCharge.choices, blank=True, default=""
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_tickets",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("queue"),
        on_delete=models.PROTECT,
        related_name="service_tickets",
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # SLA clocks (crm.service.sla), recomputed by the services on every change and by
    # `check_sla`; stored so lists sort and filter by them with an index.
    sla_policy = models.ForeignKey(
        "service.SlaPolicy",
        verbose_name=_("SLA policy"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_response_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    first_response_state = models.CharField(
        _("first response SLA"), max_length=8, choices=SlaState.choices, blank=True
    )
    # Empty while paused (waiting on the customer): the deadline is not known then.
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolution_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_state = models.CharField(
        _("resolution SLA"), max_length=8, choices=SlaState.choices, blank=True
    )
    # Business seconds left on the resolution clock while it is paused.
    resolution_paused_left = models.IntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["org_unit", "status", "resolution_due_at"], name="svc_ticket_due"),
            models.Index(
                fields=["first_response_state", "first_response_warn_at"], name="svc_ticket_fr_sla"
            ),
            models.Index(
                fields=["resolution_state", "resolution_warn_at"], name="svc_ticket_res_sla"
            ),
            models.Index(fields=["org_unit", "status", "updated_at"], name="svc_ticket_queue"),
            models.Index(fields=["owner", "status", "updated_at"], name="svc_ticket_agent"),
            # "Assigned to me, soonest deadline first" without sorting all of an agent's tickets.
            models.Index(fields=["owner", "resolution_due_at", "id"], name="svc_ticket_agent_due"),
            models.Index(fields=["customer", "updated_at"], name="svc_ticket_customer"),
            # The home page's queue (issue #6 point 10): open tickets only, in deadline order,
            # so its rows are an index walk that stops after a page and its counts stop at a
            # cap, however many tickets a queue holds (crm.service.selectors_home).
            *[
                models.Index(
                    fields=[lead, "resolution_due_at", "first_response_due_at", "id"],
                    name=name,
                    condition=models.Q(status__in=_OPEN, is_deleted=False) & extra,
                )
                for name, lead, extra in (
                    ("svc_ticket_open_queue", "org_unit", models.Q()),
                    ("svc_ticket_open_free", "org_unit", models.Q(owner__isnull=True)),
                    ("svc_ticket_open_agent", "owner", models.Q()),
                    ("svc_ticket_open_warn", "org_unit", _sla_q("warning")),
                    ("svc_ticket_open_breach", "org_unit", _sla_q("breached")),
                )
            ],
            # Statistics: the months not summarised (crm.service.models_stats) by creation
            # date; the tickets not yet closed by status.
            models.Index(fields=["created_at"], name="svc_ticket_created"),
            models.Index(
                fields=["status"],
                name="svc_ticket_not_closed",
                condition=~models.Q(status="closed") & models.Q(is_deleted=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def resolution_paused_hours(self) -> float | None:
        """Business hours left on the paused resolution clock, for display."""
        left = self.resolution_paused_left
        return round(left / 3600, 1) if left is not None else None


class StatusChange(models.Model):
    """One status move; the log SLA timers read (time spent waiting on the customer)."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=TicketStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=TicketStatus.choices)
    changed_at = models.DateTimeField(_("changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("ticket status change")
        verbose_name_plural = _("ticket status changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class EntryKind(models.TextChoices):
    NOTE = "note", _("Internal note")
    REPLY = "reply", _("Reply to the customer")


class TicketEntry(models.Model):
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=5, choices=EntryKind.choices)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ticket entry")
        verbose_name_plural = _("ticket entries")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]


from .models_desk import Call  # noqa: E402 - desk, revisit and SLA models: own modules
from .models_repair import (  # noqa: E402
    DefectSeverity,
    DefectStatus,
    ProductDefect,
    RepairOrder,
    RepairOrderStatus,
    RepairPart,
    TicketAttachment,
)
from .models_revisit import Revisit, RevisitStatus  # noqa: E402
from .models_sla import (  # noqa: E402
    CalendarDay,
    DayKind,
    QueueEscalation,
    ServiceCalendar,
    SlaEvent,
    SlaLevel,
    SlaPolicy,
    SlaTarget,
)
from .models_stats import TicketMonth, TicketMonthRefresh  # noqa: E402

__all__ = [
    "CalendarDay",
    "Call",
    "Channel",
    "DayKind",
    "DefectSeverity",
    "DefectStatus",
    "EntryKind",
    "Priority",
    "ProductDefect",
    "QueueEscalation",
    "RepairCharge",
    "RepairOrder",
    "RepairOrderStatus",
    "RepairPart",
    "Revisit",
    "RevisitStatus",
    "ServiceCalendar",
    "SlaEvent",
    "SlaLevel",
    "SlaPolicy",
    "SlaState",
    "SlaTarget",
    "StatusChange",
    "Ticket",
    "TicketAttachment",
    "TicketCategory",
    "TicketEntry",
    "TicketMonth",
    "TicketMonthRefresh",
    "TicketStatus",
    "TicketType",
]
