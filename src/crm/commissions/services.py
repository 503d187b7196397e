"""Writes of commission rules (system managers): create, versioned update, soft delete, each
audited. Tiers are the rule's child rows; a change of tiers is audited on the rule."""

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from crm.core.audit import audit_log
from crm.core.errors import ValidationFailed
from crm.core.models import AuditAction
from crm.core.services import record_create, record_soft_delete, record_update

from .models import CommissionRule, CommissionTier, RuleKind

RULE_FIELDS = (
    "name",
    "role",
    "series",
    "rating",
    "business_unit",
    "kind",
    "rate",
    "valid_from",
    "valid_to",
    "active",
)
Tiers = Sequence[tuple[Decimal, Decimal]]


def parse_tiers(text: str) -> list[tuple[Decimal, Decimal]]:
    """ "0:1, 100000:2" (from amount: rate %) → [(0, 1), (100000, 2)]; a field error else."""
    out = []
    try:
        for part in str(text or "").replace("，", ",").replace("：", ":").split(","):
            if not part.strip():
                continue
            lower, rate = (p.strip().replace("%", "") for p in part.split(":"))
            out.append((Decimal(lower.replace(" ", "")), Decimal(rate)))
    except (ValueError, InvalidOperation):
        raise ValidationFailed(
            fields={"tiers": [_("Enter tiers like 0:1, 100000:2 (from amount: rate %).")]}
        ) from None
    return out


def tiers_text(tiers: Tiers) -> str:
    return ", ".join(f"{lower.normalize():f}:{rate.normalize():f}" for lower, rate in tiers)


def _check_tiers(tiers: Tiers) -> list[tuple[Decimal, Decimal]]:
    ordered = sorted((Decimal(a), Decimal(b)) for a, b in tiers)
    lowers = [a for a, _b in ordered]
    if (
        not ordered
        or lowers[0] != 0
        or len(set(lowers)) != len(lowers)
        or any(not (0 <= r <= 100) for _a, r in ordered)
        or any(a.as_tuple().exponent < -4 for a in lowers)  # type: ignore[operator]
        or any(a >= Decimal("1e14") for a in lowers)
    ):
        raise ValidationFailed(
            fields={
                "tiers": [
                    _(
                        "Enter at least one tier; the first starts at 0, each from amount "
                        "once, rates from 0 to 100."
                    )
                ]
            }
        )
    return ordered


def _check(data: dict[str, Any], current: CommissionRule | None = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}

    def get(key: str) -> Any:
        return data[key] if key in data else getattr(current, key, None)

    if "name" in data:
        data["name"] = str(data["name"] or "").replace("\x00", "").strip()
        if not data["name"] or len(data["name"]) > 100:
            errors["name"] = [_("Enter a name of 1 to 100 characters.")]
    if "kind" in data and data["kind"] not in RuleKind.values:
        errors["kind"] = [_("Choose rate or tiered.")]
    if "rate" in data:
        rate = data["rate"]
        if rate is None or not (0 <= Decimal(rate) <= 100):
            errors["rate"] = [_("Enter a percentage from 0 to 100.")]
    rating = data.get("rating")
    if rating is not None and rating.kind != "rating":
        errors["rating_id"] = [_("Choose a customer rating.")]
    unit = data.get("business_unit")
    if unit is not None and unit.kind != "company":
        errors["business_unit_id"] = [_("Choose a unit of kind company.")]
    start, end = get("valid_from"), get("valid_to")
    if start is None:
        errors["valid_from"] = [_("Enter the first day the rule applies.")]
    elif end is not None and end < start:
        errors["valid_to"] = [_("The end cannot be before the start.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return data


def _set_tiers(rule: CommissionRule, tiers: Tiers) -> None:
    CommissionTier.objects.filter(rule=rule).delete()
    CommissionTier.objects.bulk_create(
        [CommissionTier(rule=rule, lower=lower, rate=rate) for lower, rate in tiers]
    )


def rule_tiers(rule: CommissionRule) -> list[tuple[Decimal, Decimal]]:
    return [(t.lower, t.rate) for t in rule.tiers.all()]


@transaction.atomic
def rule_create(*, actor: Any, tiers: Tiers = (), **data: Any) -> CommissionRule:
    data = _check({k: v for k, v in data.items() if k in RULE_FIELDS})
    checked = _check_tiers(tiers) if data.get("kind") == RuleKind.TIERED else []
    rule = record_create(instance=CommissionRule(**data), actor=actor)
    if checked:
        _set_tiers(rule, checked)
    return rule


@transaction.atomic
def rule_update(
    *, rule: CommissionRule, version: int, actor: Any, tiers: Tiers | None = None, **changes: Any
) -> CommissionRule:
    """Versioned update; `tiers` (tiered rules) replaces the brackets when given."""
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    data = _check(dict(changes), rule)
    kind = data.get("kind", rule.kind)
    checked = None
    if kind == RuleKind.TIERED and (tiers is not None or not rule.tiers.exists()):
        checked = _check_tiers(tiers or ())
    rule = record_update(instance=rule, version=version, changes=data, actor=actor)
    if checked is not None:
        old = tiers_text(rule_tiers(rule))
        _set_tiers(rule, checked)
        new = tiers_text(checked)
        if old != new:  # record_update has bumped the version already
            audit_log(
                instance=rule,
                action=AuditAction.UPDATE,
                actor=actor,
                changes={"tiers": {"label": str(_("Tiers")), "old": old, "new": new}},
            )
    return rule


def rule_delete(*, rule: CommissionRule, actor: Any) -> CommissionRule:
    """Soft delete; statements already computed keep naming the rule until recomputed."""
    return record_soft_delete(instance=rule, actor=actor)


def rule_restore(*, rule: CommissionRule, actor: Any) -> CommissionRule:
    from crm.core.services import record_restore

    return record_restore(instance=rule, actor=actor)
