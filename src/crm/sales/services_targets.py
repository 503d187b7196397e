"""Every write to sales targets: in a transaction, with history.

Who may write is checked by the callers with `selectors_targets.require_target_manager`; the
rep or unit of a target must be in the actor's sales scope (`target_subject_check`).
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm.core.errors import Conflict, ValidationFailed
from crm.core.services import record_create, record_restore, record_soft_delete, record_update

from .models_activities import PeriodKind, Target, TargetMetric
from .target_periods import period_of

_MAX_AMOUNT = Decimal(10) ** 14


def _validation_error(exc: ValidationError) -> ValidationFailed:
    fields = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
    return ValidationFailed(fields={k: [str(m) for m in v] for k, v in fields.items()})


def clean_amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        amount = Decimal(-1)
    if not amount.is_finite() or amount <= 0 or amount >= _MAX_AMOUNT:
        raise ValidationFailed(fields={"amount": [_("Enter an amount greater than zero.")]})
    return amount


def _duplicate(rep: Any) -> ValidationFailed:
    key = "rep" if rep is not None else "org_unit"
    message = (
        _("This rep already has a target for this period.")
        if rep is not None
        else _("This unit already has a target for this period.")
    )
    return ValidationFailed(fields={key: [message]})


def target_create(
    *,
    actor: Any,
    period_kind: str,
    period_start: Any,
    amount: Any,
    rep: Any = None,
    org_unit: Any = None,
    metric: str = TargetMetric.WON_AMOUNT,
) -> Target:
    """A target of a rep (their unit goes with it) or of a unit. `period_start` may be any
    day of the period: it is moved to the period's first day."""
    if period_kind not in PeriodKind.values:
        raise ValidationFailed(fields={"period_kind": [_("Choose month, quarter or year.")]})
    if (rep is None) == (org_unit is None):
        raise ValidationFailed(fields={"rep": [_("Choose either a rep or a unit.")]})
    if rep is not None:
        org_unit = rep.unit
        if org_unit is None:
            raise ValidationFailed(fields={"rep": [_("The rep belongs to no unit.")]})
    target = Target(
        metric=metric,
        period_kind=period_kind,
        period_start=period_of(period_kind, period_start).start,
        rep=rep,
        org_unit=org_unit,
        amount=clean_amount(amount),
    )
    try:
        with transaction.atomic():
            record_create(instance=target, actor=actor)
    except ValidationError as exc:
        if "__all__" in getattr(exc, "message_dict", {}):
            raise _duplicate(rep) from None
        raise _validation_error(exc) from None
    except IntegrityError:
        raise _duplicate(rep) from None
    return target


def target_update(*, target: Target, version: int, actor: Any, amount: Any) -> Target:
    """Change the amount (the period, rep and unit of a target are fixed: delete and create
    another target instead)."""
    try:
        return record_update(
            instance=target, version=version, changes={"amount": clean_amount(amount)}, actor=actor
        )
    except ValidationError as exc:
        raise _validation_error(exc) from None


def target_delete(*, target: Target, actor: Any) -> Target:
    return record_soft_delete(instance=target, actor=actor)


def target_restore(*, target: Target, actor: Any) -> Target:
    taken = Target.objects.filter(
        metric=target.metric, period_kind=target.period_kind, period_start=target.period_start
    )
    taken = (
        taken.filter(rep_id=target.rep_id)
        if target.rep_id
        else taken.filter(rep__isnull=True, org_unit_id=target.org_unit_id)
    )
    if taken.exists():
        raise Conflict(_("Another target for this period exists."), code="target_taken")
    return record_restore(instance=target, actor=actor)
