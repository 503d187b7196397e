"""API of field service (SVC-6): equipment with installed products, service plans, the
scheduler, and visits with outcome recording. Thin: parse → selector/service → schema."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from crm.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    IsoDate,
    PageNumber,
    PageOut,
    PageSize,
    Text,
    page_out,
    ref,
)
from crm.core.access import require
from crm.core.errors import ValidationFailed
from crm.core.modules import Action, Module
from crm.customers import selectors as customer_selectors
from crm.customers.schemas import Ref
from crm.sales.schemas import Version

from . import selectors, services
from .models import Equipment, EquipmentStatus, FieldVisit, IntervalUnit, ServicePlan, VisitStatus

router = Router(tags=["field service"])


class InstalledProductOut(Schema):
    id: int
    product: Ref
    quantity: Decimal


class EquipmentOut(Schema):
    id: int
    customer: Ref
    name: str
    type: Ref
    skill: Ref = Field(description="the skill the equipment type needs")
    model_number: str
    location: str
    installed_on: date | None
    status: EquipmentStatus
    notes: str
    updated_at: datetime
    version: int


class EquipmentDetailOut(EquipmentOut):
    products: list[InstalledProductOut]


class InstalledProductIn(InputSchema):
    product_id: Id
    quantity: Decimal = Field(gt=0, max_digits=14, decimal_places=3)


class EquipmentIn(InputSchema):
    customer_id: Id
    name: str = Field(min_length=1, max_length=100)
    type_id: Id
    model_number: str = Field(default="", max_length=60)
    location: str = Field(default="", max_length=200)
    installed_on: IsoDate | None = None
    status: EquipmentStatus = EquipmentStatus.RUNNING
    notes: str = Field(default="", max_length=4000)
    products: list[InstalledProductIn] = Field(default=[], max_length=50)


class EquipmentPatch(InputSchema):
    version: Version
    name: str | None = Field(default=None, min_length=1, max_length=100)
    type_id: Id | None = None
    model_number: str | None = Field(default=None, max_length=60)
    location: str | None = Field(default=None, max_length=200)
    installed_on: IsoDate | None = None
    status: EquipmentStatus | None = None
    notes: str | None = Field(default=None, max_length=4000)


class EquipmentQuery(Schema):
    search: Text = ""
    customer_id: Id | None = None
    type_id: Id | None = None
    status: EquipmentStatus | None = None


class PlanOut(Schema):
    id: int
    equipment: Ref
    customer: Ref
    name: str
    interval: int
    interval_unit: IntervalUnit
    next_due: date
    skill: Ref
    active: bool
    version: int


class PlanIn(InputSchema):
    equipment_id: Id
    name: str = Field(min_length=1, max_length=100)
    interval: int = Field(ge=1, le=3650)
    interval_unit: IntervalUnit = IntervalUnit.MONTHS
    next_due: IsoDate
    skill_id: Id | None = Field(default=None, description="empty: the equipment type's skill")
    active: bool = True


class PlanPatch(InputSchema):
    version: Version
    name: str | None = Field(default=None, min_length=1, max_length=100)
    interval: int | None = Field(default=None, ge=1, le=3650)
    interval_unit: IntervalUnit | None = None
    next_due: IsoDate | None = None
    skill_id: Id | None = None
    active: bool | None = None


class PlanQuery(Schema):
    equipment_id: Id | None = None
    due_by: IsoDate | None = None
    active: bool = True


class ScheduleIn(InputSchema):
    # strict: a JSON true/false is not a number of days.
    ahead_days: int | None = Field(
        default=None, ge=0, le=3660, strict=True, description="empty: to the end of next month"
    )


class ScheduleWarningOut(Schema):
    plan_id: int
    message: str


class ScheduleOut(Schema):
    horizon: date
    created: int
    assigned: int
    warnings: list[ScheduleWarningOut]


class VisitOut(Schema):
    id: int
    plan: Ref
    equipment: Ref
    customer: Ref
    due_date: date
    expert: Ref | None
    status: VisitStatus
    outcome: str
    findings: str
    done_on: date | None
    version: int


class VisitQuery(Schema):
    view: Literal["mine", "open", "all"] = "mine"
    status: VisitStatus | None = None


class VisitRecordIn(InputSchema):
    version: Version
    outcome: str = Field(min_length=1, max_length=4000)
    findings: str = Field(default="", max_length=4000)
    done_on: IsoDate | None = Field(default=None, description="empty: today")


class VisitCancelIn(InputSchema):
    version: Version


def equipment_out(e: Equipment) -> dict[str, Any]:
    return {
        "id": e.pk,
        "customer": ref(e.customer),
        "name": e.name,
        "type": ref(e.type),
        "skill": ref(e.type.skill),
        "model_number": e.model_number,
        "location": e.location,
        "installed_on": e.installed_on,
        "status": e.status,
        "notes": e.notes,
        "updated_at": e.updated_at,
        "version": e.version,
    }


def _equipment_detail(user: Any, pk: int) -> dict[str, Any]:
    e = selectors.equipment_get_for_user(user=user, pk=pk)
    return {
        **equipment_out(e),
        "products": [
            {"id": p.pk, "product": ref(p.product), "quantity": p.quantity}
            for p in selectors.products_of(e)
        ],
    }


def plan_out(p: ServicePlan) -> dict[str, Any]:
    return {
        "id": p.pk,
        "equipment": ref(p.equipment),
        "customer": ref(p.customer),
        "name": p.name,
        "interval": p.interval,
        "interval_unit": p.interval_unit,
        "next_due": p.next_due,
        "skill": ref(p.skill),
        "active": p.active,
        "version": p.version,
    }


def visit_out(v: FieldVisit) -> dict[str, Any]:
    return {
        "id": v.pk,
        "plan": ref(v.plan),
        "equipment": ref(v.equipment),
        "customer": ref(v.customer),
        "due_date": v.due_date,
        "expert": ref(v.expert),
        "status": v.status,
        "outcome": v.outcome,
        "findings": v.findings,
        "done_on": v.done_on,
        "version": v.version,
    }


def _bad(field: str) -> ValidationFailed:
    return ValidationFailed(fields={field: [_("Unknown or not allowed choice.")]})


def _type(pk: int) -> Any:
    kind = selectors.equipment_types().filter(pk=pk).first()
    if kind is None:
        raise _bad("type_id")
    return kind


def _skill(pk: int) -> Any:
    skill = selectors.skills().filter(pk=pk).first()
    if skill is None:
        raise _bad("skill_id")
    return skill


# --- equipment ------------------------------------------------------------------------------


@router.get("/equipment", response={200: PageOut[EquipmentOut], **ERRORS})
def equipment_list(
    request: HttpRequest,
    query: Query[EquipmentQuery],
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    """Equipment of the customers you see, recently changed first."""
    require(request.user, Module.SERVICE, Action.VIEW)
    filters = selectors.EquipmentFilters(
        customer=query.customer_id,
        type=query.type_id,
        status=query.status or "",
        search=query.search,
    )
    return page_out(selectors.equipment_list(request.user, filters), page, page_size, equipment_out)


@router.post("/equipment", response={201: EquipmentDetailOut, **WRITE_ERRORS})
def equipment_create(request: HttpRequest, payload: EquipmentIn) -> Any:
    user = request.user
    require(user, Module.SERVICE, Action.CREATE)
    customer = customer_selectors.customer_get_for_user(user=user, pk=payload.customer_id)
    from crm.products.selectors import products_for_user

    lines = []
    for n, line in enumerate(payload.products):
        product = products_for_user(user).filter(pk=line.product_id).first()
        if product is None:
            raise ValidationFailed(
                fields={f"products.{n}.product_id": [_("Unknown or not allowed choice.")]}
            )
        lines.append((product, line.quantity))
    data = payload.dict(exclude={"customer_id", "type_id", "products", "name"})
    e = services.equipment_create(
        customer=customer, name=payload.name, type=_type(payload.type_id), actor=user, **data
    )
    for product, quantity in lines:
        services.installed_product_set(equipment=e, product=product, quantity=quantity, actor=user)
    return Status(201, _equipment_detail(user, e.pk))


@router.get("/equipment/{equipment_id}", response={200: EquipmentDetailOut, **ERRORS})
def equipment_detail(request: HttpRequest, equipment_id: int) -> Any:
    return _equipment_detail(request.user, equipment_id)


@router.patch("/equipment/{equipment_id}", response={200: EquipmentDetailOut, **WRITE_ERRORS})
def equipment_patch(request: HttpRequest, equipment_id: int, payload: EquipmentPatch) -> Any:
    user = request.user
    e = selectors.equipment_get_for_user(user=user, pk=equipment_id)
    require(user, Module.SERVICE, Action.EDIT)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    if "type_id" in changes:
        type_id = changes.pop("type_id")
        if type_id is None:
            raise _bad("type_id")
        changes["type"] = _type(type_id)
    for key in ("name", "status", "model_number", "location", "notes"):
        if key in changes and changes[key] is None:
            changes.pop(key)
    services.equipment_update(equipment=e, version=payload.version, changes=changes, actor=user)
    return _equipment_detail(user, e.pk)


@router.put(
    "/equipment/{equipment_id}/products",
    response={200: EquipmentDetailOut, **WRITE_ERRORS},
)
def equipment_product_set(
    request: HttpRequest, equipment_id: int, payload: InstalledProductIn
) -> Any:
    """Install a product with its quantity (again: change the quantity)."""
    from crm.products.selectors import products_for_user

    user = request.user
    e = selectors.equipment_get_for_user(user=user, pk=equipment_id)
    require(user, Module.SERVICE, Action.EDIT)
    product = products_for_user(user).filter(pk=payload.product_id).first()
    if product is None:
        raise _bad("product_id")
    services.installed_product_set(
        equipment=e, product=product, quantity=payload.quantity, actor=user
    )
    return _equipment_detail(user, e.pk)


@router.delete("/equipment/{equipment_id}", response={204: None, **WRITE_ERRORS})
def equipment_delete(request: HttpRequest, equipment_id: int) -> Any:
    """Move the equipment to the recycle bin: its planned visits are cancelled, its done
    visits stay as its history, its plans leave and come back with it."""
    user = request.user
    e = selectors.equipment_get_for_user(user=user, pk=equipment_id)
    require(user, Module.SERVICE, Action.DELETE)
    services.equipment_delete(equipment=e, actor=user)
    return Status(204, None)


# --- plans ----------------------------------------------------------------------------------


@router.get("/service-plans", response={200: PageOut[PlanOut], **ERRORS})
def plan_list(
    request: HttpRequest, query: Query[PlanQuery], page: PageNumber = 1, page_size: PageSize = 20
) -> Any:
    """Plans of the equipment you see, soonest due first."""
    require(request.user, Module.SERVICE, Action.VIEW)
    qs = selectors.plan_list(request.user, due_by=query.due_by, active_only=query.active)
    if query.equipment_id:
        qs = qs.filter(equipment=query.equipment_id)
    return page_out(qs, page, page_size, plan_out)


@router.post("/service-plans", response={201: PlanOut, **WRITE_ERRORS})
def plan_create(request: HttpRequest, payload: PlanIn) -> Any:
    user = request.user
    require(user, Module.SERVICE, Action.CREATE)
    e = selectors.equipment_get_for_user(user=user, pk=payload.equipment_id)
    p = services.plan_create(
        equipment=e,
        name=payload.name,
        interval=payload.interval,
        interval_unit=payload.interval_unit,
        next_due=payload.next_due,
        skill=_skill(payload.skill_id) if payload.skill_id else None,
        active=payload.active,
        actor=user,
    )
    return Status(201, plan_out(selectors.plan_get_for_user(user=user, pk=p.pk)))


@router.post("/service-plans/schedule", response={200: ScheduleOut, **WRITE_ERRORS})
def plan_schedule(request: HttpRequest, payload: ScheduleIn) -> Any:
    """Create the visits of the plans you see due within `ahead_days` (default: by the end of
    next month). Idempotent: a second call creates nothing new."""
    user = request.user
    require(user, Module.SERVICE, Action.CREATE)
    today = timezone.localdate()
    horizon = (
        today + timedelta(days=payload.ahead_days)
        if payload.ahead_days is not None
        else services.end_of_next_month(today)
    )
    result = services.schedule_visits(
        today=today, horizon=horizon, actor=user, plans=selectors.plans_for_user(user)
    )
    return {
        "horizon": result.horizon,
        "created": result.created,
        "assigned": result.assigned,
        "warnings": [{"plan_id": p, "message": m} for p, m in result.warnings],
    }


@router.patch("/service-plans/{plan_id}", response={200: PlanOut, **WRITE_ERRORS})
def plan_patch(request: HttpRequest, plan_id: int, payload: PlanPatch) -> Any:
    user = request.user
    p = selectors.plan_get_for_user(user=user, pk=plan_id)
    require(user, Module.SERVICE, Action.EDIT)
    changes = {
        k: v
        for k, v in payload.dict(exclude_unset=True, exclude={"version"}).items()
        if v is not None
    }
    if "skill_id" in changes:
        changes["skill"] = _skill(changes.pop("skill_id"))
    services.plan_update(plan=p, version=payload.version, changes=changes, actor=user)
    return plan_out(selectors.plan_get_for_user(user=user, pk=p.pk))


@router.delete("/service-plans/{plan_id}", response={204: None, **WRITE_ERRORS})
def plan_delete(request: HttpRequest, plan_id: int) -> Any:
    """Move the plan to the recycle bin: its planned visit is cancelled, its done visits stay
    in the equipment's history."""
    user = request.user
    p = selectors.plan_get_for_user(user=user, pk=plan_id)
    require(user, Module.SERVICE, Action.DELETE)
    services.plan_delete(plan=p, actor=user)
    return Status(204, None)


