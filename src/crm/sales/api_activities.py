"""API of activities, targets and the achievement reports. Thin: parse → selector/service →
schema."""

from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from crm.api.schemas import ERRORS, WRITE_ERRORS, PageNumber, PageOut, PageSize, page_out
from crm.core.access import require
from crm.core.errors import NotFound, ValidationFailed
from crm.core.modules import Action, Module
from crm.customers.schemas import IsoDate

from . import selectors_activities as sel
from . import selectors_targets as tsel
from . import services_activities as services
from . import services_targets
from .models_activities import Activity, ActivityKind, ActivityStatus, PeriodKind, Target
from .schemas_activities import (
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    CancelIn,
    CheckInIn,
    CompleteIn,
    Id,
    TargetAchievementOut,
    TargetIn,
    TargetOut,
    TargetPatch,
    VisitAchievementOut,
)
from .target_periods import Period, fiscal_start_month, parse_period, period_at

router = Router(tags=["activities"])


def _ref(obj: Any) -> dict[str, Any] | None:
    return {"id": obj.pk, "name": str(obj)} if obj is not None else None


def activity_out(a: Activity, now: Any = None) -> dict[str, Any]:
    now = now or timezone.now()
    return {
        "id": a.pk,
        "kind": a.kind,
        "subject": a.subject,
        "customer": _ref(a.customer),
        "contact": _ref(a.contact),
        "opportunity": _ref(a.opportunity),
        "owner": _ref(a.owner),
        "org_unit": _ref(a.org_unit),
        "planned_start": a.planned_start,
        "planned_end": a.planned_end,
        "purpose": a.purpose,
        "status": a.status,
        "is_planned": a.is_planned,
        "is_overdue": a.status == ActivityStatus.PLANNED and a.planned_end < now,
        "checked_in_at": a.checked_in_at,
        "notes": a.notes,
        "next_step": a.next_step,
        "completed_at": a.completed_at,
        "interaction_id": a.interaction_id,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
        "version": a.version,
    }


def resolve_links(user: Any, data: dict[str, Any], current: Activity | None = None) -> None:
    """Turn customer/contact/opportunity/owner ids into records the user may use (in place);
    an id the user may not use is a field error."""
    from crm.customers.selectors import contacts_of, customer_get_for_user

    from .selectors import opportunity_get_for_user

    errors: dict[str, list[str]] = {}
    if "customer_id" in data:
        cid = data.pop("customer_id")
        try:
            data["customer"] = customer_get_for_user(user=user, pk=cid) if cid else None
        except NotFound:
            errors["customer_id"] = [_("Unknown customer.")]
    customer = data.get("customer", current.customer if current else None)
    if "contact_id" in data:
        kid = data.pop("contact_id")
        contact = None
        if kid:
            contact = contacts_of(customer).filter(pk=kid).first() if customer else None
            if contact is None:
                errors["contact_id"] = [_("This contact belongs to another customer.")]
        data["contact"] = contact
    if "opportunity_id" in data:
        oid = data.pop("opportunity_id")
        try:
            data["opportunity"] = opportunity_get_for_user(user=user, pk=oid) if oid else None
        except NotFound:
            errors["opportunity_id"] = [_("Unknown opportunity.")]
    if "owner_id" in data:
        uid = data.pop("owner_id")
        if uid:
            owner = sel.assignable_owners(user).filter(pk=uid).first()
            if owner is None:
                errors["owner_id"] = [_("Choose yourself or someone in your scope.")]
            data["owner"] = owner
        elif current is None:
            data["owner"] = None
    if errors:
        raise ValidationFailed(fields=errors)


class Ordering(StrEnum):
    planned_start = "planned_start"
    planned_start_desc = "-planned_start"
    subject = "subject"
    subject_desc = "-subject"
    updated_at_desc = "-updated_at"


class StatusFilter(StrEnum):
    planned = "planned"
    done = "done"
    cancelled = "cancelled"
    overdue = "overdue"


class ActivityQuery(Schema):
    search: str = ""
    kind: ActivityKind | None = None
    status: StatusFilter | None = None
    owner_id: Id | None = None
    unit_id: Id | None = None
    customer_id: Id | None = None
    opportunity_id: Id | None = None
    start_from: IsoDate | None = None
    start_to: IsoDate | None = None
    ordering: Ordering = Ordering.planned_start


