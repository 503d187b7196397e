"""Every write to opportunities: in a transaction, versioned, with history (SAL-2).

Stages come from the business unit's set (crm.sales.stages). A stage move is version-checked
(a stale version raises StaleVersion → 409) and leaves a StageChange with the time spent in the
stage left. Won and lost are stages too: moving into one closes the opportunity. Every write
keeps the forecast summary right in the same transaction (services_forecast).
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.audit import audit_log
from crm.core.errors import Conflict, ValidationFailed
from crm.core.fields import quantize
from crm.core.models import AuditAction
from crm.core.services import record_create, record_restore, record_soft_delete, record_update
from crm.org.models import OrgUnit

from . import services_forecast
from .models import Opportunity, OpportunityLine, OpportunityStatus, Stage, StageChange
from .stages import first_open_stage, stage_set_for_unit

OPPORTUNITY_FIELDS = [
    "name",
    "customer",
    "contact",
    "owner",
    "org_unit",
    "amount",
    "probability",
    "expected_close",
    "competitors",
    "next_step",
    "lost_reason",
]
MAX_AMOUNT = Decimal(10) ** 14
MONEY_PLACES = 2


def validation_error(exc: ValidationError) -> ValidationFailed:
    fields = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
    return ValidationFailed(fields={k: [str(m) for m in v] for k, v in fields.items()})


def field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(fields={field: [message]})


def clean_amount(value: Any, field: str = "amount") -> Decimal:
    if isinstance(value, float):
        value = str(value)
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise field_error(field, _("Enter an amount of zero or more."))
    return quantize(amount, MONEY_PLACES)


def _clean(values: dict[str, Any], customer: Any) -> dict[str, Any]:
    out = dict(values)
    errors: dict[str, list[str]] = {}
    for key in ("name", "competitors", "next_step", "lost_reason"):
        if key in out:
            out[key] = str(out[key] or "").strip()
    if "name" in out and not out["name"]:
        errors["name"] = [_("Enter the opportunity's name.")]
    if "amount" in out:
        try:
            out["amount"] = clean_amount(out["amount"])
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if "probability" in out and out["probability"] is not None:
        try:
            out["probability"] = int(out["probability"])
        except (TypeError, ValueError):
            out["probability"] = -1
        if not 0 <= out["probability"] <= 100:
            errors["probability"] = [_("Enter a probability from 0 to 100.")]
    if "expected_close" in out and not isinstance(out["expected_close"], date):
        errors["expected_close"] = [_("Enter the expected close date.")]
    contact = out.get("contact")
    if contact is not None and customer is not None and contact.customer_id != customer.pk:
        errors["contact"] = [_("This contact belongs to another customer.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return out


# --- lines ---------------------------------------------------------------------------------


def _clean_lines(lines: Iterable[dict[str, Any]], customer: Any) -> list[dict[str, Any]]:
    """[{product, quantity, unit_price (None: the customer's price)}] → checked lines."""
    from crm.products.pricing import prices_for

    rows = list(lines)
    errors: dict[str, list[str]] = {}
    missing_price = [r["product"] for r in rows if r.get("unit_price") in (None, "")]
    quotes = prices_for(customer, missing_price) if missing_price and customer else {}
    out = []
    for i, row in enumerate(rows):
        product = row.get("product")
        if product is None or not getattr(product, "active", False) or product.is_deleted:
            errors[f"lines.{i}.product"] = [_("Choose an active product.")]
            continue
        try:
            quantity = Decimal(str(row.get("quantity")))
        except InvalidOperation:
            quantity = Decimal(0)
        if not quantity.is_finite() or quantity <= 0 or quantity >= MAX_AMOUNT:
            errors[f"lines.{i}.quantity"] = [_("Enter a quantity greater than zero.")]
            continue
        price = row.get("unit_price")
        if price in (None, ""):
            quote = quotes.get(product.pk)
            price = quote.price if quote else product.list_price
        try:
            unit_price = clean_amount(price, f"lines.{i}.unit_price")
        except ValidationFailed as exc:
            errors.update(exc.fields)
            continue
        amount = quantize(quantity * unit_price, MONEY_PLACES)
        out.append(
            {"product": product, "quantity": quantity, "unit_price": unit_price, "amount": amount}
        )
    if errors:
        raise ValidationFailed(fields=errors)
    return out


def _lines_text(lines: Iterable[Any]) -> str:
    def one(line: Any) -> str:
        row: dict[str, Any] = (
            line
            if isinstance(line, dict)
            else {k: getattr(line, k) for k in ("product", "quantity", "unit_price")}
        )
        quantity = Decimal(row["quantity"]).normalize()
        return f"{row['product'].code} × {quantity:f} @ {quantize(row['unit_price'], 2)}"

    return "; ".join(one(line) for line in lines)


def _write_lines(opportunity: Opportunity, lines: list[dict[str, Any]], actor: Any) -> Decimal:
    """Replace the lines; returns their total. The change goes in the history."""
    before = _lines_text(opportunity.lines.select_related("product"))
    opportunity.lines.all().delete()
    OpportunityLine.objects.bulk_create(
        OpportunityLine(opportunity=opportunity, sort_order=i, **line)
        for i, line in enumerate(lines)
    )
    after = _lines_text(lines)
    if before != after:
        audit_log(
            instance=opportunity,
            action=AuditAction.UPDATE,
            actor=actor,
            changes={"lines": {"label": str(_("Products")), "old": before, "new": after}},
        )
    return sum((line["amount"] for line in lines), Decimal(0))


# --- stages --------------------------------------------------------------------------------


def _check_stage(stage: Stage, org_unit: OrgUnit) -> None:
    allowed = stage_set_for_unit(org_unit, active_only=True).filter(pk=stage.pk)
    if not allowed.exists():
        raise field_error("stage", _("Choose an active stage of the opportunity's business unit."))


def _stage_values(stage: Stage, today: date) -> dict[str, Any]:
    if stage.is_won:
        status = OpportunityStatus.WON
    elif stage.is_lost:
        status = OpportunityStatus.LOST
    else:
        status = OpportunityStatus.OPEN
    return {
        "stage": stage,
        "status": status,
        "probability": stage.probability,
        "closed_on": today if stage.is_closed else None,
    }


def _record_stage_change(
    opportunity: Opportunity, from_stage: Stage | None, since: Any, actor: Any, at: Any
) -> None:
    StageChange.objects.create(
        opportunity=opportunity,
        from_stage=from_stage,
        to_stage=opportunity.stage,
        changed_at=at,
        changed_by=actor if getattr(actor, "pk", None) else None,
        duration=(at - since) if (from_stage is not None and since) else None,
    )


# --- create / update / delete --------------------------------------------------------------


def opportunity_create(
    *,
    actor: Any,
    customer: Any,
    name: str,
    expected_close: date,
    stage: Stage | None = None,
    lines: list[dict[str, Any]] | None = None,
    source_lead: Any = None,
    **fields: Any,
) -> Opportunity:
    """Create an opportunity in `stage` (default: the first open stage of its unit's set).

    Owner defaults to the actor and the unit to the owner's; probability to the stage's;
    with lines, the amount is their sum.
    """
    unknown = set(fields) - set(OPPORTUNITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown opportunity fields: {sorted(unknown)}")
    values = _clean({"name": name, "expected_close": expected_close, **fields}, customer)
    owner = values.get("owner") or actor
    org_unit = values.get("org_unit") or getattr(owner, "unit", None)
    if owner is None or getattr(owner, "pk", None) is None:
        raise field_error("owner", _("Choose the opportunity's owner."))
    if org_unit is None:
        raise field_error("org_unit", _("The owner belongs to no unit; choose a unit."))
    if stage is None:
        stage = first_open_stage(stage_set_for_unit(org_unit, active_only=True))
        if stage is None:
            raise Conflict(_("The business unit has no active open stage."), code="no_stage")
    _check_stage(stage, org_unit)
    checked = _clean_lines(lines, customer) if lines else []
    now = timezone.now()
    probability = values.pop("probability", None)
    values.update(_stage_values(stage, timezone.localdate()))
    if probability is not None and not stage.is_closed:
        values["probability"] = probability
    values.update(owner=owner, org_unit=org_unit, customer=customer, stage_entered_at=now)
    with transaction.atomic():
        opportunity = Opportunity(source_lead=source_lead, **values)
        if checked:
            opportunity.amount = sum((line["amount"] for line in checked), Decimal(0))
        try:
            record_create(instance=opportunity, actor=actor)
        except ValidationError as exc:
            raise validation_error(exc) from None
        if checked:
            OpportunityLine.objects.bulk_create(
                OpportunityLine(opportunity=opportunity, sort_order=i, **line)
                for i, line in enumerate(checked)
            )
        _record_stage_change(opportunity, None, None, actor, now)
        services_forecast.added([opportunity.pk])
    return opportunity


def _remap_stage(opportunity: Opportunity, org_unit: OrgUnit) -> Stage:
    """The stage in `org_unit`'s set matching the current one (same name, else the first
    open stage): an opportunity that moves to another business unit takes that unit's set."""
    stages = list(stage_set_for_unit(org_unit, active_only=True))
    if any(s.pk == opportunity.stage_id for s in stages):
        return opportunity.stage
    same = next((s for s in stages if s.name == opportunity.stage.name), None)
    target = same or first_open_stage(stages)
    if target is None:
        raise Conflict(_("The business unit has no active open stage."), code="no_stage")
    return target


def opportunity_update(
    *,
    opportunity: Opportunity,
    version: int,
    actor: Any,
    lines: list[dict[str, Any]] | None = None,
    **changes: Any,
) -> Opportunity:
    """Apply `changes` (and replace the lines when `lines` is not None) if `version` is
    current; else StaleVersion. Stages change only through opportunity_move_stage."""
    unknown = set(changes) - set(OPPORTUNITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown opportunity fields: {sorted(unknown)}")
    customer = changes.get("customer", opportunity.customer)
    if "customer" in changes and "contact" not in changes:
        contact = opportunity.contact
        changes["contact"] = contact if contact and contact.customer_id == customer.pk else None
    values = _clean(changes, customer)
    if "owner" in values and values["owner"] is None:
        raise field_error("owner", _("Choose the opportunity's owner."))
    if "owner" in values and "org_unit" not in values:
        values["org_unit"] = values["owner"].unit
    if "org_unit" in values and values["org_unit"] is None:
        raise field_error("org_unit", _("The owner belongs to no unit; choose a unit."))
    if values.get("probability") is None:
        values.pop("probability", None)
    checked = _clean_lines(lines, customer) if lines else []
    with services_forecast.tracking([opportunity.pk]):
        moved_from = None
        if "org_unit" in values:
            target = _remap_stage(opportunity, values["org_unit"])
            if target.pk != opportunity.stage_id:
                moved_from = opportunity.stage
                values.update(_stage_values(target, timezone.localdate()))
                values["stage_entered_at"] = timezone.now()
        if lines is not None:
            total = _write_lines(opportunity, checked, actor)
            if checked:
                values["amount"] = total
        try:
            updated = record_update(
                instance=opportunity, version=version, changes=values, actor=actor
            )
        except ValidationError as exc:
            raise validation_error(exc) from None
        if moved_from is not None:
            _record_stage_change(
                updated, moved_from, opportunity.stage_entered_at, actor, updated.stage_entered_at
            )
    return updated


def opportunity_move_stage(
    *, opportunity: Opportunity, stage: Stage, version: int, actor: Any, reason: str = ""
) -> Opportunity:
    """Move to `stage` of the opportunity's set, if `version` is current (else StaleVersion).

    A won or lost stage closes the opportunity (lost needs a reason); an open stage reopens
    it. Probability takes the stage's default. The time in the old stage is recorded.
    """
    reason = (reason or "").strip()[:200]
    _check_stage(stage, opportunity.org_unit)
    if stage.is_lost and not reason:
        raise field_error("reason", _("Give the reason the opportunity was lost."))
    now = timezone.now()
    values = _stage_values(stage, timezone.localdate())
    values["stage_entered_at"] = now
    if stage.is_closed:
        values["lost_reason"] = reason
    elif opportunity.status != OpportunityStatus.OPEN:
        values["lost_reason"] = ""
    with services_forecast.tracking([opportunity.pk]):
        # Nothing to move (a stale version is still refused below, so the caller reloads).
        if (
            stage.pk == opportunity.stage_id
            and Opportunity.objects.filter(pk=opportunity.pk, version=version).exists()
        ):
            return opportunity
        previous, since = opportunity.stage, opportunity.stage_entered_at
        updated = record_update(instance=opportunity, version=version, changes=values, actor=actor)
        _record_stage_change(updated, previous, since or opportunity.created_at, actor, now)
    return updated


def opportunity_close(
    *, opportunity: Opportunity, won: bool, reason: str, version: int, actor: Any
) -> Opportunity:
    """Won or lost: move to the first active won (lost) stage of the opportunity's set."""
    stages = stage_set_for_unit(opportunity.org_unit, active_only=True)
    target = stages.filter(is_won=True).first() if won else stages.filter(is_lost=True).first()
    if target is None:
        raise Conflict(
            _("The business unit has no active won stage.")
            if won
            else _("The business unit has no active lost stage."),
            code="no_stage",
        )
    return opportunity_move_stage(
        opportunity=opportunity, stage=target, version=version, actor=actor, reason=reason
    )


def opportunity_delete(*, opportunity: Opportunity, actor: Any) -> Opportunity:
    with services_forecast.tracking([opportunity.pk]):
        return record_soft_delete(instance=opportunity, actor=actor)


def opportunity_restore(*, opportunity: Opportunity, actor: Any) -> Opportunity:
    if opportunity.customer.is_deleted:
        raise Conflict(_("Restore the customer first."), code="customer_deleted")
    with services_forecast.tracking([opportunity.pk]):
        return record_restore(instance=opportunity, actor=actor)