# --- visits ---------------------------------------------------------------------------------


@router.get("/field-visits", response={200: PageOut[VisitOut], **ERRORS})
def visit_list(
    request: HttpRequest, query: Query[VisitQuery], page: PageNumber = 1, page_size: PageSize = 20
) -> Any:
    """mine: visits assigned to you; open: every planned visit you see; all: every visit."""
    require(request.user, Module.SERVICE, Action.VIEW)
    qs = selectors.visit_list(request.user, view=query.view, status=query.status or "")
    return page_out(qs, page, page_size, visit_out)


@router.get("/field-visits/{visit_id}", response={200: VisitOut, **ERRORS})
def visit_detail(request: HttpRequest, visit_id: int) -> Any:
    return visit_out(selectors.visit_get_for_user(user=request.user, pk=visit_id))


@router.post("/field-visits/{visit_id}/record", response={200: VisitOut, **WRITE_ERRORS})
def visit_record(request: HttpRequest, visit_id: int, payload: VisitRecordIn) -> Any:
    """Record the outcome (409 `visit_closed` when already recorded or cancelled, 409
    `stale_version` for an old version); moves the plan's next due date."""
    user = request.user
    v = selectors.visit_get_for_user(user=user, pk=visit_id)
    require(user, Module.SERVICE, Action.EDIT)
    services.visit_record(
        visit=v,
        version=payload.version,
        outcome=payload.outcome,
        findings=payload.findings,
        done_on=payload.done_on,
        actor=user,
    )
    return visit_out(selectors.visit_get_for_user(user=user, pk=v.pk))


@router.post("/field-visits/{visit_id}/cancel", response={200: VisitOut, **WRITE_ERRORS})
def visit_cancel(request: HttpRequest, visit_id: int, payload: VisitCancelIn) -> Any:
    user = request.user
    v = selectors.visit_get_for_user(user=user, pk=visit_id)
    require(user, Module.SERVICE, Action.EDIT)
    services.visit_cancel(visit=v, version=payload.version, actor=user)
    return visit_out(selectors.visit_get_for_user(user=user, pk=v.pk))
