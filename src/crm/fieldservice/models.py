"""Field service (SVC-6): customer equipment 装置 with its installed products, the skills of
service experts, service plans per equipment and the visit tasks the scheduler creates.

Equipment, plans and visits carry no owner or unit of their own: they belong to a customer and
are seen by whoever sees that customer (and has the service module); see selectors.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core.models import BaseModel


class Skill(models.Model):
    """A skill an administrator defines (催化剂, 润滑, 设备检修 …); retire with `active`."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class ExpertSkill(models.Model):
    """An employee who can be sent for a skill: a service expert."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.CASCADE,
        related_name="field_skills",
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.CASCADE, related_name="experts"
    )

    class Meta:
        verbose_name = _("expert skill")
        verbose_name_plural = _("expert skills")
        constraints = [
            models.UniqueConstraint(fields=["skill", "user"], name="fs_expert_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.skill}"


class EquipmentType(models.Model):
    """A kind of equipment (反应器, 压缩机 …) and the skill its service needs."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill needed"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("equipment type")
        verbose_name_plural = _("equipment types")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class EquipmentStatus(models.TextChoices):
    RUNNING = "running", _("In service")
    STOPPED = "stopped", _("Stopped")  # out of service for now; plans stay
    RETIRED = "retired", _("Retired")  # dismantled; the scheduler skips it


class Equipment(BaseModel):
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="equipment",
    )
    name = models.CharField(_("name"), max_length=100)
    type = models.ForeignKey(
        EquipmentType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+"
    )
    model_number = models.CharField(pgettext_lazy("equipment", "model"), max_length=60, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EquipmentStatus.choices, default=EquipmentStatus.RUNNING
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        ordering = ["customer", "name", "id"]
        indexes = [models.Index(fields=["customer", "name"], name="fs_equipment_customer")]

    def __str__(self) -> str:
        return self.name


class InstalledProduct(models.Model):
    """A product installed in the equipment (a catalyst charge, a lubricant fill) and how much."""

    equipment = models.ForeignKey(
        Equipment, verbose_name=_("equipment"), on_delete=models.CASCADE, related_name="products"
    )
    product = models.ForeignKey(
        "products.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, default=1)

    class Meta:
        verbose_name = _("installed product")
        verbose_name_plural = _("installed products")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["equipment", "product"], name="fs_installed_product_unique"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="fs_installed_qty_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class IntervalUnit(models.TextChoices):
    DAYS = "days", _("days")
    MONTHS = "months", _("months")


class ServicePlan(BaseModel):
    equipment = models.ForeignKey(
        Equipment, verbose_name=_("equipment"), on_delete=models.CASCADE, related_name="plans"
    )
    # The equipment's customer, kept here so the scheduler and the lists filter without a join.
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    interval = models.PositiveSmallIntegerField(_("every"), default=6)
    interval_unit = models.CharField(
        _("interval unit"), max_length=6, choices=IntervalUnit.choices, default=IntervalUnit.MONTHS
    )
    next_due = models.DateField(_("next due"))
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill needed"), on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")
        ordering = ["next_due", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(interval__gte=1), name="fs_plan_interval_positive")
        ]
        indexes = [models.Index(fields=["active", "next_due"], name="fs_plan_due")]

    def __str__(self) -> str:
        return self.name


class VisitStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("visit", "Planned")
    DONE = "done", pgettext_lazy("visit", "Done")
    CANCELLED = "cancelled", pgettext_lazy("visit", "Cancelled")


class FieldVisit(BaseModel):
    """One service visit of a plan, created by the scheduler for the plan's due date."""

    plan = models.ForeignKey(
        ServicePlan, verbose_name=_("service plan"), on_delete=models.CASCADE, related_name="visits"
    )
    equipment = models.ForeignKey(
        Equipment, verbose_name=_("equipment"), on_delete=models.CASCADE, related_name="visits"
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(pgettext_lazy("visit", "due date"))
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="field_visits",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    outcome = models.TextField(_("outcome"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    done_on = models.DateField(_("visited on"), null=True, blank=True)

    class Meta:
        verbose_name = _("service visit")
        verbose_name_plural = _("service visits")
        ordering = ["due_date", "id"]
        constraints = [
            # The scheduler's idempotency: one visit per plan and due date.
            models.UniqueConstraint(fields=["plan", "due_date"], name="fs_visit_plan_due_unique")
        ]
        indexes = [
            models.Index(fields=["expert", "status", "due_date"], name="fs_visit_expert"),
            models.Index(fields=["status", "due_date"], name="fs_visit_due"),
            models.Index(fields=["equipment", "status"], name="fs_visit_equipment"),
            models.Index(fields=["customer", "status"], name="fs_visit_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.equipment_id} {self.due_date}"
