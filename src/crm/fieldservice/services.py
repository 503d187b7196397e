"""Every write of field service: equipment and what is installed in it, service plans, the
visits the scheduler creates and their outcomes, skills and experts. Each in a transaction,
each with its history."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.audit import audit_log
from crm.core.errors import Conflict, ValidationFailed
from crm.core.models import AuditAction, AuditEntry
from crm.core.services import record_create, record_restore, record_soft_delete, record_update

from .models import (
    Equipment,
    EquipmentStatus,
    EquipmentType,
    ExpertSkill,
    FieldVisit,
    InstalledProduct,
    IntervalUnit,
    ServicePlan,
    Skill,
    VisitStatus,
)

EQUIPMENT_FIELDS = ("name", "type", "model_number", "location", "installed_on", "status", "notes")
PLAN_FIELDS = ("name", "interval", "interval_unit", "next_due", "skill", "active")


def add_interval(start: date, interval: int, unit: str) -> date:
    """`start` plus the plan's interval; months keep the day, or the month's last day."""
    if unit == IntervalUnit.DAYS:
        return start + timedelta(days=interval)
    month = start.month - 1 + interval
    year, month = start.year + month // 12, month % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def end_of_next_month(today: date) -> date:
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return date(year, month, calendar.monthrange(year, month)[1])


# --- equipment ------------------------------------------------------------------------------


def _equipment_history(*, equipment: Equipment, actor: Any, label: str, text: str) -> None:
    audit_log(
        instance=equipment,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={"service": {"label": label, "old": "", "new": text[:500]}},
    )


@transaction.atomic
def equipment_create(
    *, customer: Any, name: str, type: EquipmentType, actor: Any, **fields: Any
) -> Equipment:
    unknown = set(fields) - set(EQUIPMENT_FIELDS)
    if unknown:
        raise TypeError(sorted(unknown))
    equipment = Equipment(customer=customer, name=name, type=type, **fields)
    return record_create(instance=equipment, actor=actor)


@transaction.atomic
def equipment_update(
    *, equipment: Equipment, version: int, changes: dict[str, Any], actor: Any
) -> Equipment:
    unknown = set(changes) - set(EQUIPMENT_FIELDS)
    if unknown:
        raise ValidationFailed(fields={k: [_("This field cannot be changed.")] for k in unknown})
    return record_update(instance=equipment, version=version, changes=changes, actor=actor)


def _cancel_planned(visits: QuerySet[FieldVisit], actor: Any) -> int:
    """Cancel the planned visits of `visits` (each with its history); the number cancelled.
    Done and cancelled visits are left as they are: they are the equipment's service history."""
    planned = list(visits.filter(status=VisitStatus.PLANNED).select_for_update())
    for visit in planned:
        record_update(
            instance=visit,
            version=visit.version,
            changes={"status": VisitStatus.CANCELLED},
            actor=actor,
        )
    return len(planned)


@transaction.atomic
def equipment_delete(*, equipment: Equipment, actor: Any) -> Equipment:
    """Move the equipment to the recycle bin.

    Its planned visits are cancelled: nobody is to be sent to equipment that is gone, and a
    restore does not bring them back (the plan keeps its due date, as after a cancelled visit;
    set a new one to plan again). Its done visits stay, with their outcomes, as the history of
    the service it had. Its plans stay untouched but out of sight, like the equipment: the
    lists and the scheduler skip plans of deleted equipment, and a restore brings them back.
    """
    _cancel_planned(FieldVisit.objects.filter(equipment=equipment), actor)
    return record_soft_delete(instance=equipment, actor=actor)


@transaction.atomic
def equipment_restore(*, equipment: Equipment, actor: Any) -> Equipment:
    """Back from the recycle bin, with its plans; its customer must be there."""
    if equipment.customer.is_deleted:
        raise Conflict(_("Restore the customer first."), code="customer_deleted")
    return record_restore(instance=equipment, actor=actor)


