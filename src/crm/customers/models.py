"""Customers, their contacts and the interaction timeline; admin-editable choice lists."""

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core.fields import MoneyField
from crm.core.models import BaseModel


class ChoiceKind(models.TextChoices):
    INDUSTRY = "industry", _("Industry")
    RATING = "rating", _("Rating")
    CREDIT_LEVEL = "credit_level", _("Credit level")
    NATURE = "nature", _("Enterprise nature")
    SIZE = "size", _("Enterprise size")
    SOURCE = "source", _("Source")
    REGION = "region", _("Region")


class Choice(models.Model):
    """One entry of an admin-editable list (industries, ratings, …). Retire with `active`."""

    kind = models.CharField(_("list"), max_length=20, choices=ChoiceKind.choices)
    label = models.CharField(_("label"), max_length=60)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        ordering = ["kind", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "label"], name="customers_choice_kind_label")
        ]

    def __str__(self) -> str:
        return self.label


class CustomerStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")  # not yet bought anything
    ACTIVE = "active", pgettext_lazy("customer status", "Active")
    DORMANT = "dormant", _("Dormant")  # bought before, nothing recently
    LOST = "lost", _("Lost")  # gone to a competitor or out of business


def _choice_fk(kind: str, label: Any, *, indexed: bool = True) -> models.ForeignKey:
    return models.ForeignKey(
        Choice,
        verbose_name=label,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": kind},
        db_index=indexed,
    )


