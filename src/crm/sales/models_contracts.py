"""Contracts (SAL-5): from an accepted quote or directly; lines or a framework amount; a term,
payment terms, attachments; renewal links the new contract to the old one."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core.fields import MoneyField, PriceField, QuantityField
from crm.core.models import BaseModel

from .models_quotes import Percent

__all__ = ["Contract", "ContractAttachment", "ContractLine", "ContractStatus"]

LIVE = Q(is_deleted=False)


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # editable
    PENDING = "pending", _("Pending approval")  # locked until the approver decides
    ACTIVE = "active", pgettext_lazy("contract", "Active")  # signed and in force
    EXPIRED = "expired", _("Expired")  # its end date passed
    TERMINATED = "terminated", _("Terminated")  # ended early, with a reason


class Contract(BaseModel):
    number = models.CharField(_("number"), max_length=20, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
    )
    quote = models.ForeignKey(
        "sales.Quote",
        verbose_name=_("quote"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
    )
    renewal_of = models.OneToOneField(
        "self",
        verbose_name=_("renewal of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="contracts"
    )
    # The parties as signed (our company, the customer's registered name).
    our_party = models.CharField(_("our party"), max_length=200)
    customer_party = models.CharField(_("customer party"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    # A framework contract has no lines: it caps what orders under it may total.
    is_framework = models.BooleanField(_("framework contract"), default=False)
    framework_amount = MoneyField(_("framework amount"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    # Days from invoice to due date (the orders app reads this for receivables).
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    notes = models.TextField(_("terms and notes"), blank=True)
    net_amount = MoneyField(_("net amount"))
    tax_amount = MoneyField(_("tax"))
    gross_amount = MoneyField(_("total"))
    max_discount_pct = Percent(_("largest discount (%)"))
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    status_comment = models.CharField(_("status comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="sales_contract_term"
            ),
            models.CheckConstraint(condition=Q(gross_amount__gte=0), name="sales_contract_gross"),
            models.CheckConstraint(
                condition=Q(framework_amount__gte=0), name="sales_contract_framework"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-id"], name="sales_contract_customer"),
            models.Index(
                fields=["org_unit", "-updated_at"], condition=LIVE, name="sales_contract_unit"
            ),
            models.Index(
                fields=["owner", "-updated_at"], condition=LIVE, name="sales_contract_owner"
            ),
            models.Index(fields=["status", "end_date"], condition=LIVE, name="sales_contract_end"),
            models.Index(fields=["-updated_at", "-id"], name="sales_contract_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def amount(self) -> Decimal:
        """What the contract is worth: the framework amount or the lines' total."""
        return self.framework_amount if self.is_framework else self.gross_amount


class ContractLine(models.Model):
    """A product line, priced as quote lines are (sales/totals.py)."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="lines"
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="contract_lines",
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    quantity = QuantityField(_("quantity"))
    unit_price = PriceField(_("unit price"))
    discount_pct = Percent(_("discount (%)"))
    tax_rate = Percent(_("tax rate (%)"))
    net_amount = MoneyField(_("net amount"))
    tax_amount = MoneyField(_("tax"))
    gross_amount = MoneyField(_("total"))
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sales_cline_quantity"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="sales_cline_price"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"


class ContractAttachment(models.Model):
    """A signed scan, an annex…; types and size as interactions' attachments allow."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="contracts/%Y/%m/", max_length=255)
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
        verbose_name = _("contract attachment")
        verbose_name_plural = _("contract attachments")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name
