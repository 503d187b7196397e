"""API of approvals (SYS-5): the inbox and decisions of any signed-in approver, and the rules
administrators edit. Thin: parse → engine/service → schema."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from crm.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    PageNumber,
    PageOut,
    PageSize,
    page_out,
    ref,
)
from crm.core.access import get_in_scope, require_special
from crm.core.errors import ValidationFailed
from crm.core.modules import Special
from crm.customers.schemas import Ref
from crm.org.models import OrgUnit, Role

from . import approvals, services_approvals
from .models_approvals import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalRule,
    ApprovalStatus,
    ApproverKind,
    Condition,
)
from .schemas import Version

router = Router(tags=["approvals"])

Threshold = Annotated[Decimal, Field(ge=0, lt=Decimal(10) ** 14, decimal_places=4)]


class ApprovalReasonOut(Schema):
    id: int | None = None
    name: str
    text: str


class ApprovalOut(Schema):
    id: int
    kind: ApprovalKind
    document_id: int
    document: str
    document_url: str
    status: ApprovalStatus
    facts: dict[str, Any]
    reasons: list[ApprovalReasonOut]
    owner: Ref | None
    approver: Ref | None
    approver_role: Ref | None
    requested_by: Ref
    requested_at: datetime
    decided_by: Ref | None
    decided_at: datetime | None
    comment: str
    can_decide: bool


class ApprovalDecideIn(InputSchema):
    approve: bool
    comment: str = Field(default="", max_length=500)


class ApprovalQuery(Schema):
    box: Literal["pending", "decided", "requested"] = "pending"


class ApprovalRuleOut(Schema):
    id: int
    name: str
    kind: ApprovalKind
    condition: Condition
    threshold: Decimal
    business_unit: Ref | None
    approver_kind: ApproverKind
    approver_role: Ref
    active: bool
    sort_order: int
    version: int


class ApprovalRuleIn(InputSchema):
    name: str = Field(max_length=100)
    kind: ApprovalKind
    condition: Condition
    threshold: Threshold = Decimal("0")
    business_unit_id: Id | None = None
    approver_kind: ApproverKind = ApproverKind.MANAGER
    approver_role_id: Id
    active: bool = True
    sort_order: int = Field(default=0, ge=0, le=2**31 - 1)


class ApprovalRulePatch(InputSchema):
    version: Version
    name: str | None = Field(default=None, max_length=100)
    condition: Condition | None = None
    threshold: Threshold | None = None
    business_unit_id: Id | None = None
    approver_kind: ApproverKind | None = None
    approver_role_id: Id | None = None
    active: bool | None = None
    sort_order: int | None = Field(default=None, ge=0, le=2**31 - 1)


def approval_out(r: ApprovalRequest, user: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "kind": r.kind,
        "document_id": r.object_id,
        "document": r.document_repr,
        "document_url": approvals.document_url(r),
        "status": r.status,
        "facts": r.facts,
        "reasons": r.reasons,
        "owner": ref(r.owner),
        "approver": ref(r.approver),
        "approver_role": ref(r.approver_role),
        "requested_by": ref(r.requested_by),
        "requested_at": r.requested_at,
        "decided_by": ref(r.decided_by),
        "decided_at": r.decided_at,
        "comment": r.comment,
        "can_decide": approvals.can_decide(user, r),
    }


@router.get("/approvals", response={200: PageOut[ApprovalOut], **ERRORS})
def approval_list(
    request: HttpRequest,
    query: Query[ApprovalQuery],
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    """`box`: pending (waiting for my decision), decided (by me), requested (by me)."""
    user = request.user
    # The documents (for their URLs) in one query per kind, not one per row.
    qs = approvals.approvals_for_user(user, query.box).prefetch_related("document")
    return page_out(qs, page, page_size, lambda r: approval_out(r, user))


@router.get("/approvals/{approval_id}", response={200: ApprovalOut, **ERRORS})
def approval_detail(request: HttpRequest, approval_id: int) -> Any:
    r = approvals.approval_get_for_user(user=request.user, pk=approval_id)
    return approval_out(r, request.user)


@router.post("/approvals/{approval_id}/decide", response={200: ApprovalOut, **WRITE_ERRORS})
def approval_decide(request: HttpRequest, approval_id: int, payload: ApprovalDecideIn) -> Any:
    """Approve or reject (a comment is required to reject). 403 for someone who may see the
    request but is not its approver; 409 `decided` when it was decided already."""
    r = approvals.approval_get_for_user(user=request.user, pk=approval_id)
    r = approvals.approval_decide(
        r, user=request.user, approve=payload.approve, comment=payload.comment
    )
    return approval_out(r, request.user)


# ---- rules (administrators) ------------------------------------------------------------


def rule_out(r: ApprovalRule) -> dict[str, Any]:
    return {
        "id": r.pk,
        "name": r.name,
        "kind": r.kind,
        "condition": r.condition,
        "threshold": r.threshold,
        "business_unit": ref(r.business_unit),
        "approver_kind": r.approver_kind,
        "approver_role": ref(r.approver_role),
        "active": r.active,
        "sort_order": r.sort_order,
        "version": r.version,
    }


def _rules() -> Any:
    return ApprovalRule.objects.select_related("business_unit", "approver_role")


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if "business_unit_id" in out:
        pk = out.pop("business_unit_id")
        out["business_unit"] = None
        if pk is not None:
            out["business_unit"] = OrgUnit.objects.filter(pk=pk).first()
            if out["business_unit"] is None:
                raise ValidationFailed(fields={"business_unit_id": [_("Unknown unit.")]})
    if "approver_role_id" in out:
        role = Role.objects.filter(pk=out.pop("approver_role_id")).first()
        if role is None:
            raise ValidationFailed(fields={"approver_role_id": [_("Unknown role.")]})
        out["approver_role"] = role
    return out


@router.get("/approval-rules", response={200: list[ApprovalRuleOut], **ERRORS})
def rule_list(request: HttpRequest) -> Any:
    require_special(request.user, Special.MANAGE_SYSTEM)
    return [rule_out(r) for r in _rules()[:500]]


@router.post("/approval-rules", response={201: ApprovalRuleOut, **WRITE_ERRORS})
def rule_create(request: HttpRequest, payload: ApprovalRuleIn) -> Any:
    require_special(request.user, Special.MANAGE_SYSTEM)
    rule = services_approvals.rule_create(actor=request.user, **_resolve(payload.dict()))
    return Status(201, rule_out(rule))


@router.patch("/approval-rules/{rule_id}", response={200: ApprovalRuleOut, **WRITE_ERRORS})
def rule_patch(request: HttpRequest, rule_id: int, payload: ApprovalRulePatch) -> Any:
    require_special(request.user, Special.MANAGE_SYSTEM)
    rule = get_in_scope(_rules(), rule_id)
    sent = payload.dict(exclude_unset=True, exclude={"version"})
    for key in ("name", "condition", "threshold", "approver_kind", "approver_role_id", "active"):
        if key in sent and sent[key] is None:
            del sent[key]
    if "sort_order" in sent and sent["sort_order"] is None:
        del sent["sort_order"]
    rule = services_approvals.rule_update(
        rule=rule, version=payload.version, actor=request.user, **_resolve(sent)
    )
    return rule_out(rule)


@router.delete("/approval-rules/{rule_id}", response={204: None, **WRITE_ERRORS})
def rule_delete(request: HttpRequest, rule_id: int) -> Any:
    require_special(request.user, Special.MANAGE_SYSTEM)
    rule = get_in_scope(_rules(), rule_id)
    services_approvals.rule_delete(rule=rule, actor=request.user)
    return Status(204, None)
