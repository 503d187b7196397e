"""Sales orders (SAL-6): the order with its lines and status log, the customer's credit limit
and the idempotency keys of the order-create API.

Totals on the order and its lines are derived from the lines by the services (crm.sales.totals)
and stored for lists; money owed is never stored: it is the receivables ledger
(models_receivables.ReceivableEntry).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.core.fields import MoneyField, PriceField, QuantityField
from crm.core.models import BaseModel


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # fully editable, not yet confirmed
    PENDING = "pending", _("Pending approval")  # credit limit exceeded; locked until decided
    CONFIRMED = "confirmed", _("Confirmed")
    PARTLY_SHIPPED = "partly_shipped", _("Partly shipped")
    SHIPPED = "shipped", _("Shipped")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class SalesOrder(BaseModel):
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="sales_orders",
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sales_orders",
    )
    # The accepted quote or the active contract the order was made from, if any.
    quote = models.ForeignKey(
        "sales.Quote",
        verbose_name=_("quote"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales_orders",
    )
    contract = models.ForeignKey(
        "sales.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales_orders",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="sales_orders",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="sales_orders",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    order_date = models.DateField(_("order date"))
    # Days from invoice to due date; empty: the customer's terms, then the system default.
    payment_terms_days = models.PositiveIntegerField(
        _("payment terms (days)"), null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    net_total = MoneyField(_("net total"))
    tax_total = MoneyField(_("tax total"))
    gross_total = MoneyField(_("total"))
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        indexes = [
            models.Index(fields=["customer", "-order_date", "-id"], name="orders_customer"),
            models.Index(fields=["org_unit", "-updated_at", "-id"], name="orders_unit"),
            models.Index(fields=["owner", "-updated_at", "-id"], name="orders_owner"),
            models.Index(fields=["-updated_at", "-id"], name="orders_updated"),
            models.Index(fields=["status", "-order_date"], name="orders_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(gross_total__gte=0), name="orders_gross_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.status == OrderStatus.DRAFT


class OrderLine(models.Model):
    """A product line; amounts are kept by the services from quantity, price, discount, tax."""

    order = models.ForeignKey(
        SalesOrder, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="order_lines",
    )
    unit = models.ForeignKey(
        "products.UnitOfMeasure",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = QuantityField(_("quantity"))
    unit_price = PriceField(_("unit price"))
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=7, decimal_places=4, default=0
    )
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=7, decimal_places=4, default=13)
    net_amount = MoneyField(_("net amount"))
    tax_amount = MoneyField(_("tax"))
    gross_amount = MoneyField(_("amount"))
    # Kept by the shipment and return services while they hold the order's row lock.
    shipped_quantity = QuantityField(_("shipped"))
    returned_quantity = QuantityField(_("returned"))
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_line_quantity"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="orders_line_price"),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100),
                name="orders_line_discount",
            ),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=100), name="orders_line_tax_rate"
            ),
            models.CheckConstraint(
                condition=Q(shipped_quantity__lte=models.F("quantity")),
                name="orders_line_not_overshipped",
            ),
            models.CheckConstraint(
                condition=Q(returned_quantity__lte=models.F("shipped_quantity")),
                name="orders_line_not_overreturned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"

    @property
    def open_quantity(self) -> Decimal:
        return self.quantity - self.shipped_quantity


class OrderStatusChange(models.Model):
    order = models.ForeignKey(
        SalesOrder,
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=OrderStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=OrderStatus.choices)
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
        verbose_name = _("order status change")
        verbose_name_plural = _("order status changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class CreditLimit(BaseModel):
    """A customer's credit limit and payment terms, kept by finance. No row: no limit."""

    customer = models.OneToOneField(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="credit",
    )
    # Empty: no limit (only payment terms set).
    amount = MoneyField(_("credit limit"), null=True, blank=True, default=None)
    payment_terms_days = models.PositiveIntegerField(
        _("payment terms (days)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("credit limit")
        verbose_name_plural = _("credit limits")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="orders_credit_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.amount}"


class IdempotencyKey(models.Model):
    """An `Idempotency-Key` a user sent with POST /api/v1/orders, the hash of its body and
    the order it created; a replay returns that order, another body with the key is refused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    body_hash = models.CharField(max_length=64)
    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="orders_idempotency_user_key")
        ]

    def __str__(self) -> str:
        return self.key
