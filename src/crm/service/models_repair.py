"""Warranty and repair (SVC-3): files attached to tickets, repair work orders with parts and
labour, and product defects recorded from tickets.

Work orders and defects belong to a ticket and are seen and changed by whoever sees and
changes the ticket (crm.service.selectors); they carry `customer` like every high-volume
customer-owned table.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core.fields import MoneyField, PriceField, QuantityField
from crm.core.models import BaseModel


class TicketAttachment(models.Model):
    """A photo of the fault, an invoice…; types and size as interactions' attachments allow."""

    ticket = models.ForeignKey(
        "service.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    # Set when the file went with one reply or note (shown there); else it is the ticket's.
    entry = models.ForeignKey(
        "service.TicketEntry",
        verbose_name=_("entry"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to="tickets/%Y/%m/", max_length=255)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ticket attachment")
        verbose_name_plural = _("ticket attachments")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name


class RepairOrderStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("repair order", "Open")
    DONE = "done", pgettext_lazy("repair order", "Done")


class RepairOrder(BaseModel):
    """The work of one repair: parts and labour; free when the product was in warranty."""

    ticket = models.ForeignKey(
        "service.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="repair_orders",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="repair_orders",
    )
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=RepairOrderStatus.choices,
        default=RepairOrderStatus.OPEN,
    )
    # False: free (in warranty, or a manager's override); the totals are the cost all the same.
    charged = models.BooleanField(_("charged"), default=True)
    labour_hours = models.DecimalField(_("labour hours"), max_digits=8, decimal_places=2, default=0)
    labour_rate = PriceField(_("hourly rate"))
    parts_amount = MoneyField(_("parts"))
    labour_amount = MoneyField(_("labour"))
    total_amount = MoneyField(_("total"))
    notes = models.TextField(_("notes"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("repair order")
        verbose_name_plural = _("repair orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(labour_hours__gte=0, labour_rate__gte=0), name="svc_repair_labour"
            ),
        ]

    def __str__(self) -> str:
        return self.number or ""

    @property
    def amount_due(self) -> Decimal:
        """What the customer pays: nothing when free."""
        return Decimal(self.total_amount) if self.charged else Decimal(0)


class RepairPart(models.Model):
    repair_order = models.ForeignKey(
        RepairOrder, verbose_name=_("repair order"), on_delete=models.CASCADE, related_name="parts"
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("part"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = QuantityField(_("quantity"))
    unit_price = PriceField(_("unit price"))
    amount = MoneyField(_("amount"))

    class Meta:
        verbose_name = _("repair part")
        verbose_name_plural = _("repair parts")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0, unit_price__gte=0), name="svc_repair_part"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"


class DefectSeverity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    CRITICAL = "critical", _("Critical")  # a safety risk or a whole batch unusable


class DefectStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("defect", "Open")
    INVESTIGATING = "investigating", _("Investigating")
    FIXED = "fixed", _("Fixed")  # the cause is removed (production, supplier)
    CLOSED = "closed", pgettext_lazy("defect", "Closed")


class ProductDefect(BaseModel):
    ticket = models.ForeignKey(
        "service.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="defects",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="product_defects",
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="defects",
    )
    batch_number = models.CharField(_("batch number"), max_length=60, blank=True)
    severity = models.CharField(
        _("severity"),
        max_length=10,
        choices=DefectSeverity.choices,
        default=DefectSeverity.MINOR,
    )
    status = models.CharField(
        _("status"), max_length=14, choices=DefectStatus.choices, default=DefectStatus.OPEN
    )
    description = models.TextField(_("description"))

    class Meta:
        verbose_name = _("product defect")
        verbose_name_plural = _("product defects")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["product", "status"], name="svc_defect_product"),
            models.Index(fields=["status", "created_at"], name="svc_defect_status"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.batch_number}".strip()
