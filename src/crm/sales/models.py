"""Stages, leads, opportunities; visits and activities live in models_activities."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core.fields import MoneyField, PriceField, QuantityField
from crm.core.models import BaseModel

from .models_activities import *  # noqa: F403
from .models_approvals import *  # noqa: F403
from .models_contracts import *  # noqa: F403
from .models_quotes import *  # noqa: F403

LIVE = Q(is_deleted=False)


class ForecastCategory(models.TextChoices):
    PIPELINE = "pipeline", _("Pipeline")
    BEST_CASE = "best_case", _("Best case")
    COMMIT = "commit", _("Commit")
    CLOSED = "closed", _("Closed (won)")
    OMITTED = "omitted", _("Omitted (lost)")


class Stage(models.Model):
    """One step of the sales process of a business unit (null unit: the default set).

    A business unit uses its own stages once it has any, else the default set; its first
    customisation copies the default set (see services_stages).
    """

    business_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("business unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales_stages",
        limit_choices_to={"kind": "company"},
    )
    name = models.CharField(_("name"), max_length=40)
    order = models.PositiveIntegerField(_("order"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("default probability (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    is_won = models.BooleanField(_("won"), default=False)
    is_lost = models.BooleanField(_("lost"), default=False)
    forecast_category = models.CharField(
        _("forecast category"),
        max_length=10,
        choices=ForecastCategory.choices,
        default=ForecastCategory.PIPELINE,
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("sales stage")
        verbose_name_plural = _("sales stages")
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["business_unit", "order"], name="sales_stage_unit_order")]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__lte=100), name="sales_stage_probability_max"
            ),
            models.CheckConstraint(
                condition=~Q(is_won=True, is_lost=True), name="sales_stage_not_won_and_lost"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.is_won or self.is_lost


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    QUALIFIED = "qualified", _("Qualified")
    DISQUALIFIED = "disqualified", _("Disqualified")
    CONVERTED = "converted", _("Converted")


class Lead(BaseModel):
    """A prospective sale not yet qualified: a company and a person, from some source."""

    company = models.CharField(_("company"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    title = models.CharField(_("job title"), max_length=60, blank=True)
    mobile = models.CharField(_("mobile phone"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    source = models.ForeignKey(
        "customers.Choice",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "source"},
    )
    status = models.CharField(
        _("status"), max_length=12, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    disqualify_reason = models.CharField(_("disqualification reason"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="sales_leads",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="sales_leads"
    )
    # Set by conversion: what the lead became.
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sales_leads",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sales_leads",
    )
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)
    # Lower-case simplified text + pinyin + initials; maintained by the services.
    search_text = models.TextField(default="", blank=True, editable=False)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["org_unit", "status", "-updated_at"], name="sales_lead_unit"),
            models.Index(fields=["owner", "status", "-updated_at"], name="sales_lead_owner"),
            models.Index(fields=["-updated_at", "-id"], name="sales_lead_updated"),
        ]

    def __str__(self) -> str:
        return self.company


class OpportunityStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", pgettext_lazy("opportunity", "Lost")


class Opportunity(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="opportunities"
    )
    status = models.CharField(
        _("status"),
        max_length=4,
        choices=OpportunityStatus.choices,
        default=OpportunityStatus.OPEN,
    )
    # The sum of the lines' amounts when the opportunity has lines (kept by the services).
    amount = MoneyField(_("amount"))
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    expected_close = models.DateField(_("expected close"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    lost_reason = models.CharField(_("won/lost reason"), max_length=200, blank=True)
    competitors = models.CharField(_("competitors"), max_length=200, blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    source_lead = models.ForeignKey(
        Lead,
        verbose_name=_("source lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    # When the opportunity entered its current stage (time in stage; kept by the services).
    stage_entered_at = models.DateTimeField(_("in stage since"), null=True, blank=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__lte=100), name="sales_opportunity_probability_max"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="sales_opportunity_amount"),
        ]
        # The board reads (scope + stage) ordered by amount; the forecast (scope +
        # expected close). Partial: only live rows, which is all any page reads.
        indexes = [
            models.Index(fields=["stage", "-amount"], condition=LIVE, name="sales_opp_stage_board"),
            models.Index(
                fields=["org_unit", "stage", "-amount"], condition=LIVE, name="sales_opp_unit_board"
            ),
            models.Index(
                fields=["owner", "stage", "-amount"], condition=LIVE, name="sales_opp_owner_board"
            ),
            models.Index(
                fields=["status", "expected_close"], condition=LIVE, name="sales_opp_close"
            ),
            # The days of a month cut by a close period (forecast, filtered board totals),
            # summed by an index-only scan; whole months come from ForecastCell.
            models.Index(
                fields=["expected_close"],
                include=["stage", "owner", "org_unit", "amount", "probability"],
                condition=LIVE,
                name="sales_opp_close_sums",
            ),
            models.Index(fields=["customer", "status"], name="sales_opp_customer"),
            models.Index(fields=["-updated_at", "-id"], name="sales_opp_updated"),
        ]

    def __str__(self) -> str:
        return self.name


class OpportunityLine(models.Model):
    """A product of an opportunity; `amount` = quantity × unit price (kept by the services)."""

    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="opportunity_lines",
    )
    quantity = QuantityField(_("quantity"))
    unit_price = PriceField(_("unit price"))
    amount = MoneyField(_("amount"))
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("opportunity line")
        verbose_name_plural = _("opportunity lines")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sales_line_quantity"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="sales_line_price"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"


class StageChange(models.Model):
    """One move of an opportunity between stages, with how long it stayed in the old one."""

    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="stage_changes",
    )
    from_stage = models.ForeignKey(
        Stage,
        verbose_name=_("from stage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_stage = models.ForeignKey(
        Stage, verbose_name=_("to stage"), on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Time spent in `from_stage` (null for the first entry).
    duration = models.DurationField(_("time in previous stage"), null=True, blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(fields=["opportunity", "-changed_at"], name="sales_stagechange_opp")
        ]

    def __str__(self) -> str:
        return f"{self.from_stage_id} → {self.to_stage_id}"


class ForecastCell(models.Model):
    """The forecast summary: the live opportunities of one (month of expected close, owner,
    unit, stage), counted and summed (kept by the opportunity services, rebuilt by
    `crm manage rebuild_forecast`).

    Keyed by stage, not forecast category: a stage's category is joined when reading, so a
    change of a stage's settings leaves the cells right. `weighted` = Σ amount × probability
    / 100, exact (numeric on PostgreSQL).
    """

    month = models.DateField(_("month"))  # the first day of the month of expected close
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the key and the (unit, month) index cover the reads
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    count = models.IntegerField(_("count"), default=0)
    amount = models.DecimalField(_("amount"), max_digits=28, decimal_places=4, default=0)
    weighted = models.DecimalField(_("weighted amount"), max_digits=30, decimal_places=6, default=0)

    class Meta:
        verbose_name = _("forecast cell")
        verbose_name_plural = _("forecast cells")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "owner", "org_unit", "stage"], name="sales_forecastcell_key"
            )
        ]
        indexes = [models.Index(fields=["org_unit", "month"], name="sales_fcell_unit_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.owner_id}/{self.org_unit_id}/{self.stage_id}"
