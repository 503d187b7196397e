"""API of complaint revisits (SVC-5): the list (due / pending / done), recording a revisit with
its version, and the report of complaint causes and satisfaction."""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from crm.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    InputSchema,
    IsoDate,
    PageNumber,
    PageOut,
    PageSize,
    page_out,
)
from crm.core.access import require
from crm.core.errors import Forbidden
from crm.core.modules import Action, Module
from crm.customers.schemas import Ref
from crm.sales.schemas import Version

from . import selectors, selectors_revisit, services_revisit
from .models import Revisit, RevisitStatus

router = Router(tags=["revisits"])


class RevisitOut(Schema):
    id: int
    ticket: Ref
    customer: Ref
    owner: Ref | None
    due_date: date
    status: RevisitStatus
    satisfaction: int | None
    comments: str
    done_at: datetime | None
    version: int


class RevisitQuery(Schema):
    state: Literal["due", "pending", "done"] = "due"


class RevisitRecordIn(InputSchema):
    version: Version
    satisfaction: int = Field(ge=1, le=5)
    comments: str = Field(default="", max_length=2000)


class ComplaintReportQuery(Schema):
    group: Literal["cause", "product", "month"] = "cause"
    since: IsoDate | None = None
    until: IsoDate | None = None


class ComplaintReportRowOut(Schema):
    key: str
    label: str
    complaints: int
    revisited: int
    satisfaction: float | None


def revisit_out(r: Revisit) -> dict[str, Any]:
    return {
        "id": r.pk,
        "ticket": {"id": r.ticket_id, "name": r.ticket.number or ""},
        "customer": {"id": r.customer_id, "name": r.customer.name},
        "owner": {"id": r.owner.pk, "name": str(r.owner)} if r.owner else None,
        "due_date": r.due_date,
        "status": r.status,
        "satisfaction": r.satisfaction,
        "comments": r.comments,
        "done_at": r.done_at,
        "version": r.version,
    }


@router.get("/revisits", response={200: PageOut[RevisitOut], **ERRORS})
def revisit_list(
    request: HttpRequest,
    query: Query[RevisitQuery],
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    """due: scheduled up to today; pending: every scheduled; done: recorded (newest first)."""
    require(request.user, Module.SERVICE, Action.VIEW)
    qs = selectors_revisit.revisit_list(request.user, state=query.state, today=timezone.localdate())
    return page_out(qs, page, page_size, revisit_out)


@router.post("/revisits/{revisit_id}/record", response={200: RevisitOut, **WRITE_ERRORS})
def revisit_record(request: HttpRequest, revisit_id: int, payload: RevisitRecordIn) -> Any:
    """Record the revisit call (409 `revisit_done` when already recorded or cancelled)."""
    user = request.user
    r = selectors_revisit.revisit_get_for_user(user=user, pk=revisit_id)
    require(user, Module.SERVICE, Action.EDIT)
    if not selectors.can_edit(user, r.ticket):
        raise Forbidden()
    r = services_revisit.revisit_record(
        revisit=r,
        version=payload.version,
        satisfaction=payload.satisfaction,
        comments=payload.comments,
        actor=user,
    )
    return revisit_out(selectors_revisit.revisit_get_for_user(user=user, pk=r.pk))


@router.get("/revisits/report", response={200: list[ComplaintReportRowOut], **ERRORS})
def complaint_report(request: HttpRequest, query: Query[ComplaintReportQuery]) -> Any:
    """Complaints per cause (category), product or month of creation, how many were
    revisited and the mean satisfaction, over the tickets you see."""
    require(request.user, Module.SERVICE, Action.VIEW)
    rows = selectors_revisit.complaint_report(
        request.user, group=query.group, since=query.since, until=query.until
    )
    return [
        {
            "key": str(r.key),
            "label": r.label,
            "complaints": r.complaints,
            "revisited": r.revisited,
            "satisfaction": r.satisfaction,
        }
        for r in rows
    ]
