"""API of opportunities, stages and the forecast (SAL-2, SAL-11, SYS-5). Thin: parse →
selector/service → schema. Leads are in api_leads (included below)."""

from datetime import date
from enum import StrEnum
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from crm.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    Id,
    PageNumber,
    PageOut,
    PageSize,
    Text,
    page_out,
)
from crm.core.access import require, require_special
from crm.core.errors import NotFound, ValidationFailed
from crm.core.fields import quantize
from crm.core.modules import Action, Module, Special
from crm.customers import selectors as customer_selectors
from crm.customers.schemas import IsoDate
from crm.org.models import OrgUnit, UnitKind
from crm.org.selectors import employee_get_for_user

from . import (
    api_approvals,
    api_contracts,
    api_leads,
    api_quotes,
    export,
    selectors,
    services,
    services_stages,
)
from .forecast import period_label
from .models import Opportunity, OpportunityStatus, Stage
from .schemas import (
    CloseIn,
    ForecastOut,
    GroupBy,
    OpportunityDetailOut,
    OpportunityIn,
    OpportunityOut,
    OpportunityPatch,
    Period,
    StageIn,
    StageMoveIn,
    StageOut,
    StagePatch,
    StageReorderIn,
    seconds,
)

router = Router(tags=["opportunities"])
router.add_router("", api_leads.router)
router.add_router("", api_approvals.router)
router.add_router("", api_quotes.router)
router.add_router("", api_contracts.router)


def _ref(obj: Any) -> dict[str, Any] | None:
    return {"id": obj.pk, "name": str(obj)} if obj is not None else None


def opportunity_out(o: Opportunity) -> dict[str, Any]:
    return {
        "id": o.pk,
        "name": o.name,
        "customer": _ref(o.customer),
        "contact": _ref(o.contact),
        "owner": _ref(o.owner),
        "org_unit": _ref(o.org_unit),
        "stage": _ref(o.stage),
        "status": o.status,
        "amount": o.amount,
        "probability": o.probability,
        "weighted_amount": quantize(o.amount * o.probability / 100, 2),
        "expected_close": o.expected_close,
        "closed_on": o.closed_on,
        "lost_reason": o.lost_reason,
        "competitors": o.competitors,
        "next_step": o.next_step,
        "source_lead_id": o.source_lead_id,
        "stage_entered_at": o.stage_entered_at,
        "created_at": o.created_at,
        "updated_at": o.updated_at,
        "version": o.version,
    }


def _detail_out(o: Opportunity) -> dict[str, Any]:
    return {
        **opportunity_out(o),
        "lines": [
            {
                "id": line.pk,
                "product_id": line.product_id,
                "product_code": line.product.code,
                "product_name": line.product.name,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": line.amount,
            }
            for line in selectors.lines_of(o)
        ],
        "stage_history": [
            {
                "from_stage": _ref(c.from_stage),
                "to_stage": _ref(c.to_stage),
                "changed_at": c.changed_at,
                "changed_by": _ref(c.changed_by),
                "seconds_in_stage": seconds(c.duration),
            }
            for c in selectors.stage_history_of(o)[:100]
        ],
    }