def _quantity(raw: Any) -> Decimal:
    try:
        qty = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        qty = Decimal(0)
    if not qty.is_finite() or qty <= 0 or qty >= Decimal("1e11"):
        raise ValidationFailed(fields={"quantity": [_("Enter a quantity greater than 0.")]})
    return qty.quantize(Decimal("0.001"))


@transaction.atomic
def installed_product_set(
    *, equipment: Equipment, product: Any, quantity: Any, actor: Any
) -> InstalledProduct:
    """Install `quantity` of `product` in the equipment (a second call changes the quantity)."""
    qty = _quantity(quantity)
    line, created = InstalledProduct.objects.get_or_create(
        equipment=equipment, product=product, defaults={"quantity": qty}
    )
    old = "" if created else str(line.quantity)
    if not created:
        line.quantity = qty
        line.save(update_fields=["quantity"])
    audit_log(
        instance=equipment,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={
            "products": {
                "label": _("installed products"),
                "old": old and f"{product} × {old}",
                "new": f"{product} × {qty}",
            }
        },
    )
    return line


@transaction.atomic
def installed_product_remove(*, equipment: Equipment, line_id: Any, actor: Any) -> None:
    line = (
        InstalledProduct.objects.filter(equipment=equipment, pk=line_id)
        .select_related("product")
        .first()
    )
    if line is None:
        raise ValidationFailed(_("That product is not installed here."))
    line.delete()
    audit_log(
        instance=equipment,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={"products": {"label": _("installed products"), "old": str(line), "new": ""}},
    )


# --- plans ----------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    equipment: Equipment,
    name: str,
    interval: int,
    interval_unit: str,
    next_due: date,
    actor: Any,
    skill: Skill | None = None,
    active: bool = True,
) -> ServicePlan:
    """A plan for the equipment; the skill defaults to the one its type needs."""
    plan = ServicePlan(
        equipment=equipment,
        customer_id=equipment.customer_id,
        name=name,
        interval=interval,
        interval_unit=interval_unit,
        next_due=next_due,
        skill=skill or equipment.type.skill,
        active=active,
    )
    return record_create(instance=plan, actor=actor)


@transaction.atomic
def plan_update(
    *, plan: ServicePlan, version: int, changes: dict[str, Any], actor: Any
) -> ServicePlan:
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationFailed(fields={k: [_("This field cannot be changed.")] for k in unknown})
    return record_update(instance=plan, version=version, changes=changes, actor=actor)


@transaction.atomic
def plan_delete(*, plan: ServicePlan, actor: Any) -> ServicePlan:
    """Move the plan to the recycle bin. Its planned visit is cancelled; its done visits stay
    in the equipment's history (they keep naming the plan)."""
    _cancel_planned(FieldVisit.objects.filter(plan=plan), actor)
    return record_soft_delete(instance=plan, actor=actor)


@transaction.atomic
def plan_restore(*, plan: ServicePlan, actor: Any) -> ServicePlan:
    """Back from the recycle bin; its equipment must be there."""
    if Equipment.all_objects.filter(pk=plan.equipment_id, is_deleted=True).exists():
        raise Conflict(_("Restore the equipment first."), code="equipment_deleted")
    return record_restore(instance=plan, actor=actor)


# --- the scheduler --------------------------------------------------------------------------


@dataclass
class ScheduleResult:
    horizon: date
    created: int = 0
    assigned: int = 0
    # (plan id, message) for each visit created without an expert.
    warnings: list[tuple[int, str]] = field(default_factory=list)


def _served(key: str, ids: QuerySet, experts: set[int]) -> dict[int, list[int]]:
    """For each equipment/customer of `ids` (a subquery of the due plans): the experts who made
    a visit there, latest first."""
    out: dict[int, list[int]] = {}
    if not experts:
        return out
    rows = (
        FieldVisit.objects.filter(
            status=VisitStatus.DONE, expert__in=experts, **{f"{key}__in": ids}
        )
        .values(key, "expert")
        .annotate(last=Max("done_on"))
        .order_by(key, "-last", "expert")
    )
    for r in rows:
        out.setdefault(r[key], []).append(r["expert"])
    return out


