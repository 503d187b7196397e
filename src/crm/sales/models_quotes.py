"""Quotes (SAL-4): a priced offer to a customer, revised as numbered versions."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.core.fields import MoneyField, PriceField, QuantityField
from crm.core.models import BaseModel

__all__ = ["Percent", "Quote", "QuoteLine", "QuoteStatus"]

LIVE = Q(is_deleted=False)


class Percent(models.DecimalField):
    """A percentage 0–100 with two places (discounts, tax rates)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("default", Decimal("0"))
        kwargs.setdefault(
            "validators", [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
        )
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # editable; back here after a rejected approval
    PENDING = "pending", _("Pending approval")  # locked until the approver decides
    SENT = "sent", _("Sent")  # with the customer; changes only through a new version
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")  # by the customer
    EXPIRED = "expired", _("Expired")  # sent, and the valid-until date passed
    SUPERSEDED = "superseded", _("Superseded")  # a newer version replaced it


class Quote(BaseModel):
    # One number for every version of a quote ("Q000000123"); `revision` tells them apart.
    number = models.CharField(_("number"), max_length=20, blank=True, db_index=True)
    revision = models.PositiveIntegerField(_("version no."), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_revision",
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="quotes",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes",
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="quotes",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="quotes"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    valid_until = models.DateField(_("valid until"))
    notes = models.TextField(_("terms and notes"), blank=True)
    # Sums of the lines' rounded amounts (kept by the services; see sales/totals.py).
    net_amount = MoneyField(_("net amount"))
    tax_amount = MoneyField(_("tax"))
    gross_amount = MoneyField(_("total"))
    max_discount_pct = Percent(_("largest discount (%)"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    decided_on = models.DateField(_("answered on"), null=True, blank=True)
    # Why it came back to draft (the approver's comment) or why the customer declined.
    status_comment = models.CharField(_("status comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "revision"],
                condition=~Q(number=""),
                name="sales_quote_number_revision",
            ),
            models.CheckConstraint(condition=Q(gross_amount__gte=0), name="sales_quote_gross"),
        ]
        indexes = [
            models.Index(fields=["customer", "-id"], name="sales_quote_customer"),
            models.Index(fields=["opportunity"], name="sales_quote_opportunity"),
            models.Index(
                fields=["org_unit", "-updated_at"], condition=LIVE, name="sales_quote_unit"
            ),
            models.Index(fields=["owner", "-updated_at"], condition=LIVE, name="sales_quote_owner"),
            models.Index(
                fields=["status", "valid_until"], condition=LIVE, name="sales_quote_valid"
            ),
            models.Index(fields=["-updated_at", "-id"], name="sales_quote_updated"),
        ]

    def __str__(self) -> str:
        label = f"{self.number}-{self.revision}" if self.revision > 1 else self.number
        return f"{label} {self.title}".strip() if self.title else label

    @property
    def label(self) -> str:
        return f"{self.number}-{self.revision}" if self.revision > 1 else self.number


class QuoteLine(models.Model):
    """A product line; amounts are computed by sales/totals.py and stored rounded."""

    quote = models.ForeignKey(
        Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="lines"
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="quote_lines",
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)  # the product's, as quoted
    quantity = QuantityField(_("quantity"))
    unit_price = PriceField(_("unit price"))
    discount_pct = Percent(_("discount (%)"))
    tax_rate = Percent(_("tax rate (%)"))
    net_amount = MoneyField(_("net amount"))
    tax_amount = MoneyField(_("tax"))
    gross_amount = MoneyField(_("total"))
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sales_qline_quantity"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="sales_qline_price"),
            models.CheckConstraint(
                condition=Q(discount_pct__gte=0, discount_pct__lte=100), name="sales_qline_disc"
            ),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=100), name="sales_qline_tax"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"