class Customer(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    # Assigned by customer_create ("C" + eight digits); never reused, also not after deletion.
    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    tax_id = models.CharField(_("tax ID"), max_length=30, blank=True)  # sensitive
    bank = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=40, blank=True)  # sensitive
    province = models.CharField(_("province"), max_length=2, blank=True)
    city = models.CharField(_("city"), max_length=4, blank=True)
    district = models.CharField(_("district"), max_length=6, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    region = _choice_fk(ChoiceKind.REGION, _("region"))
    industry = _choice_fk(ChoiceKind.INDUSTRY, _("industry"))
    rating = _choice_fk(ChoiceKind.RATING, _("rating"))
    # Not list filters: no index (each index costs every insert; CUS-7 imports at 1M rows).
    # Retiring an entry is `active=False`; only deleting one would scan.
    nature = _choice_fk(ChoiceKind.NATURE, _("enterprise nature"), indexed=False)
    size = _choice_fk(ChoiceKind.SIZE, _("enterprise size"), indexed=False)
    credit_level = _choice_fk(ChoiceKind.CREDIT_LEVEL, _("credit level"))  # sensitive
    source = _choice_fk(ChoiceKind.SOURCE, _("source"), indexed=False)
    credit_limit = MoneyField(_("credit limit"))
    cooperation_history = models.TextField(_("cooperation history"), blank=True)
    status = models.CharField(
        _("lifecycle status"),
        max_length=10,
        choices=CustomerStatus.choices,
        default=CustomerStatus.PROSPECT,
    )
    # Comma-separated, normalised by the services ("重点,国企").
    tags = models.CharField(_("tags"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="customers",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="customers"
    )
    units_served = models.ManyToManyField(
        "org.OrgUnit",
        verbose_name=_("business units served"),
        blank=True,
        related_name="customers_served",
        limit_choices_to={"kind__in": ["company", "branch"]},
    )
    # Lower-case simplified text + pinyin + initials of names, codes, contacts and phones;
    # maintained by the services. Sensitive fields never go in here.
    search_text = models.TextField(default="", blank=True, editable=False)
    # The normalised name dedupe compares (see normalise.py); maintained by the services.
    name_key = models.CharField(max_length=200, default="", blank=True, editable=False)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"],
                condition=Q(is_deleted=False) & ~Q(uscc=""),
                name="customers_unique_live_uscc",
                violation_error_message=_(
                    "Another customer already has this unified social credit code."
                ),
            ),
            models.CheckConstraint(
                condition=Q(credit_limit__gte=0), name="customers_credit_limit_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["org_unit", "-updated_at"], name="customers_unit_updated"),
            models.Index(fields=["owner", "-updated_at"], name="customers_owner_updated"),
            models.Index(fields=["status"], name="customers_status"),
            # The list's default order, carrying the columns its filters test (PostgreSQL
            # INCLUDE; a plain index elsewhere): a filtered page and the capped count are
            # index-only scans that stop early instead of reading the table.
            models.Index(
                fields=["-updated_at", "-id"],
                include=[
                    "is_deleted",
                    "org_unit",
                    "owner",
                    "status",
                    "industry",
                    "region",
                    "rating",
                    "credit_level",
                ],
                name="customers_updated_list",
            ),
            # The list's other sorts (name, creation date, credit limit), read in order.
            models.Index(fields=["name"], name="customers_name"),
            models.Index(fields=["created_at"], name="customers_created"),
            models.Index(fields=["-credit_limit", "-id"], name="customers_credit_limit"),
            models.Index(fields=["name_key"], name="customers_name_key"),
            models.Index(fields=["phone"], name="customers_phone"),
            models.Index(fields=["tax_id"], name="customers_tax_id"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]

    @property
    def address(self) -> str:
        from .divisions import full_name

        return " ".join(
            p for p in (full_name(self.province, self.city, self.district), self.street) if p
        )


class DecisionRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    USER = "user", _("User")
    PURCHASER = "purchaser", _("Purchaser")
    FINANCE = "finance", _("Finance")
    OTHER = "other", _("Other")


class Contact(BaseModel):
    """A person at a customer. Scoped through the customer (its owner and unit)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=60)
    title = models.CharField(_("job title"), max_length=60, blank=True)
    role = models.CharField(
        _("decision role"), max_length=20, choices=DecisionRole.choices, default=DecisionRole.OTHER
    )
    mobile = models.CharField(_("mobile phone"), max_length=20, blank=True)
    landline = models.CharField(_("landline"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    wechat = models.CharField(_("WeChat"), max_length=60, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_primary=True, is_deleted=False),
                name="customers_one_primary_contact",
            )
        ]
        indexes = [
            # the call desk finds a caller by e-mail (`email__iexact` compares UPPER())
            models.Index(Upper("email"), name="customers_contact_email"),
        ]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    CALL = "call", _("Phone call")
    VISIT = "visit", _("Visit")
    EMAIL = "email", _("E-mail")
    FAX = "fax", _("Fax")
    LETTER = "letter", _("Letter")
    IM = "im", _("Instant message")
    WEB = "web", _("Web")


class Direction(models.TextChoices):
    INBOUND = "in", _("Inbound")  # the customer reached us
    OUTBOUND = "out", _("Outbound")


class Interaction(BaseModel):
    """One contact with the customer, on the customer's timeline (SVC-7)."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.OUTBOUND
    )
    occurred_at = models.DateTimeField(_("time"))
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
    )
    summary = models.TextField(_("summary"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    attachment = models.FileField(
        _("attachment"), upload_to="interactions/%Y/%m/", blank=True, max_length=255
    )
    attachment_name = models.CharField(_("attachment name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-occurred_at"], name="customers_interaction_time")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.occurred_at:%Y-%m-%d}"


class Merge(models.Model):
    """One merge of two customers, with what it takes to undo it.

    `snapshot` = {"moved": [{"model": label, "field": fk name, "pks": [...]}],
    "survivor_before": {attname: value}, "survivor_after": {attname: value},
    "primary_cleared": [contact pks], "units_added": [unit pks]}.
    """

    survivor = models.ForeignKey(
        Customer, verbose_name=_("surviving customer"), on_delete=models.PROTECT, related_name="+"
    )
    merged = models.ForeignKey(
        Customer, verbose_name=_("merged customer"), on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("merged at"), auto_now_add=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"


class SavedFilter(models.Model):
    """A user's named customer-list filter ("my views"): the list's query string."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer_filters"
    )
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("filter"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="customers_filter_user_name")
        ]

    def __str__(self) -> str:
        return self.name
