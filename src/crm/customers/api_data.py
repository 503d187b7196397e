"""API of the customer data tools that have no record of their own: the data-quality report
(CUS-9) and the caller's saved list views ("my views")."""

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest, QueryDict
from ninja import Router, Schema, Status
from pydantic import Field, StringConstraints

from crm.api.schemas import ERRORS, WRITE_ERRORS, InputSchema, PageNumber, PageSize, page_out
from crm.core.access import require
from crm.core.modules import Action, Module

from . import quality, selectors, services
from .forms import filter_query

router = Router(tags=["customers"])


class QualitySummaryOut(Schema):
    count: int
    average: float
    stale: int
    below_60: int
    stale_months: int
    stale_before: datetime


class QualityRowOut(Schema):
    id: int
    code: str
    name: str
    owner: str
    score: int
    stale: bool
    updated_at: datetime
    missing: list[str]


class QualityOut(Schema):
    summary: QualitySummaryOut
    items: list[QualityRowOut]
    count: int
    page: int
    page_size: int


@router.get("/customers/quality", response={200: QualityOut, **ERRORS})
def customer_quality(
    request: HttpRequest,
    page: PageNumber = 1,
    page_size: PageSize = 20,
    stale: bool = False,
    below: Annotated[int | None, Field(ge=1, le=101)] = None,
) -> Any:
    """Completeness score and staleness of the customers the caller may see, worst first;
    `missing` names what to fix. `below` keeps scores under it, `stale` only stale records."""
    require(request.user, Module.CUSTOMERS, Action.VIEW)
    base = selectors.customers_for_user(request.user)
    rows = quality.quality_rows(base, stale_only=stale, below=below).select_related("owner")

    def out(c: Any) -> dict[str, Any]:
        return {
            "id": c.pk,
            "code": c.code,
            "name": c.name,
            "owner": c.owner.name if c.owner else "",
            "score": c.q_score,
            "stale": c.q_stale,
            "updated_at": c.updated_at,
            "missing": [str(label) for label in quality.missing(c)],
        }

    body = page_out(rows, page, page_size, out)
    summary = quality.quality_summary(base)
    body["summary"] = {
        **summary.__dict__,
        "stale_months": quality.stale_months(),
        "stale_before": quality.stale_cutoff(),
    }
    return body


class SavedViewIn(InputSchema):
    name: Annotated[str, StringConstraints(max_length=60)]
    # The customer list's query string, e.g. "q=化工&status=active"; unknown keys are dropped.
    query: Annotated[str, StringConstraints(max_length=1000)] = ""


class SavedViewOut(Schema):
    id: int
    name: str
    query: str
    created_at: datetime


def _view_out(v: Any) -> dict[str, Any]:
    return {"id": v.pk, "name": v.name, "query": v.query, "created_at": v.created_at}


@router.get("/customers/views", response={200: list[SavedViewOut], **ERRORS})
def saved_view_list(request: HttpRequest) -> Any:
    """The caller's own saved customer-list views."""
    require(request.user, Module.CUSTOMERS, Action.VIEW)
    return [_view_out(v) for v in selectors.saved_filters_for_user(request.user)]


@router.post("/customers/views", response={201: SavedViewOut, **WRITE_ERRORS})
def saved_view_save(request: HttpRequest, payload: SavedViewIn) -> Any:
    """Save a view; a view of the same name is replaced."""
    require(request.user, Module.CUSTOMERS, Action.VIEW)
    saved = services.saved_filter_save(
        user=request.user, name=payload.name, query=filter_query(QueryDict(payload.query))
    )
    return Status(201, _view_out(saved))


@router.delete("/customers/views/{view_id}", response={204: None, **WRITE_ERRORS})
def saved_view_delete(request: HttpRequest, view_id: Annotated[int, Field(ge=1)]) -> Any:
    require(request.user, Module.CUSTOMERS, Action.VIEW)
    saved = selectors.saved_filter_get_for_user(user=request.user, pk=view_id)
    services.saved_filter_delete(saved_filter=saved)
    return Status(204, None)
