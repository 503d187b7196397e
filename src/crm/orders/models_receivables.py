"""Receivables (SAL-7): invoices (发票), payments received and their allocation, and the
ledger whose sum is a customer's balance. No running total is stored anywhere.

Invoices and payments carry the order's (the customer's) owner and unit, so the sales data
scope applies to them as to orders.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.core.fields import MoneyField
from crm.core.models import BaseModel

from .models import SalesOrder
from .models_shipping import SalesReturn, Shipment


class FapiaoType(models.TextChoices):
    SPECIAL = "special", _("VAT special invoice")  # 增值税专用发票
    ORDINARY = "ordinary", _("VAT ordinary invoice")  # 增值税普通发票


class Invoice(BaseModel):
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    fapiao_number = models.CharField(_("fapiao number"), max_length=40, blank=True)
    fapiao_type = models.CharField(
        _("fapiao type"), max_length=10, choices=FapiaoType.choices, default=FapiaoType.SPECIAL
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    order = models.ForeignKey(
        SalesOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="invoices"
    )
    shipment = models.ForeignKey(
        Shipment,
        verbose_name=_("shipment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    net_amount = MoneyField(_("net amount"))
    tax_amount = MoneyField(_("tax"))
    gross_amount = MoneyField(_("amount"))
    # Allocations only ever add up (there is no un-allocating), so once they cover the gross the
    # invoice stays paid: set then, in the same transaction. Open amounts are still computed
    # from the allocations; this only lets aging skip the paid history (a partial index).
    settled = models.BooleanField(_("paid in full"), default=False, editable=False)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-id"]
        indexes = [
            # INCLUDE: a customer's overdue sum reads the index only (PostgreSQL).
            models.Index(
                fields=["customer", "due_date"],
                include=["gross_amount", "is_deleted"],
                name="orders_invoice_customer",
            ),
            models.Index(fields=["due_date", "id"], name="orders_invoice_due"),
            models.Index(fields=["org_unit", "due_date"], name="orders_invoice_unit"),
            models.Index(
                fields=["customer", "due_date"],
                include=["gross_amount", "org_unit"],
                condition=Q(settled=False, is_deleted=False),
                name="orders_invoice_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(gross_amount__gt=0), name="orders_invoice_positive")
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    ACCEPTANCE = "acceptance", _("Bank acceptance bill")  # 银行承兑汇票
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other")


class Payment(BaseModel):
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("received on"))
    amount = MoneyField(_("amount"))
    method = models.CharField(
        _("method"), max_length=12, choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["customer", "-received_on"], name="orders_payment_cust"),
            # a month's payments: the commission computation starts here
            models.Index(fields=["received_on"], name="orders_payment_received"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="orders_payment_positive")
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class PaymentAllocation(models.Model):
    """Part of a payment settling part of an invoice; never more than either has open."""

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.CASCADE, related_name="allocations"
    )
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="allocations"
    )
    amount = MoneyField(_("amount"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        ordering = ["id"]
        # INCLUDE amount: the allocated sums of aging and overdue read the index only.
        indexes = [
            models.Index(fields=["invoice"], include=["amount"], name="orders_alloc_invoice")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="orders_allocation_positive")
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.invoice_id}: {self.amount}"


class EntryKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")  # +
    PAYMENT = "payment", _("Payment")  # −
    CREDIT = "credit", _("Credit note")  # − (a return)


class ReceivableEntry(models.Model):
    """One signed movement of what a customer owes; the balance is the sum of these."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="receivable_entries"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices)
    amount = MoneyField(_("amount"))  # positive raises the balance, negative lowers it
    on = models.DateField(_("date"))
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sales_return = models.ForeignKey(
        SalesReturn, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("receivable entry")
        verbose_name_plural = _("receivable entries")
        ordering = ["on", "id"]
        # INCLUDE amount: a customer's balance (the sum) reads the index only, on PostgreSQL.
        indexes = [
            models.Index(
                fields=["customer", "on"], include=["amount"], name="orders_entry_customer"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="invoice", amount__gt=0) | Q(amount__lt=0) & ~Q(kind="invoice")),
                name="orders_entry_sign",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"
