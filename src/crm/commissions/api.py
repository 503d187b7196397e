"""API of commissions: rules (system managers), statements and their lines (scoped like the
sales data), recompute and periods (finance and administrators)."""

from typing import Any

from django.db.models import Count, Sum
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from crm.api.schemas import ERRORS, WRITE_ERRORS, PageNumber, PageOut, PageSize, page_out
from crm.core.access import require
from crm.core.errors import ValidationFailed
from crm.core.modules import Action, Module

from . import selectors, services, services_compute
from .models import CommissionLine, CommissionPeriod, CommissionRule, CommissionStatement
from .schemas import (
    CommissionLineOut,
    CommissionLineQuery,
    CommissionPeriodOut,
    CommissionRecomputeIn,
    CommissionRuleIn,
    CommissionRuleOut,
    CommissionRulePatch,
    CommissionStatementDetailOut,
    CommissionStatementOut,
    CommissionStatementQuery,
)

router = Router(tags=["commissions"])


def _ref(obj: Any, name: str = "name") -> dict[str, Any] | None:
    return {"id": obj.pk, "name": str(getattr(obj, name, obj) or obj)} if obj else None


def rule_out(r: CommissionRule) -> dict[str, Any]:
    return {
        "id": r.pk,
        "name": r.name,
        "role": _ref(r.role),
        "series": _ref(r.series),
        "rating": _ref(r.rating, "label"),
        "business_unit": _ref(r.business_unit),
        "kind": r.kind,
        "rate": r.rate,
        "tiers": [{"lower": t.lower, "rate": t.rate} for t in r.tiers.all()],
        "valid_from": r.valid_from,
        "valid_to": r.valid_to,
        "active": r.active,
        "version": r.version,
    }


def line_out(line: CommissionLine) -> dict[str, Any]:
    st = line.statement
    return {
        "id": line.pk,
        "period": st.period.period,
        "statement_id": st.pk,
        "rep": _ref(st.rep),
        "rule": _ref(line.rule),
        "series": _ref(line.series),
        "rating": _ref(line.rating, "label"),
        "unit": _ref(line.org_unit),
        "basis": line.basis,
        "rate": line.rate,
        "tier_detail": line.tier_detail,
        "commission": line.commission,
    }


def statement_out(s: CommissionStatement) -> dict[str, Any]:
    return {
        "id": s.pk,
        "period": s.period.period,
        "rep": _ref(s.rep),
        "unit": _ref(s.org_unit),
        "basis": s.basis,
        "commission": s.commission,
    }


def period_out(p: CommissionPeriod, **extra: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "period": p.period,
        "computed_at": p.computed_at,
        "closed_at": p.closed_at,
        "closed": p.is_closed,
        **extra,
    }


_CRITERIA = {
    "role_id": ("role", "crm.org.models.Role"),
    "series_id": ("series", "crm.products.models.Series"),
    "rating_id": ("rating", "crm.customers.models.Choice"),
    "business_unit_id": ("business_unit", "crm.org.models.OrgUnit"),
}


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    """Ids of the criteria → rows; an unknown id is a field error (422)."""
    from django.utils.module_loading import import_string

    out = {}
    for key, value in data.items():
        if key not in _CRITERIA:
            out[key] = value
            continue
        name, path = _CRITERIA[key]
        if value is None:
            out[name] = None
            continue
        model = import_string(path)
        obj = model.objects.filter(pk=value).first()
        if obj is None:
            raise ValidationFailed(fields={key: [_("Unknown or not allowed choice.")]})
        out[name] = obj
    return out


def _tiers(items: list[Any] | None) -> list[tuple[Any, Any]] | None:
    return None if items is None else [(t.lower, t.rate) for t in items]


@router.get("/commission-rules", response={200: list[CommissionRuleOut], **ERRORS})
def rule_list(request: HttpRequest) -> Any:
    return [rule_out(r) for r in selectors.rules(request.user)]


@router.post("/commission-rules", response={201: CommissionRuleOut, **WRITE_ERRORS})
def rule_create(request: HttpRequest, payload: CommissionRuleIn) -> Any:
    selectors.require_rule_admin(request.user)
    data = payload.dict()
    tiers = _tiers(payload.tiers) or []
    data.pop("tiers")
    rule = services.rule_create(actor=request.user, tiers=tiers, **_resolve(data))
    return Status(201, rule_out(selectors.rule_get(user=request.user, pk=rule.pk)))


