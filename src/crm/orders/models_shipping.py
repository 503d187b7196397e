"""Shipments with their logistics events (物流), and returns against shipped lines (SAL-6)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.core.fields import MoneyField, QuantityField
from crm.core.models import BaseModel

from .models import OrderLine, SalesOrder


class ShipmentStatus(models.TextChoices):
    CREATED = "created", _("Created")
    PICKED_UP = "picked_up", _("Picked up")
    IN_TRANSIT = "in_transit", _("In transit")
    DELIVERED = "delivered", _("Delivered")


class Shipment(BaseModel):
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    order = models.ForeignKey(
        SalesOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="shipments"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="shipments",
    )
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ShipmentStatus.choices, default=ShipmentStatus.CREATED
    )
    shipped_on = models.DateField(_("shipped on"))

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-shipped_on", "-id"]
        indexes = [models.Index(fields=["customer", "-shipped_on"], name="orders_shipment_cust")]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(
        Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        OrderLine, verbose_name=_("order line"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = QuantityField(_("quantity"))

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_shipline_quantity")
        ]

    def __str__(self) -> str:
        return f"{self.order_line_id} × {self.quantity}"


class ShipmentEvent(models.Model):
    """One logistics step (picked up, in transit, delivered) with when and a note."""

    shipment = models.ForeignKey(
        Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE, related_name="events"
    )
    status = models.CharField(_("status"), max_length=12, choices=ShipmentStatus.choices)
    at = models.DateTimeField(_("time"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("shipment event")
        verbose_name_plural = _("shipment events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.status}"


class SalesReturn(BaseModel):
    """Goods sent back against shipped lines; its gross value is a credit on the ledger."""

    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    order = models.ForeignKey(
        SalesOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="returns"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="sales_returns",
    )
    reason = models.CharField(_("reason"), max_length=500)
    returned_on = models.DateField(_("returned on"))
    gross_amount = MoneyField(_("credit amount"))

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-returned_on", "-id"]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class ReturnLine(models.Model):
    sales_return = models.ForeignKey(
        SalesReturn, verbose_name=_("return"), on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        OrderLine, verbose_name=_("order line"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = QuantityField(_("quantity"))
    gross_amount = MoneyField(_("credit amount"))

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_retline_quantity")
        ]

    def __str__(self) -> str:
        return f"{self.order_line_id} × {self.quantity}"