def choose_expert(
    *,
    skill: int,
    equipment: int,
    customer: int,
    by_skill: dict[int, list[int]],
    served_equipment: dict[int, list[int]],
    served_customer: dict[int, list[int]],
    load: dict[int, int],
) -> int | None:
    """The expert for one visit: someone with the skill who served this equipment before
    (the latest), else this customer's site, else the least loaded one with the skill (fewest
    planned visits; the lower id on a tie). None: nobody has the skill."""
    able = by_skill.get(skill, [])
    if not able:
        return None
    for served in (served_equipment.get(equipment, []), served_customer.get(customer, [])):
        for expert in served:
            if expert in able:
                return expert
    return min(able, key=lambda u: (load.get(u, 0), u))


@transaction.atomic
def schedule_visits(
    *, today: date, horizon: date, actor: Any, plans: QuerySet[ServicePlan] | None = None
) -> ScheduleResult:
    """Create the visit of every active plan due by `horizon` that has no planned visit yet.

    Idempotent: a plan with a planned visit is skipped, and (plan, due date) is unique, so a
    second run creates nothing. The reads are a few set-based queries whatever the number of
    plans; the visits are inserted in bulk. `plans` narrows the run (a manager's scope).
    """
    result = ScheduleResult(horizon=horizon)
    base = plans if plans is not None else ServicePlan.objects.all()
    due_qs = (
        base.filter(
            active=True,
            next_due__lte=horizon,
            equipment__is_deleted=False,
            customer__is_deleted=False,
        )
        .exclude(equipment__status=EquipmentStatus.RETIRED)
        # One planned visit per plan at a time; the next is created after its outcome.
        .exclude(pk__in=FieldVisit.objects.filter(status=VisitStatus.PLANNED).values("plan"))
        # A visit of this plan on this day exists already (done or cancelled).
        .exclude(
            Exists(
                FieldVisit.all_objects.filter(plan=OuterRef("pk"), due_date=OuterRef("next_due"))
            )
        )
        .order_by()
    )
    due = list(
        due_qs.order_by("next_due", "id").values(
            "pk", "equipment_id", "customer_id", "skill_id", "next_due", "name"
        )
    )
    if not due:
        return result
    users = get_user_model()
    by_skill: dict[int, list[int]] = {}
    for skill_id, user_id in (
        ExpertSkill.objects.filter(skill__in={p["skill_id"] for p in due}, skill__active=True)
        .filter(user__in=users.objects.filter(is_active=True).values("pk"))
        .values_list("skill", "user")
    ):
        by_skill.setdefault(skill_id, []).append(user_id)
    experts = {u for ids in by_skill.values() for u in ids}
    served_equipment = _served("equipment", due_qs.values("equipment_id"), experts)
    served_customer = _served("customer", due_qs.values("customer_id"), experts)
    from .selectors import open_visit_counts

    load = open_visit_counts(sorted(experts))
    visits = []
    for p in due:
        expert = choose_expert(
            skill=p["skill_id"],
            equipment=p["equipment_id"],
            customer=p["customer_id"],
            by_skill=by_skill,
            served_equipment=served_equipment,
            served_customer=served_customer,
            load=load,
        )
        if expert is None:
            result.warnings.append(
                (p["pk"], _("No expert has the skill for plan %(plan)s.") % {"plan": p["name"]})
            )
        else:
            load[expert] = load.get(expert, 0) + 1
            result.assigned += 1
        visits.append(
            FieldVisit(
                plan_id=p["pk"],
                equipment_id=p["equipment_id"],
                customer_id=p["customer_id"],
                due_date=p["next_due"],
                expert_id=expert,
                created_by_id=getattr(actor, "pk", None),
                updated_by_id=getattr(actor, "pk", None),
            )
        )
    created = FieldVisit.objects.bulk_create(visits, batch_size=1000)
    result.created = len(created)
    content_type = ContentType.objects.get_for_model(FieldVisit)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                content_type=content_type,
                object_id=str(v.pk),
                object_repr=str(v),
                action=AuditAction.CREATE,
                actor=actor if getattr(actor, "pk", None) else None,
            )
            for v in created
            if v.pk
        ],
        batch_size=1000,
    )
    return result