@router.get("/commission-rules/{rule_id}", response={200: CommissionRuleOut, **ERRORS})
def rule_detail(request: HttpRequest, rule_id: int) -> Any:
    return rule_out(selectors.rule_get(user=request.user, pk=rule_id))


@router.patch("/commission-rules/{rule_id}", response={200: CommissionRuleOut, **WRITE_ERRORS})
def rule_patch(request: HttpRequest, rule_id: int, payload: CommissionRulePatch) -> Any:
    rule = selectors.rule_get(user=request.user, pk=rule_id)
    changes = payload.dict(exclude_unset=True)
    changes.pop("version", None)
    tiers = _tiers(payload.tiers) if "tiers" in changes else None
    changes.pop("tiers", None)
    for key in ("name", "kind", "rate", "valid_from", "active"):
        if key in changes and changes[key] is None:
            changes.pop(key)
    rule = services.rule_update(
        rule=rule, version=payload.version, actor=request.user, tiers=tiers, **_resolve(changes)
    )
    return rule_out(selectors.rule_get(user=request.user, pk=rule.pk))


@router.delete("/commission-rules/{rule_id}", response={204: None, **WRITE_ERRORS})
def rule_delete(request: HttpRequest, rule_id: int) -> Any:
    rule = selectors.rule_get(user=request.user, pk=rule_id)
    services.rule_delete(rule=rule, actor=request.user)
    return Status(204, None)


@router.get("/commissions", response={200: PageOut[CommissionLineOut], **ERRORS})
def line_list(
    request: HttpRequest,
    query: Query[CommissionLineQuery],
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> Any:
    """Statement lines of a month (YYYY-MM), optionally of one rep, over the reps you see."""
    require(request.user, Module.SALES, Action.VIEW)
    qs = selectors.line_list(request.user, period=query.period, rep=query.rep)
    return page_out(qs, page, page_size, line_out)


@router.get("/commissions/statements", response={200: PageOut[CommissionStatementOut], **ERRORS})
def statement_list(
    request: HttpRequest,
    query: Query[CommissionStatementQuery],
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> Any:
    """One statement per rep of a month: basis and commission, over the reps you see."""
    require(request.user, Module.SALES, Action.VIEW)
    qs = selectors.statement_list(request.user, query.period)
    return page_out(qs, page, page_size, statement_out)


@router.get(
    "/commissions/statements/{statement_id}",
    response={200: CommissionStatementDetailOut, **ERRORS},
)
def statement_detail(request: HttpRequest, statement_id: int) -> Any:
    st = selectors.statement_get(user=request.user, pk=statement_id)
    lines = list(selectors.lines_of(st))
    for line in lines:
        line.statement = st
    return {**statement_out(st), "lines": [line_out(line) for line in lines]}


@router.post("/commissions/recompute", response={200: CommissionPeriodOut, **WRITE_ERRORS})
def recompute(request: HttpRequest, payload: CommissionRecomputeIn) -> Any:
    """Compute the month again from the payments received in it (finance, admins). The same
    data gives the same statements; a closed month is refused (409 period_closed)."""
    selectors.require_compute(request.user)
    row = services_compute.period_recompute(period=payload.period, actor=request.user)
    return _with_totals(row)


def _with_totals(row: CommissionPeriod) -> dict[str, Any]:
    sums = row.statements.aggregate(n=Count("pk"), c=Sum("commission"))
    return period_out(row, statements=sums["n"], commission=sums["c"] or 0)


@router.get("/commission-periods", response={200: list[CommissionPeriodOut], **ERRORS})
def period_list(request: HttpRequest) -> Any:
    """The months computed so far, newest first, and whether finance closed them."""
    return [period_out(p) for p in selectors.periods(request.user)[:120]]


@router.post(
    "/commission-periods/{period_id}/close", response={200: CommissionPeriodOut, **WRITE_ERRORS}
)
def period_close(request: HttpRequest, period_id: int) -> Any:
    """Close a month (finance, admins): its statements are final. A second close is a 409."""
    selectors.require_compute(request.user)
    row = selectors.period_get(user=request.user, pk=period_id)
    return _with_totals(services_compute.period_close(period=row, actor=request.user))