def resolve_lines(user: Any, lines: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """[{product_id, quantity, unit_price}] → lines with products (one query)."""
    if lines is None:
        return None
    from crm.products.selectors import products_for_user

    ids = {line["product_id"] for line in lines}
    products = {p.pk: p for p in products_for_user(user).filter(pk__in=ids)}
    errors = {
        f"lines.{i}.product_id": [_("Unknown product.")]
        for i, line in enumerate(lines)
        if line["product_id"] not in products
    }
    if errors:
        raise ValidationFailed(fields=errors)
    return [
        {
            "product": products[line["product_id"]],
            "quantity": line["quantity"],
            "unit_price": line.get("unit_price"),
        }
        for line in lines
    ]


def _resolve(user: Any, data: dict[str, Any], customer: Any) -> dict[str, Any]:
    if "owner_id" in data:
        owner_id = data.pop("owner_id")
        if owner_id is not None:
            data["owner"] = employee_get_for_user(user=user, pk=owner_id)
    if "contact_id" in data:
        contact_id = data.pop("contact_id")
        contact = None
        if contact_id is not None:
            contact = customer_selectors.contacts_of(customer).filter(pk=contact_id).first()
            if contact is None:
                raise ValidationFailed(
                    fields={"contact_id": [_("This contact belongs to another customer.")]}
                )
        data["contact"] = contact
    return data


class OpportunityQuery(Schema):
    search: Text = ""
    owner_id: Id | None = None
    unit_id: Id | None = None
    customer_id: Id | None = None
    stage_id: Id | None = None
    status: OpportunityStatus | None = None
    close_from: IsoDate | None = None
    close_to: IsoDate | None = None
    ordering: str = selectors.DEFAULT_OPPORTUNITY_ORDERING


@router.get("/opportunities", response={200: PageOut[OpportunityOut], **ERRORS})
def opportunity_list(
    request: HttpRequest,
    query: Query[OpportunityQuery],
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    require(request.user, Module.SALES, Action.VIEW)
    filters = selectors.OpportunityFilters(
        search=query.search[:100],
        owner=query.owner_id,
        unit=query.unit_id,
        customer=query.customer_id,
        stage=query.stage_id,
        status=query.status or "",
        close_from=query.close_from,
        close_to=query.close_to,
        ordering=query.ordering,
    )
    qs = selectors.opportunities_for_user(request.user, filters)
    return page_out(qs, page, page_size, opportunity_out)


@router.post("/opportunities", response={201: OpportunityDetailOut, **WRITE_ERRORS})
def opportunity_create(request: HttpRequest, payload: OpportunityIn) -> Any:
    user = request.user
    require(user, Module.SALES, Action.CREATE)
    customer = customer_selectors.customer_get_for_user(user=user, pk=payload.customer_id)
    data = payload.dict()
    data.pop("customer_id")
    stage_id = data.pop("stage_id")
    stage = selectors.stage_get(stage_id) if stage_id is not None else None
    lines = resolve_lines(user, data.pop("lines"))
    data = _resolve(user, data, customer)
    name, close = data.pop("name"), data.pop("expected_close")
    o = services.opportunity_create(
        actor=user,
        customer=customer,
        name=name,
        expected_close=close,
        stage=stage,
        lines=lines,
        **data,
    )
    return Status(201, _detail_out(selectors.opportunity_get_for_user(user=user, pk=o.pk)))


@router.get("/opportunities/{opportunity_id}", response={200: OpportunityDetailOut, **ERRORS})
def opportunity_detail(request: HttpRequest, opportunity_id: int) -> Any:
    return _detail_out(selectors.opportunity_get_for_user(user=request.user, pk=opportunity_id))


@router.patch(
    "/opportunities/{opportunity_id}", response={200: OpportunityDetailOut, **WRITE_ERRORS}
)
def opportunity_patch(request: HttpRequest, opportunity_id: int, payload: OpportunityPatch) -> Any:
    user = request.user
    o = selectors.opportunity_get_for_user(user=user, pk=opportunity_id)
    require(user, Module.SALES, Action.EDIT)
    sent = payload.dict(exclude_unset=True, exclude={"version"})
    for key in ("name", "expected_close", "amount"):
        if key in sent and sent[key] is None:
            del sent[key]
    customer = o.customer
    if sent.get("customer_id") is not None:
        customer = customer_selectors.customer_get_for_user(user=user, pk=sent["customer_id"])
        sent["customer"] = customer
    sent.pop("customer_id", None)
    lines = resolve_lines(user, sent.pop("lines", None))
    data = _resolve(user, sent, customer)
    services.opportunity_update(
        opportunity=o, version=payload.version, actor=user, lines=lines, **data
    )
    return _detail_out(selectors.opportunity_get_for_user(user=user, pk=o.pk))


@router.delete("/opportunities/{opportunity_id}", response={204: None, **WRITE_ERRORS})
def opportunity_delete(request: HttpRequest, opportunity_id: int) -> Any:
    o = selectors.opportunity_get_for_user(user=request.user, pk=opportunity_id)
    require(request.user, Module.SALES, Action.DELETE)
    services.opportunity_delete(opportunity=o, actor=request.user)
    return Status(204, None)


@router.post(
    "/opportunities/{opportunity_id}/stage",
    response={200: OpportunityDetailOut, **WRITE_ERRORS},
)
def opportunity_stage(request: HttpRequest, opportunity_id: int, payload: StageMoveIn) -> Any:
    """Move to another stage of the opportunity's business unit. `version` is the one the
    client last read: a stale one is refused with 409 `stale_version`."""
    o = selectors.opportunity_get_for_user(user=request.user, pk=opportunity_id)
    require(request.user, Module.SALES, Action.EDIT)
    stage = selectors.stage_get(payload.stage_id)
    services.opportunity_move_stage(
        opportunity=o,
        stage=stage,
        version=payload.version,
        actor=request.user,
        reason=payload.reason,
    )
    return _detail_out(selectors.opportunity_get_for_user(user=request.user, pk=o.pk))


@router.post(
    "/opportunities/{opportunity_id}/close",
    response={200: OpportunityDetailOut, **WRITE_ERRORS},
)
def opportunity_close(request: HttpRequest, opportunity_id: int, payload: CloseIn) -> Any:
    """Won or lost (a lost one needs `reason`), version-checked like a stage move."""
    o = selectors.opportunity_get_for_user(user=request.user, pk=opportunity_id)
    require(request.user, Module.SALES, Action.EDIT)
    services.opportunity_close(
        opportunity=o,
        won=payload.outcome.value == "won",
        reason=payload.reason,
        version=payload.version,
        actor=request.user,
    )
    return _detail_out(selectors.opportunity_get_for_user(user=request.user, pk=o.pk))


# --- stages (SYS-5) ------------------------------------------------------------------------


def business_unit_get(pk: int | None, *, read: bool = False) -> OrgUnit | None:
    """The company `pk` names (None: the default set / every unit). Unknown: 404 when the id
    only selects what to read, 422 in a body that would write it."""
    if pk is None:
        return None
    unit = OrgUnit.objects.filter(pk=pk, kind=UnitKind.COMPANY).first()
    if unit is None:
        if read:
            raise NotFound()
        raise ValidationFailed(fields={"business_unit_id": [_("Choose a company.")]})
    return unit


def require_stage_admin(user: Any) -> None:
    require(user, Module.SALES, Action.VIEW)
    require_special(user, Special.MANAGE_SYSTEM)


def _stage_out(s: Stage) -> Stage:
    return s


@router.get("/stages", response={200: list[StageOut], **ERRORS}, tags=["stages"])
def stage_list(request: HttpRequest, business_unit_id: Id | None = None) -> Any:
    """The stages `business_unit_id` uses, in order: its own set, else the default set."""
    require(request.user, Module.SALES, Action.VIEW)
    return list(selectors.stages_for(business_unit_get(business_unit_id, read=True)))


@router.post("/stages", response={201: StageOut, **WRITE_ERRORS}, tags=["stages"])
def stage_create(request: HttpRequest, payload: StageIn) -> Any:
    require_stage_admin(request.user)
    data = payload.dict(exclude_none=True)
    unit = business_unit_get(data.pop("business_unit_id", None))
    stage = services_stages.stage_create(
        business_unit=unit, actor=request.user, name=data.pop("name"), **data
    )
    return Status(201, stage)


@router.post("/stages/reorder", response={200: list[StageOut], **WRITE_ERRORS}, tags=["stages"])
def stage_reorder(request: HttpRequest, payload: StageReorderIn) -> Any:
    require_stage_admin(request.user)
    unit = business_unit_get(payload.business_unit_id)
    return services_stages.stages_reorder(business_unit=unit, ids=payload.ids, actor=request.user)


@router.patch("/stages/{stage_id}", response={200: StageOut, **WRITE_ERRORS}, tags=["stages"])
def stage_patch(request: HttpRequest, stage_id: int, payload: StagePatch) -> Any:
    require(request.user, Module.SALES, Action.VIEW)
    stage = selectors.stage_get(stage_id)
    require_stage_admin(request.user)
    data = payload.dict(exclude_unset=True)
    data = {k: v for k, v in data.items() if v is not None or k == "business_unit_id"}
    unit = business_unit_get(data.pop("business_unit_id", None)) or stage.business_unit
    return services_stages.stage_update(stage=stage, business_unit=unit, actor=request.user, **data)


@router.delete("/stages/{stage_id}", response={204: None, **WRITE_ERRORS}, tags=["stages"])
def stage_delete(request: HttpRequest, stage_id: int, business_unit_id: Id | None = None) -> Any:
    require(request.user, Module.SALES, Action.VIEW)
    stage = selectors.stage_get(stage_id)
    require_stage_admin(request.user)
    unit = business_unit_get(business_unit_id, read=True) or stage.business_unit
    if stage.business_unit_id not in (None, unit.pk if unit else None):
        raise NotFound()
    services_stages.stage_delete(stage=stage, business_unit=unit, actor=request.user)
    return Status(204, None)


# --- forecast (SAL-11) ---------------------------------------------------------------------


class ForecastQuery(Schema):
    period: Period = Period.month
    group_by: GroupBy = GroupBy.owner
    start: IsoDate | None = None
    end: IsoDate | None = None
    business_unit_id: Id | None = None
    owner_id: Id | None = None


def forecast_for(user: Any, q: ForecastQuery) -> Any:
    require(user, Module.SALES, Action.VIEW)
    return selectors.forecast(
        user,
        str(q.period.value),
        str(q.group_by.value),
        start=q.start,
        end=q.end,
        business_unit=business_unit_get(q.business_unit_id, read=True),
        owner=q.owner_id,
    )


def row_out(r: Any, period: str) -> dict[str, Any]:
    return {
        "period": r.period,
        "period_label": period_label(r.period, period) if isinstance(r.period, date) else "",
        "group_id": r.group_id,
        "group": r.group,
        "commit": r.commit,
        "best_case": r.best_case,
        "pipeline": r.pipeline,
        "weighted": r.weighted,
        "closed": r.closed,
        "open_amount": r.amount,
        "count": r.count,
    }


@router.get("/forecast", response={200: ForecastOut, **ERRORS}, tags=["forecast"])
def forecast(request: HttpRequest, query: Query[ForecastQuery]) -> Any:
    """Weighted pipeline (amount × probability) by expected-close period and group, split by
    the stages' forecast categories (commit, best case, pipeline; closed = won)."""
    f = forecast_for(request.user, query)
    return {
        "period": f.period,
        "group_by": f.group_by,
        "start": f.start,
        "end": f.end,
        "rows": [row_out(r, f.period) for r in f.rows],
        "total": {**row_out(f.total, f.period), "period_label": ""},
    }


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


@router.get(
    "/forecast/export",
    response={**ERRORS},
    tags=["forecast"],
    openapi_extra={
        "responses": {
            200: {
                "description": "The forecast as a file (CSV with BOM, or XLSX).",
                "content": {t: {} for t in export.TYPES.values()},
            }
        }
    },
)
def forecast_export(
    request: HttpRequest, query: Query[ForecastQuery], format: ExportFormat = ExportFormat.csv
) -> HttpResponseBase:
    export.require_export(request.user)
    return export.forecast_response(forecast_for(request.user, query), str(format.value))