# --- visits ---------------------------------------------------------------------------------


@transaction.atomic
def visit_record(
    *,
    visit: FieldVisit,
    version: int,
    outcome: str,
    findings: str = "",
    done_on: date | None = None,
    actor: Any,
) -> FieldVisit:
    """The visit was made: its outcome and findings go into the equipment's history, and the
    plan's next due date moves one interval past the visit day."""
    if visit.status != VisitStatus.PLANNED:
        raise Conflict(_("This visit is already recorded or cancelled."), code="visit_closed")
    outcome = str(outcome or "").strip()[:4000]
    if not outcome:
        raise ValidationFailed(fields={"outcome": [_("Describe the outcome of the visit.")]})
    day = done_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationFailed(fields={"done_on": [_("The visit day cannot be in the future.")]})
    visit = record_update(
        instance=visit,
        version=version,
        actor=actor,
        changes={
            "status": VisitStatus.DONE,
            "outcome": outcome,
            "findings": str(findings or "").strip()[:4000],
            "done_on": day,
            "expert": visit.expert or (actor if getattr(actor, "pk", None) else None),
        },
    )
    plan = ServicePlan.all_objects.select_for_update().get(pk=visit.plan_id)
    next_due = add_interval(day, plan.interval, plan.interval_unit)
    if not plan.is_deleted and next_due > plan.next_due:
        record_update(
            instance=plan, version=plan.version, changes={"next_due": next_due}, actor=actor
        )
    equipment = Equipment.all_objects.get(pk=visit.equipment_id)
    _equipment_history(
        equipment=equipment,
        actor=actor,
        label=_("service visit"),
        text=f"{day:%Y-%m-%d} {visit.expert or ''}: {outcome}"
        + (f" / {visit.findings}" if visit.findings else ""),
    )
    return visit


@transaction.atomic
def visit_cancel(*, visit: FieldVisit, version: int, actor: Any) -> FieldVisit:
    """A planned visit will not be made. The plan keeps its due date; the next run of the
    scheduler does not recreate the cancelled one (one visit per plan and day)."""
    if visit.status != VisitStatus.PLANNED:
        raise Conflict(_("This visit is already recorded or cancelled."), code="visit_closed")
    return record_update(
        instance=visit, version=version, actor=actor, changes={"status": VisitStatus.CANCELLED}
    )


# --- skills and experts ---------------------------------------------------------------------


def _name(raw: Any, max_length: int = 40) -> str:
    name = str(raw or "").strip()
    if not name or len(name) > max_length:
        raise ValidationFailed(fields={"name": [_("Enter a name of at most 40 characters.")]})
    return name


@transaction.atomic
def skill_create(*, name: str, actor: Any) -> Skill:
    name = _name(name)
    if Skill.objects.filter(name=name).exists():
        raise ValidationFailed(fields={"name": [_("This name is already taken.")]})
    skill = Skill.objects.create(name=name, order=Skill.objects.count() + 1)
    audit_log(instance=skill, action=AuditAction.CREATE, actor=actor)
    return skill


@transaction.atomic
def equipment_type_create(*, name: str, skill: Skill, actor: Any) -> EquipmentType:
    name = _name(name)
    if EquipmentType.objects.filter(name=name).exists():
        raise ValidationFailed(fields={"name": [_("This name is already taken.")]})
    kind = EquipmentType.objects.create(
        name=name, skill=skill, order=EquipmentType.objects.count() + 1
    )
    audit_log(instance=kind, action=AuditAction.CREATE, actor=actor)
    return kind


@transaction.atomic
def expert_add(*, user: Any, skill: Skill, actor: Any) -> ExpertSkill:
    row, created = ExpertSkill.objects.get_or_create(user=user, skill=skill)
    if created:
        audit_log(instance=row, action=AuditAction.CREATE, actor=actor)
    return row


@transaction.atomic
def expert_remove(*, row: ExpertSkill, actor: Any) -> None:
    audit_log(instance=row, action=AuditAction.DELETE, actor=actor)
    row.delete()
