"""API of SLAs: compliance figures (anyone who sees tickets, over the tickets they see) and the
settings — calendars with their days, policies — for system managers."""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool

from crm.api.schemas import ERRORS, WRITE_ERRORS, InputSchema, IsoDate
from crm.core.access import require
from crm.core.errors import ValidationFailed
from crm.core.modules import Action, Module
from crm.customers.schemas import Id, Ref
from crm.sales.schemas import Version

from . import selectors, selectors_sla, services_sla
from .models import DayKind, Priority, ServiceCalendar, SlaPolicy

router = Router(tags=["sla"])
WEEKDAYS = range(7)


class SlaComplianceRowOut(Schema):
    key: str
    label: str
    first_response_met: int
    first_response_total: int
    first_response_percent: float | None
    resolution_met: int
    resolution_total: int
    resolution_percent: float | None


class SlaComplianceQuery(Schema):
    group: Literal["type", "priority", "queue", "month"] = "month"
    since: IsoDate | None = None
    until: IsoDate | None = None


class SlaCalendarDayOut(Schema):
    date: date
    kind: DayKind
    note: str


class SlaCalendarOut(Schema):
    id: int
    name: str
    tz: str
    hours: dict[str, list[list[str]]] = Field(
        description='weekday (0 = Monday) → [["09:00", "12:00"], …]; a missing day is off'
    )
    days: list[SlaCalendarDayOut]
    updated_at: datetime
    version: int


class SlaCalendarIn(InputSchema):
    name: str = Field(max_length=60)
    tz: str = Field(default="Asia/Shanghai", max_length=40)
    hours: dict[Literal["0", "1", "2", "3", "4", "5", "6"], str] = Field(
        description='weekday → "09:00-12:00, 13:00-18:00"; empty or missing = off'
    )


class SlaCalendarPatch(SlaCalendarIn):
    version: Version


class SlaCalendarDayIn(InputSchema):
    date: IsoDate
    kind: DayKind
    note: str = Field(default="", max_length=60)


class SlaPolicyOut(Schema):
    id: int
    type: Ref | None
    priority: Priority | Literal[""]
    calendar: Ref
    first_response_minutes: int
    resolution_minutes: int
    warn_percent: int
    active: bool
    version: int


class SlaPolicyIn(InputSchema):
    type_id: Id | None = None
    priority: Priority | Literal[""] = ""
    calendar_id: Id
    first_response_minutes: int = Field(ge=1, le=10_000_000)
    resolution_minutes: int = Field(ge=1, le=10_000_000)
    warn_percent: int = Field(default=80, ge=1, le=99)
    active: StrictBool = True


class SlaPolicyPatch(InputSchema):
    version: Version
    calendar_id: Id | None = None
    first_response_minutes: int | None = Field(default=None, ge=1, le=10_000_000)
    resolution_minutes: int | None = Field(default=None, ge=1, le=10_000_000)
    warn_percent: int | None = Field(default=None, ge=1, le=99)
    active: StrictBool | None = None


@router.get("/sla/compliance", response={200: list[SlaComplianceRowOut], **ERRORS})
def compliance(request: HttpRequest, query: Query[SlaComplianceQuery]) -> Any:
    """% of first-response and resolution deadlines met, per type, priority, queue or month
    of creation, over the tickets you see."""
    require(request.user, Module.SERVICE, Action.VIEW)
    rows = selectors_sla.compliance(
        request.user, group=query.group, since=query.since, until=query.until
    )
    return [
        {
            "key": str(r.key),
            "label": r.label,
            "first_response_met": r.first_met,
            "first_response_total": r.first_total,
            "first_response_percent": r.first_percent,
            "resolution_met": r.resolution_met,
            "resolution_total": r.resolution_total,
            "resolution_percent": r.resolution_percent,
        }
        for r in rows
    ]


def _calendar_out(c: ServiceCalendar) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "tz": c.tz,
        "hours": c.hours,
        "days": [
            {"date": d.date, "kind": d.kind, "note": d.note} for d in selectors_sla.calendar_days(c)
        ],
        "updated_at": c.updated_at,
        "version": c.version,
    }


def _hours(payload: SlaCalendarIn) -> dict[str, Any]:
    return services_sla.parse_hours({int(k): v for k, v in payload.hours.items()})


@router.get("/sla/calendars", response={200: list[SlaCalendarOut], **ERRORS})
def calendar_list(request: HttpRequest) -> Any:
    return [
        _calendar_out(c) for c in selectors_sla.calendars(request.user).prefetch_related("days")
    ]


@router.post("/sla/calendars", response={201: SlaCalendarOut, **WRITE_ERRORS})
def calendar_create(request: HttpRequest, payload: SlaCalendarIn) -> Any:
    selectors_sla.require_sla_admin(request.user)
    c = services_sla.calendar_create(
        actor=request.user, name=payload.name, tz=payload.tz, hours=_hours(payload)
    )
    return Status(201, _calendar_out(c))


