"""Brands, series, products, units of measure, price lists and customer prices.

The catalogue is company-wide master data: no owner; everyone with the sales module sees it,
only a user with company-wide (ALL) sales scope edits it. Customer prices belong to a customer
and are scoped through it, like contacts.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core.fields import MoneyField
from crm.core.models import BaseModel


class UnitOfMeasure(models.Model):
    """An admin-editable unit (吨, 立方米, 张 …). Retire with `active`; never deleted once used."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=20)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("unit of measure")
        verbose_name_plural = _("units of measure")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Brand(BaseModel):
    name = models.CharField(_("name"), max_length=60)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["sort_order", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(is_deleted=False),
                name="products_brand_unique_live_name",
                violation_error_message=_("A brand with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Series(BaseModel):
    brand = models.ForeignKey(
        Brand, verbose_name=_("brand"), on_delete=models.PROTECT, related_name="series"
    )
    name = models.CharField(_("name"), max_length=60)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["brand_id", "sort_order", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "name"],
                condition=Q(is_deleted=False),
                name="products_series_unique_live_name",
                violation_error_message=_("This brand already has a series with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Product(BaseModel):
    # Chosen by the user (the company's material number); unique for ever, also after deletion.
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    brand = models.ForeignKey(
        Brand,
        verbose_name=_("brand"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
    )
    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
    )
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    unit = models.ForeignKey(
        UnitOfMeasure,
        verbose_name=pgettext_lazy("unit of measure", "unit"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    list_price = MoneyField(_("list price"))
    active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)
    # Months of warranty from shipment (or the contract's start); 0: no warranty (SVC-3).
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=0)
    # Lower-case simplified text + pinyin + initials of name, code and specification;
    # maintained by the services.
    search_text = models.TextField(default="", blank=True, editable=False)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(list_price__gte=0), name="products_list_price_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["brand", "series"], name="products_brand_series"),
            models.Index(fields=["active", "code"], name="products_active_code"),
            models.Index(fields=["name"], name="products_name"),
            models.Index(fields=["-updated_at", "-id"], name="products_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PriceList(BaseModel):
    """Prices for the customers matching all of its set criteria (an unset one matches all)."""

    name = models.CharField(_("name"), max_length=100)
    business_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("business unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "company"},
    )
    rating = models.ForeignKey(
        "customers.Choice",
        verbose_name=_("customer rating"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "rating"},
    )
    region = models.ForeignKey(
        "customers.Choice",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "region"},
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)  # inclusive; null = open
    active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["-valid_from", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="products_price_list_valid_range",
            ),
        ]
        indexes = [models.Index(fields=["active", "valid_from"], name="products_pl_active_from")]

    def __str__(self) -> str:
        return self.name


class PriceListItem(models.Model):
    """One product's price on a price list. Changes are audited on the price list."""

    price_list = models.ForeignKey(
        PriceList, verbose_name=_("price list"), on_delete=models.CASCADE, related_name="items"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    price = MoneyField(_("price"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("price list item")
        verbose_name_plural = _("price list items")
        ordering = ["price_list_id", "product__code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "product"],
                name="products_price_list_item_unique",
                violation_error_message=_("This product is already on the price list."),
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="products_pli_price_positive"),
        ]
        indexes = [models.Index(fields=["product"], name="products_pli_product")]

    def __str__(self) -> str:
        return f"{self.price_list_id}/{self.product_id}: {self.price}"


class CustomerPrice(BaseModel):
    """A price agreed with one customer; scoped through the customer (its owner and unit)."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="product_prices",
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    price = MoneyField(_("price"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)  # inclusive; null = open
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("customer price")
        verbose_name_plural = _("customer prices")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="products_customer_price_valid_range",
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="products_cp_price_positive"),
        ]
        indexes = [
            models.Index(
                fields=["customer", "product", "-valid_from"], name="products_cp_cust_prod"
            )
        ]

    def __str__(self) -> str:
        # Shown in history and the recycle bin; lists of prices render their own columns.
        return f"{self.customer} · {self.product}"
