"""Writes to approval rules (administrators only; the pages and the API check that)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from crm.core.errors import ValidationFailed
from crm.core.services import record_create, record_soft_delete, record_update

from .models_approvals import ApprovalRule, Condition

RULE_FIELDS = (
    "name",
    "kind",
    "condition",
    "threshold",
    "business_unit",
    "approver_kind",
    "approver_role",
    "active",
    "sort_order",
)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "name" in out:
        out["name"] = str(out["name"] or "").strip()
        if not out["name"]:
            raise ValidationFailed(fields={"name": [_("Enter the rule's name.")]})
    threshold = out.get("threshold")
    if threshold is not None and threshold < 0:
        raise ValidationFailed(fields={"threshold": [_("The threshold must not be negative.")]})
    if (
        out.get("condition") == Condition.DISCOUNT_ABOVE
        and threshold is not None
        and threshold > 100
    ):
        raise ValidationFailed(fields={"threshold": [_("A discount is at most 100 %.")]})
    return out


@transaction.atomic
def rule_create(*, actor: Any, **fields: Any) -> ApprovalRule:
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    rule = ApprovalRule(**_clean(fields))
    return record_create(instance=rule, actor=actor)


def rule_update(*, rule: ApprovalRule, version: int, actor: Any, **changes: Any) -> ApprovalRule:
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    merged = {"condition": rule.condition, "threshold": rule.threshold, **changes}
    _clean(merged)
    return record_update(instance=rule, version=version, changes=_clean(changes), actor=actor)


def rule_delete(*, rule: ApprovalRule, actor: Any) -> ApprovalRule:
    return record_soft_delete(instance=rule, actor=actor)
