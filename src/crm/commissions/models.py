"""Commissions (SAL-8): admin-edited rules, the periods they are computed for, and the
computed statements with their lines.

Statements and lines are derived data: `services_compute.period_recompute` deletes a period's
statements and writes them again from the paid invoice amounts, so they are never edited.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.core.fields import MoneyField
from crm.core.models import BaseModel


class RuleKind(models.TextChoices):
    RATE = "rate", _("Fixed rate")  # one percentage of the basis
    TIERED = "tiered", _("Tiered rates")  # marginal brackets over the rep's basis under the rule


class CommissionRule(BaseModel):
    """Applies to the paid amounts matching all of its set criteria (an unset one matches
    all). The most specific matching rule wins (see crm.commissions.rules)."""

    name = models.CharField(_("name"), max_length=100)
    role = models.ForeignKey(
        "org.Role",
        verbose_name=_("role"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    series = models.ForeignKey(
        "products.Series",
        verbose_name=_("product series"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
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
    business_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("business unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "company"},
    )
    kind = models.CharField(
        _("kind"), max_length=8, choices=RuleKind.choices, default=RuleKind.RATE
    )
    rate = models.DecimalField(
        _("rate (%)"), max_digits=7, decimal_places=4, default=0
    )  # kind "rate" only
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)  # inclusive; null = open
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("commission rule")
        verbose_name_plural = _("commission rules")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="commissions_rule_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0, rate__lte=100), name="commissions_rule_rate"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CommissionTier(models.Model):
    """A bracket of a tiered rule: `rate` applies to the part of the basis from `lower`
    up to the next tier's `lower`. The first tier starts at 0."""

    rule = models.ForeignKey(
        CommissionRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="tiers"
    )
    lower = MoneyField(_("from amount"))
    rate = models.DecimalField(_("rate (%)"), max_digits=7, decimal_places=4)

    class Meta:
        verbose_name = _("commission tier")
        verbose_name_plural = _("commission tiers")
        ordering = ["rule_id", "lower"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "lower"], name="commissions_tier_unique"),
            models.CheckConstraint(
                condition=Q(rate__gte=0, rate__lte=100, lower__gte=0),
                name="commissions_tier_values",
            ),
        ]

    def __str__(self) -> str:
        return f"≥ {self.lower}: {self.rate} %"


class CommissionPeriod(models.Model):
    """One month ("YYYY-MM"). Its row is locked while it is recomputed; once closed by
    finance it is not recomputed any more."""

    period = models.CharField(_("period"), max_length=7, unique=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("commission period")
        verbose_name_plural = _("commission periods")
        ordering = ["-period"]

    def __str__(self) -> str:
        return self.period

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class CommissionStatement(models.Model):
    """A rep's commission for a period: the sum of its lines (written with them)."""

    period = models.ForeignKey(
        CommissionPeriod,
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        related_name="statements",
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The rep's unit when computed (the invoice's unit for a rep without one): the data scope.
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    basis = MoneyField(_("basis"))
    commission = MoneyField(_("commission"))

    class Meta:
        verbose_name = _("commission statement")
        verbose_name_plural = _("commission statements")
        ordering = ["period", "rep_id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "rep"], name="commissions_statement_rep")
        ]
        indexes = [models.Index(fields=["rep", "period"], name="commissions_statement_rep_p")]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.rep_id}"


class CommissionLine(models.Model):
    """The paid ex-tax basis of one (series, rating, unit) group of a rep in a period, the
    rule that matched it and the commission."""

    statement = models.ForeignKey(
        CommissionStatement,
        verbose_name=_("statement"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    rule = models.ForeignKey(
        CommissionRule,
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )  # null: no rule matched, no commission
    series = models.ForeignKey(
        "products.Series",
        verbose_name=_("product series"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rating = models.ForeignKey(
        "customers.Choice",
        verbose_name=_("customer rating"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    basis = MoneyField(_("basis"))
    rate = models.DecimalField(
        _("rate (%)"), max_digits=7, decimal_places=4, null=True, blank=True
    )  # rate rules
    # Tiered rules: the brackets over the rep's basis under the rule, [{lower, upper, rate,
    # amount, commission}], as strings; the rule's commission is shared by the lines' bases.
    tier_detail = models.JSONField(_("tiers"), default=list, blank=True)
    commission = MoneyField(_("commission"))

    class Meta:
        verbose_name = _("commission line")
        verbose_name_plural = _("commission lines")
        ordering = ["statement_id", "id"]

    def __str__(self) -> str:
        return f"{self.statement_id}: {self.basis} → {self.commission}"