@router.get("/sla/calendars/{calendar_id}", response={200: SlaCalendarOut, **ERRORS})
def calendar_detail(request: HttpRequest, calendar_id: int) -> Any:
    return _calendar_out(selectors_sla.calendar_get(user=request.user, pk=calendar_id))


@router.patch("/sla/calendars/{calendar_id}", response={200: SlaCalendarOut, **WRITE_ERRORS})
def calendar_patch(request: HttpRequest, calendar_id: int, payload: SlaCalendarPatch) -> Any:
    """Replaces name, zone and hours (send all three); run `check_sla --recompute` after."""
    c = selectors_sla.calendar_get(user=request.user, pk=calendar_id)
    c = services_sla.calendar_update(
        calendar=c,
        version=payload.version,
        actor=request.user,
        name=payload.name,
        tz=payload.tz,
        hours=_hours(payload),
    )
    return _calendar_out(c)


@router.post("/sla/calendars/{calendar_id}/days", response={201: SlaCalendarOut, **WRITE_ERRORS})
def calendar_day_set(request: HttpRequest, calendar_id: int, payload: SlaCalendarDayIn) -> Any:
    """Add or replace a holiday or make-up working day (调休, worked on Monday's hours)."""
    c = selectors_sla.calendar_get(user=request.user, pk=calendar_id)
    services_sla.calendar_day_set(
        calendar=c, day=payload.date, kind=payload.kind, note=payload.note, actor=request.user
    )
    return Status(201, _calendar_out(c))


@router.delete(
    "/sla/calendars/{calendar_id}/days/{day}", response={200: SlaCalendarOut, **WRITE_ERRORS}
)
def calendar_day_delete(request: HttpRequest, calendar_id: int, day: IsoDate) -> Any:
    c = selectors_sla.calendar_get(user=request.user, pk=calendar_id)
    services_sla.calendar_day_delete(calendar=c, day=day, actor=request.user)
    return _calendar_out(c)


def _policy_out(p: SlaPolicy) -> dict[str, Any]:
    return {
        "id": p.pk,
        "type": {"id": p.type.pk, "name": p.type.name} if p.type else None,
        "priority": p.priority,
        "calendar": {"id": p.calendar.pk, "name": p.calendar.name},
        "first_response_minutes": p.first_response_minutes,
        "resolution_minutes": p.resolution_minutes,
        "warn_percent": p.warn_percent,
        "active": p.active,
        "version": p.version,
    }


def _calendar_ref(user: Any, pk: int | None) -> ServiceCalendar:
    c = selectors_sla.calendars(user).filter(pk=pk).first() if pk else None
    if c is None:
        raise ValidationFailed(fields={"calendar_id": [_("Choose a calendar.")]})
    return c


@router.get("/sla/policies", response={200: list[SlaPolicyOut], **ERRORS})
def policy_list(request: HttpRequest) -> Any:
    return [_policy_out(p) for p in selectors_sla.policies(request.user)]


@router.post("/sla/policies", response={201: SlaPolicyOut, **WRITE_ERRORS})
def policy_create(request: HttpRequest, payload: SlaPolicyIn) -> Any:
    selectors_sla.require_sla_admin(request.user)
    data = payload.dict()
    ticket_type = None
    if data["type_id"] is not None:
        ticket_type = selectors.type_get(data["type_id"])
        if ticket_type is None:
            raise ValidationFailed(fields={"type_id": [_("Unknown or not allowed choice.")]})
    p = services_sla.policy_create(
        actor=request.user,
        type=ticket_type,
        priority=data["priority"],
        calendar=_calendar_ref(request.user, data["calendar_id"]),
        first_response_minutes=data["first_response_minutes"],
        resolution_minutes=data["resolution_minutes"],
        warn_percent=data["warn_percent"],
        active=data["active"],
    )
    return Status(201, _policy_out(p))


@router.patch("/sla/policies/{policy_id}", response={200: SlaPolicyOut, **WRITE_ERRORS})
def policy_patch(request: HttpRequest, policy_id: int, payload: SlaPolicyPatch) -> Any:
    p = selectors_sla.policy_get(user=request.user, pk=policy_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    changes.pop("version", None)
    if "calendar_id" in changes:
        changes["calendar"] = _calendar_ref(request.user, changes.pop("calendar_id"))
    p = services_sla.policy_update(policy=p, version=payload.version, actor=request.user, **changes)
    return _policy_out(selectors_sla.policy_get(user=request.user, pk=p.pk))


@router.delete("/sla/policies/{policy_id}", response={204: None, **WRITE_ERRORS})
def policy_delete(request: HttpRequest, policy_id: int) -> Any:
    p = selectors_sla.policy_get(user=request.user, pk=policy_id)
    services_sla.policy_delete(policy=p, actor=request.user)
    return Status(204, None)
