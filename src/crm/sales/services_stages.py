"""Writes to the sales stages of a business unit (system managers), each audited (SYS-5).

The first change to a business unit's stages gives it a copy of the default set (and moves
its opportunities from the default stages to their copies); after that the unit's stages are
its own, and a change to one unit's stages never touches another's.
"""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from crm.core.audit import audit_log, diff, snapshot
from crm.core.errors import Conflict, ValidationFailed
from crm.core.models import AuditAction
from crm.org.models import OrgUnit, UnitKind

from . import services_forecast
from .models import ForecastCategory, Opportunity, Stage, StageChange
from .stages import has_own_stages, units_of_business_unit_q

STAGE_FIELDS = ["name", "probability", "is_won", "is_lost", "forecast_category", "active"]
_AUDITED = [*STAGE_FIELDS, "order"]


def _check_unit(business_unit: OrgUnit | None) -> None:
    if business_unit is not None and business_unit.kind != UnitKind.COMPANY:
        raise ValidationFailed(
            fields={"business_unit": [_("Only companies (business units) have their own stages.")]}
        )


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    errors: dict[str, list[str]] = {}
    if "name" in out:
        out["name"] = str(out["name"] or "").replace("\x00", "").strip()
        if not out["name"] or len(out["name"]) > 40:
            errors["name"] = [_("Enter a name of 1 to 40 characters.")]
    if "probability" in out:
        try:
            out["probability"] = int(out["probability"])
        except (TypeError, ValueError):
            out["probability"] = -1
        if not 0 <= out["probability"] <= 100:
            errors["probability"] = [_("Enter a probability from 0 to 100.")]
    if "forecast_category" in out and out["forecast_category"] not in ForecastCategory.values:
        errors["forecast_category"] = [_("Choose a forecast category.")]
    if out.get("is_won") and out.get("is_lost"):
        errors["is_lost"] = [_("A stage cannot be both won and lost.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return out


def _closed_defaults(values: dict[str, Any]) -> dict[str, Any]:
    """Won stages forecast as closed at 100 %, lost ones are omitted at 0 %."""
    if values.get("is_won"):
        values.update(probability=100, forecast_category=ForecastCategory.CLOSED)
    elif values.get("is_lost"):
        values.update(probability=0, forecast_category=ForecastCategory.OMITTED)
    elif values.get("forecast_category") in (ForecastCategory.CLOSED, ForecastCategory.OMITTED):
        values["forecast_category"] = ForecastCategory.PIPELINE
    return values


def _check_name_free(business_unit: OrgUnit | None, name: str, exclude_pk: int | None) -> None:
    taken = Stage.objects.filter(business_unit=business_unit, name=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationFailed(fields={"name": [_("This unit already has a stage of this name.")]})


def _check_still_usable(business_unit: OrgUnit | None) -> None:
    """A set keeps at least one active open stage (new opportunities start there)."""
    if not Stage.objects.filter(
        business_unit=business_unit, active=True, is_won=False, is_lost=False
    ).exists():
        raise Conflict(
            _("Keep at least one active stage that is neither won nor lost."),
            code="last_open_stage",
        )


def stages_customise(*, business_unit: OrgUnit, actor: Any) -> dict[int, Stage]:
    """Give `business_unit` its own copy of the default set, unless it has one already.

    Returns {default stage id: its copy}; the unit's opportunities (and nothing else) move
    from the default stages to the copies.
    """
    _check_unit(business_unit)
    with transaction.atomic():
        OrgUnit.objects.select_for_update().filter(pk=business_unit.pk).first()
        if has_own_stages(business_unit):
            return {}
        mapping: dict[int, Stage] = {}
        for default in Stage.objects.filter(business_unit__isnull=True).order_by("order", "id"):
            copy = Stage.objects.create(
                business_unit=business_unit,
                name=default.name,
                order=default.order,
                probability=default.probability,
                is_won=default.is_won,
                is_lost=default.is_lost,
                forecast_category=default.forecast_category,
                active=default.active,
            )
            mapping[default.pk] = copy
            audit_log(instance=copy, action=AuditAction.CREATE, actor=actor)
        mine = Opportunity.all_objects.filter(units_of_business_unit_q(business_unit))
        for default_id, copy in mapping.items():
            mine.filter(stage_id=default_id).update(stage=copy)
        services_forecast.restaged(
            mine.filter(stage_id__in=[c.pk for c in mapping.values()]),
            {copy.pk: default_id for default_id, copy in mapping.items()},
        )
    return mapping


def _own(stage: Stage, business_unit: OrgUnit | None, actor: Any) -> Stage:
    """The stage to change for `business_unit`: a default stage edited for a business unit
    is first copied (the unit's first customisation)."""
    if business_unit is None or stage.business_unit_id == business_unit.pk:
        return stage
    if stage.business_unit_id is not None:
        raise ValidationFailed(fields={"stage": [_("This stage belongs to another unit.")]})
    mapping = stages_customise(business_unit=business_unit, actor=actor)
    copy = mapping.get(stage.pk)
    if copy is None:
        raise ValidationFailed(fields={"stage": [_("This stage belongs to another unit.")]})
    return copy


def stage_create(*, business_unit: OrgUnit | None, actor: Any, name: str, **fields: Any) -> Stage:
    """Add a stage at the end of the unit's set (before its won/lost stages)."""
    unknown = set(fields) - set(STAGE_FIELDS)
    if unknown:
        raise TypeError(f"unknown stage fields: {sorted(unknown)}")
    _check_unit(business_unit)
    values = _closed_defaults(_clean({"name": name, **fields}))
    with transaction.atomic():
        if business_unit is not None:
            stages_customise(business_unit=business_unit, actor=actor)
        _check_name_free(business_unit, values["name"], None)
        siblings = list(Stage.objects.filter(business_unit=business_unit).order_by("order", "id"))
        closed = [s for s in siblings if s.is_closed]
        if closed and not (values.get("is_won") or values.get("is_lost")):
            # Open stages go before the closing ones; renumber to make room.
            order = closed[0].order
            for s in closed:
                Stage.objects.filter(pk=s.pk).update(order=s.order + 10)
        else:
            order = (siblings[-1].order + 10) if siblings else 10
        stage = Stage.objects.create(business_unit=business_unit, order=order, **values)
        audit_log(instance=stage, action=AuditAction.CREATE, actor=actor)
    return stage


def stage_update(
    *, stage: Stage, business_unit: OrgUnit | None, actor: Any, **changes: Any
) -> Stage:
    """Rename, re-weigh, re-flag or retire (active=False) a stage of `business_unit`."""
    unknown = set(changes) - set(STAGE_FIELDS)
    if unknown:
        raise TypeError(f"unknown stage fields: {sorted(unknown)}")
    _check_unit(business_unit)
    with transaction.atomic():
        stage = _own(stage, business_unit, actor)
        current = Stage.objects.select_for_update().get(pk=stage.pk)
        merged = {f: changes.get(f, getattr(current, f)) for f in STAGE_FIELDS}
        values = _closed_defaults(_clean(merged))
        if "name" in changes:
            _check_name_free(current.business_unit, values["name"], current.pk)
        before = snapshot(current, _AUDITED)
        for name, value in values.items():
            setattr(current, name, value)
        current.save(update_fields=STAGE_FIELDS)
        _check_still_usable(current.business_unit)
        changed = diff(before, snapshot(current, _AUDITED), current)
        if changed:
            audit_log(instance=current, action=AuditAction.UPDATE, actor=actor, changes=changed)
    return current


def stages_reorder(*, business_unit: OrgUnit | None, ids: list[int], actor: Any) -> list[Stage]:
    """Put the unit's stages in the order of `ids` (every stage of the set, once)."""
    _check_unit(business_unit)
    with transaction.atomic():
        if business_unit is not None and not has_own_stages(business_unit):
            mapping = stages_customise(business_unit=business_unit, actor=actor)
            ids = [mapping[i].pk if i in mapping else i for i in ids]
        stages = {
            s.pk: s for s in Stage.objects.select_for_update().filter(business_unit=business_unit)
        }
        if len(ids) != len(set(ids)) or set(ids) != set(stages):
            raise ValidationFailed(
                fields={"ids": [_("Send every stage of the unit exactly once.")]}
            )
        for position, pk in enumerate(ids):
            stage = stages[pk]
            order = (position + 1) * 10
            if stage.order != order:
                before = snapshot(stage, ["order"])
                stage.order = order
                stage.save(update_fields=["order"])
                audit_log(
                    instance=stage,
                    action=AuditAction.UPDATE,
                    actor=actor,
                    changes=diff(before, snapshot(stage, ["order"]), stage),
                )
    return [stages[pk] for pk in ids]


def stage_in_use(stage: Stage) -> bool:
    return (
        Opportunity.all_objects.filter(stage=stage).exists()
        or StageChange.objects.filter(Q(from_stage=stage) | Q(to_stage=stage)).exists()
    )


def stage_delete(*, stage: Stage, business_unit: OrgUnit | None, actor: Any) -> None:
    """Delete a stage nobody has used; a stage in use can only be retired."""
    _check_unit(business_unit)
    with transaction.atomic():
        stage = _own(stage, business_unit, actor)
        if stage_in_use(stage):
            raise Conflict(
                _("This stage is in use by opportunities; retire it instead of deleting it."),
                code="stage_in_use",
            )
        unit = stage.business_unit
        audit_log(instance=stage, action=AuditAction.DELETE, actor=actor)
        stage.delete()
        _check_still_usable(unit)