@router.get("/activities", response={200: PageOut[ActivityOut], **ERRORS})
def activity_list(
    request: HttpRequest,
    query: Query[ActivityQuery],
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    """Activities in the caller's sales scope. `status=overdue`: planned and past their end."""
    require(request.user, Module.SALES, Action.VIEW)
    filters = sel.ActivityFilters(
        search=query.search.replace("\x00", "")[:100],
        kind=query.kind.value if query.kind else "",
        status=query.status.value if query.status else "",
        owner=query.owner_id,
        unit=query.unit_id,
        customer=query.customer_id,
        opportunity=query.opportunity_id,
        start_from=query.start_from,
        start_to=query.start_to,
        ordering=query.ordering.value,
    )
    now = timezone.now()
    qs = sel.activities_for_user(request.user, filters)
    return page_out(qs, page, page_size, lambda a: activity_out(a, now))


@router.post("/activities", response={201: ActivityOut, **WRITE_ERRORS})
def activity_create(request: HttpRequest, payload: ActivityIn) -> Any:
    """Plan an activity, or log one afterwards with `is_planned: false` (saved as done; a
    visit or call also goes on the customer's timeline)."""
    require(request.user, Module.SALES, Action.CREATE)
    data = payload.dict()
    is_planned = data.pop("is_planned")
    resolve_links(request.user, data)
    activity = services.activity_create(actor=request.user, is_planned=is_planned, **data)
    return Status(201, activity_out(sel.activity_get_for_user(user=request.user, pk=activity.pk)))


@router.get("/activities/{activity_id}", response={200: ActivityOut, **ERRORS})
def activity_detail(request: HttpRequest, activity_id: int) -> Any:
    return activity_out(sel.activity_get_for_user(user=request.user, pk=activity_id))


def _editable(request: HttpRequest, activity_id: int) -> Activity:
    activity = sel.activity_get_for_user(user=request.user, pk=activity_id)
    require(request.user, Module.SALES, Action.EDIT)
    return activity


def _read_back(request: HttpRequest, activity: Activity) -> Any:
    # Through the selector: a change of owner may have moved it out of the caller's scope.
    return activity_out(sel.activity_get_for_user(user=request.user, pk=activity.pk))


@router.patch("/activities/{activity_id}", response={200: ActivityOut, **WRITE_ERRORS})
def activity_patch(request: HttpRequest, activity_id: int, payload: ActivityPatch) -> Any:
    activity = _editable(request, activity_id)
    data = payload.dict(exclude_unset=True, exclude={"version"})
    for key in ("kind", "subject", "planned_start"):
        if key in data and data[key] is None:
            del data[key]
    resolve_links(request.user, data, activity)
    updated = services.activity_update(
        activity=activity, version=payload.version, actor=request.user, **data
    )
    return _read_back(request, updated)


@router.delete("/activities/{activity_id}", response={204: None, **WRITE_ERRORS})
def activity_delete(request: HttpRequest, activity_id: int) -> Any:
    activity = sel.activity_get_for_user(user=request.user, pk=activity_id)
    require(request.user, Module.SALES, Action.DELETE)
    services.activity_delete(activity=activity, actor=request.user)
    return Status(204, None)


@router.post("/activities/{activity_id}/check-in", response={200: ActivityOut, **WRITE_ERRORS})
def activity_check_in(request: HttpRequest, activity_id: int, payload: CheckInIn) -> Any:
    """Record arrival at a planned visit or meeting (409 `checked_in` the second time)."""
    activity = _editable(request, activity_id)
    updated = services.activity_check_in(
        activity=activity, version=payload.version, actor=request.user, at=payload.at
    )
    return _read_back(request, updated)


@router.post("/activities/{activity_id}/complete", response={200: ActivityOut, **WRITE_ERRORS})
def activity_complete(request: HttpRequest, activity_id: int, payload: CompleteIn) -> Any:
    """Log the outcome of a planned activity (409 `not_planned` if it is done or cancelled)."""
    activity = _editable(request, activity_id)
    updated = services.activity_complete(
        activity=activity,
        version=payload.version,
        actor=request.user,
        notes=payload.notes,
        next_step=payload.next_step,
        completed_at=payload.completed_at,
    )
    return _read_back(request, updated)


@router.post("/activities/{activity_id}/cancel", response={200: ActivityOut, **WRITE_ERRORS})
def activity_cancel(request: HttpRequest, activity_id: int, payload: CancelIn) -> Any:
    activity = _editable(request, activity_id)
    updated = services.activity_cancel(
        activity=activity, version=payload.version, actor=request.user, reason=payload.reason
    )
    return _read_back(request, updated)


# --- achievement reports -----------------------------------------------------------------


def _period_out(p: Period) -> dict[str, Any]:
    return {"kind": p.kind, "start": p.start, "end": p.end, "label": p.label}


def _period(kind: PeriodKind, day: Any) -> Period:
    return parse_period(kind.value, day, timezone.localdate(), fiscal_start_month())


@router.get("/visits/achievement", response={200: VisitAchievementOut, **ERRORS})
def visit_achievement(
    request: HttpRequest,
    period_kind: PeriodKind = PeriodKind.MONTH,
    date: IsoDate | None = None,
    owner_id: Id | None = None,
    unit_id: Id | None = None,
) -> Any:
    """Visit achievement rate (拜访达成率) per rep in the caller's scope: completed planned
    visits / planned visits with a start in the period containing `date` (default today)."""
    require(request.user, Module.SALES, Action.VIEW)
    period = _period(period_kind, date)
    rates = sel.visit_rates(request.user, period.start, period.end, owner=owner_id, unit=unit_id)
    total = sel.visit_total(rates)
    return {
        "period": _period_out(period),
        "planned": total.planned,
        "done": total.done,
        "rate": total.rate,
        "reps": [
            {
                "owner": {"id": r.owner_id, "name": r.name},
                "unit": r.unit,
                "planned": r.planned,
                "done": r.done,
                "rate": r.rate,
            }
            for r in rates
        ],
    }


@router.get("/targets/achievement", response={200: TargetAchievementOut, **ERRORS})
def target_achievement(
    request: HttpRequest, period_kind: PeriodKind = PeriodKind.MONTH, date: IsoDate | None = None
) -> Any:
    """Target achievement rolled up the org tree of the caller's sales scope, for the period
    containing `date` (default today): each unit (its subtree's won amount) and each rep."""
    require(request.user, Module.SALES, Action.VIEW)
    period = _period(period_kind, date)
    rows = tsel.achievement_tree(request.user, period)
    return {
        "period": _period_out(period),
        "rows": [
            {
                "depth": r.depth,
                "unit": _ref(r.unit),
                "rep": _ref(r.rep),
                "target_id": r.target.pk if r.target else None,
                "target": r.goal,
                "actual": r.actual,
                "percent": r.percent,
            }
            for r in rows
        ],
    }


# --- targets -----------------------------------------------------------------------------


def _target_out(a: tsel.Achievement) -> dict[str, Any]:
    t = a.target
    return {
        "id": t.pk,
        "metric": t.metric,
        "period_kind": t.period_kind,
        "period_start": t.period_start,
        "period_end": period_at(t.period_kind, t.period_start).end,
        "rep": _ref(t.rep),
        "org_unit": _ref(t.org_unit),
        "amount": t.amount,
        "actual": a.actual,
        "percent": a.percent,
        "version": t.version,
    }


def _with_actual(user: Any, targets: list[Target]) -> list[dict[str, Any]]:
    won = tsel.won_for_targets(user, targets)
    return [_target_out(a) for a in tsel.achievements(targets, won)]


@router.get("/targets", response={200: PageOut[TargetOut], **ERRORS})
def target_list(
    request: HttpRequest,
    period_kind: PeriodKind | None = None,
    date: IsoDate | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    """Targets in the caller's sales scope (a rep: their own), each with its won amount.
    With `period_kind` (and `date`, default today): that period's targets only."""
    require(request.user, Module.SALES, Action.VIEW)
    period = _period(period_kind, date) if period_kind else None
    body = page_out(tsel.targets_for_user(request.user, period=period), page, page_size)
    body["items"] = _with_actual(request.user, body["items"])
    return body


@router.post("/targets", response={201: TargetOut, **WRITE_ERRORS})
def target_create(request: HttpRequest, payload: TargetIn) -> Any:
    """Set a target for a rep or a unit in the caller's scope (managers and admins)."""
    tsel.require_target_manager(request.user, Action.CREATE)
    if (payload.rep_id is None) == (payload.org_unit_id is None):
        raise ValidationFailed(fields={"rep_id": [_("Send either rep_id or org_unit_id.")]})
    subject = tsel.target_subject(request.user, rep_id=payload.rep_id, unit_id=payload.org_unit_id)
    target = services_targets.target_create(
        actor=request.user,
        period_kind=payload.period_kind.value,
        period_start=payload.period_start,
        amount=payload.amount,
        **subject,
    )
    t = tsel.target_get_for_user(user=request.user, pk=target.pk)
    return Status(201, _with_actual(request.user, [t])[0])


@router.get("/targets/{target_id}", response={200: TargetOut, **ERRORS})
def target_detail(request: HttpRequest, target_id: int) -> Any:
    t = tsel.target_get_for_user(user=request.user, pk=target_id)
    return _with_actual(request.user, [t])[0]


@router.patch("/targets/{target_id}", response={200: TargetOut, **WRITE_ERRORS})
def target_patch(request: HttpRequest, target_id: int, payload: TargetPatch) -> Any:
    t = tsel.target_get_for_user(user=request.user, pk=target_id)
    tsel.require_target_manager(request.user, Action.EDIT)
    services_targets.target_update(
        target=t, version=payload.version, actor=request.user, amount=payload.amount
    )
    t = tsel.target_get_for_user(user=request.user, pk=target_id)
    return _with_actual(request.user, [t])[0]


@router.delete("/targets/{target_id}", response={204: None, **WRITE_ERRORS})
def target_delete(request: HttpRequest, target_id: int) -> Any:
    t = tsel.target_get_for_user(user=request.user, pk=target_id)
    tsel.require_target_manager(request.user, Action.DELETE)
    services_targets.target_delete(target=t, actor=request.user)
    return Status(204, None)
