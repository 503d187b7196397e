"""Approval rules (rows an administrator edits) and approval requests (SYS-5).

The engine is in approvals.py; documents (quotes, contracts, orders) register with it.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.core.fields import MoneyField
from crm.core.models import BaseModel

__all__ = [
    "ApprovalKind",
    "ApprovalRequest",
    "ApprovalRule",
    "ApprovalStatus",
    "ApproverKind",
    "Condition",
]


class ApprovalKind(models.TextChoices):
    QUOTE = "quote", _("Quote")
    CONTRACT = "contract", _("Contract")
    ORDER = "order", _("Sales order")


class Condition(models.TextChoices):
    # Each reads one fact the submitting service passes (see approvals.FACTS).
    DISCOUNT_ABOVE = "discount_above", _("Discount above (%)")
    AMOUNT_ABOVE = "amount_above", _("Amount above")
    CREDIT_EXCEEDED = "credit_exceeded", _("Credit limit exceeded")


class ApproverKind(models.TextChoices):
    # The nearest holder of `approver_role` in the owner's unit or a unit above it.
    MANAGER = "manager", _("Manager up the organisation tree")
    # Any active holder of `approver_role`.
    ROLE = "role", _("Anyone with a role")


class ApprovalRule(BaseModel):
    """When a document of `kind` meets `condition`, it waits for an approver's decision."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("document"), max_length=10, choices=ApprovalKind.choices)
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices)
    # Percent for a discount, an amount for an amount; unused for credit.
    threshold = MoneyField(_("threshold"))
    # Null: every unit; else documents of this unit and the units below it.
    business_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("business unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approval_rules",
    )
    approver_kind = models.CharField(
        _("approver"), max_length=10, choices=ApproverKind.choices, default=ApproverKind.MANAGER
    )
    approver_role = models.ForeignKey(
        "org.Role",
        verbose_name=_("approver role"),
        on_delete=models.PROTECT,
        related_name="approval_rules",
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")
        ordering = ["kind", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=0), name="sales_rule_threshold")
        ]

    def __str__(self) -> str:
        return self.name


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")  # the document is locked until a decision
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Withdrawn")


class ApprovalRequest(models.Model):
    """One submission of one document for approval, with the facts and rules that required it."""

    kind = models.CharField(_("document"), max_length=10, choices=ApprovalKind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("content_type", "object_id")
    document_repr = models.CharField(_("document"), max_length=200)
    # The document's owner and unit at submission: the inbox lists without reading documents.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    # Decimal facts as strings, e.g. {"discount_pct": "20.00", "amount": "1000.00"}.
    facts = models.JSONField(_("facts"), default=dict)
    # The matched rules as they read at submission: [{"id", "name", "text"}].
    reasons = models.JSONField(_("reasons"), default=list)
    rules = models.ManyToManyField(ApprovalRule, related_name="requests", blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approvals_to_decide",
    )
    # Holders of this role may decide too (rules whose approver is a role).
    approver_role = models.ForeignKey(
        "org.Role",
        verbose_name=_("approver role"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-id"], name="sales_appr_document"),
            models.Index(fields=["approver", "status", "-id"], name="sales_appr_inbox"),
            models.Index(fields=["decided_by", "-decided_at"], name="sales_appr_decided"),
            models.Index(fields=["status", "requested_at"], name="sales_appr_pending"),
        ]
        constraints = [
            # The lock: at most one pending request per document.
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status="pending"),
                name="sales_appr_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document_repr}"

    @property
    def is_pending(self) -> bool:
        return self.status == ApprovalStatus.PENDING
