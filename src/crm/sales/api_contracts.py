"""API of contracts (SAL-5): list, create (from an accepted quote or directly), detail, patch a
draft with its version, status moves, renewal, attachments. Thin: parse → selector/service →
schema. Scope: the sales module's, by the contract's owner and unit."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

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
from crm.core.files import download
from crm.core.modules import Action, Module
from crm.customers import selectors as customer_selectors
from crm.customers.schemas import Ref

from . import approvals, selectors_contracts, selectors_quotes, services_contracts
from .amount_words import rmb_upper
from .api_quotes import line_out, resolve_quote_lines
from .models_contracts import Contract, ContractStatus
from .schemas import Version
from .schemas_quotes import QuoteApprovalOut, QuoteLineIn, QuoteLineOut

router = Router(tags=["contracts"])

Money = Annotated[Decimal, Field(ge=0, lt=Decimal(10) ** 14, decimal_places=4)]
Days = Annotated[int, Field(ge=0, le=3650)]


class ContractOut(Schema):
    id: int
    number: str
    title: str
    status: ContractStatus
    customer: Ref
    contact: Ref | None
    quote: Ref | None
    opportunity: Ref | None
    renewal_of: Ref | None
    owner: Ref
    org_unit: Ref
    our_party: str
    customer_party: str
    is_framework: bool
    framework_amount: Decimal
    start_date: date
    end_date: date
    signed_on: date | None
    payment_terms_days: int
    net_amount: Decimal
    tax_amount: Decimal
    gross_amount: Decimal
    terminated_on: date | None
    status_comment: str
    created_at: datetime
    updated_at: datetime
    version: int


class ContractAttachmentOut(Schema):
    id: int
    name: str
    size: int
    uploaded_at: datetime
    uploaded_by: Ref | None
    url: str


class ContractDetailOut(ContractOut):
    notes: str
    amount_in_words: str
    lines: list[QuoteLineOut]
    attachments: list[ContractAttachmentOut]
    allowed_transitions: list[ContractStatus]
    renewed_by: Ref | None
    approvals: list[QuoteApprovalOut]


class ContractIn(InputSchema):
    quote_id: Id | None = None  # an accepted quote: customer, contact, lines copied
    customer_id: Id | None = None  # required without a quote
    title: str = Field(default="", max_length=200)
    contact_id: Id | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    signed_on: IsoDate | None = None
    payment_terms_days: Days = 30
    is_framework: bool = False
    framework_amount: Money = Decimal("0")
    our_party: str | None = Field(default=None, max_length=200)
    customer_party: str | None = Field(default=None, max_length=200)
    notes: str = Field(default="", max_length=5000)
    lines: list[QuoteLineIn] | None = Field(default=None, max_length=200)


class ContractPatch(InputSchema):
    version: Version
    title: str | None = Field(default=None, max_length=200)
    contact_id: Id | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    signed_on: IsoDate | None = None
    payment_terms_days: Days | None = None
    is_framework: bool | None = None
    framework_amount: Money | None = None
    our_party: str | None = Field(default=None, max_length=200)
    customer_party: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, max_length=5000)
    lines: list[QuoteLineIn] | None = Field(default=None, max_length=200)


class ContractTransitionIn(InputSchema):
    to: ContractStatus
    version: Version
    comment: str = Field(default="", max_length=500)


class ContractRenewIn(InputSchema):
    version: Version
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None


class ContractQuery(Schema):
    search: Text = ""
    status: ContractStatus | None = None
    customer_id: Id | None = None
    owner_id: Id | None = None
    ordering: Literal["updated", "created", "end_date", "amount"] = "updated"


def contract_out(c: Contract) -> dict[str, Any]:
    return {
        "id": c.pk,
        "number": c.number,
        "title": c.title,
        "status": c.status,
        "customer": ref(c.customer),
        "contact": ref(c.contact),
        "quote": ref(c.quote) if c.quote_id else None,
        "opportunity": ref(c.opportunity) if c.opportunity_id else None,
        "renewal_of": ref(c.renewal_of) if c.renewal_of_id else None,
        "owner": ref(c.owner),
        "org_unit": ref(c.org_unit),
        "our_party": c.our_party,
        "customer_party": c.customer_party,
        "is_framework": c.is_framework,
        "framework_amount": c.framework_amount,
        "start_date": c.start_date,
        "end_date": c.end_date,
        "signed_on": c.signed_on,
        "payment_terms_days": c.payment_terms_days,
        "net_amount": c.net_amount,
        "tax_amount": c.tax_amount,
        "gross_amount": c.gross_amount,
        "terminated_on": c.terminated_on,
        "status_comment": c.status_comment,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "version": c.version,
    }


def _detail(user: Any, pk: int) -> dict[str, Any]:
    c = selectors_contracts.contract_get_for_user(user=user, pk=pk)
    return {
        **contract_out(c),
        "notes": c.notes,
        "amount_in_words": rmb_upper(c.amount),
        "lines": [line_out(line) for line in selectors_contracts.lines_of(c)],
        "attachments": [
            {
                "id": a.pk,
                "name": a.name,
                "size": a.size,
                "uploaded_at": a.uploaded_at,
                "uploaded_by": ref(a.uploaded_by),
                "url": f"/api/v1/contracts/attachments/{a.pk}",
            }
            for a in selectors_contracts.attachments_of(c)[:100]
        ],
        "allowed_transitions": services_contracts.allowed_targets(c.status),
        "renewed_by": ref(selectors_contracts.renewal_of(c)),
        "approvals": [
            {
                "id": a.pk,
                "status": a.status,
                "approver": ref(a.approver),
                "requested_at": a.requested_at,
                "decided_by": ref(a.decided_by),
                "decided_at": a.decided_at,
                "comment": a.comment,
                "reasons": [r.get("text", "") for r in a.reasons],
            }
            for a in approvals.approvals_of(c)[:50]
        ],
    }


def _contact(customer: Any, pk: int | None) -> Any:
    if pk is None:
        return None
    contact = customer_selectors.contacts_of(customer).filter(pk=pk).first()
    if contact is None:
        raise ValidationFailed(
            fields={"contact_id": [_("This contact belongs to another customer.")]}
        )
    return contact


def _editable(user: Any, pk: int) -> Contract:
    c = selectors_contracts.contract_get_for_user(user=user, pk=pk)
    require(user, Module.SALES, Action.EDIT)
    return c


@router.get("/contracts", response={200: PageOut[ContractOut], **ERRORS})
def contract_list(
    request: HttpRequest,
    query: Query[ContractQuery],
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    """`ordering`: updated, created, end_date, amount."""
    require(request.user, Module.SALES, Action.VIEW)
    filters = selectors_contracts.ContractFilters(
        search=query.search[:100],
        status=query.status or "",
        customer=query.customer_id,
        owner=query.owner_id,
        ordering=query.ordering,
    )
    qs = selectors_contracts.contract_list(request.user, filters)
    return page_out(qs, page, page_size, contract_out)


@router.post("/contracts", response={201: ContractDetailOut, **WRITE_ERRORS})
def contract_create(request: HttpRequest, payload: ContractIn) -> Any:
    """From an accepted quote (`quote_id`; 409 `quote_not_accepted` otherwise) or directly
    for a customer (`customer_id`, `start_date`, `end_date`; lines or a framework amount)."""
    user = request.user
    require(user, Module.SALES, Action.CREATE)
    data = payload.dict(exclude={"quote_id", "customer_id", "contact_id", "lines"})
    fields = {k: v for k, v in data.items() if v is not None and v != ""}
    lines = resolve_quote_lines(user, payload.dict()["lines"])
    if payload.quote_id is not None:
        quote = selectors_quotes.quote_get_for_user(user=user, pk=payload.quote_id)
        if payload.contact_id is not None:
            fields["contact"] = _contact(quote.customer, payload.contact_id)
        c = services_contracts.contract_from_quote(actor=user, quote=quote, **fields)
    else:
        if payload.customer_id is None:
            raise ValidationFailed(fields={"customer_id": [_("Choose a customer or a quote.")]})
        customer = customer_selectors.customer_get_for_user(user=user, pk=payload.customer_id)
        missing = {
            k: [_("This field is required.")]
            for k in ("title", "start_date", "end_date")
            if not fields.get(k)
        }
        if missing:
            raise ValidationFailed(fields=missing)
        fields["contact"] = _contact(customer, payload.contact_id)
        c = services_contracts.contract_create(
            actor=user, customer=customer, lines=lines or [], **fields
        )
    return Status(201, _detail(user, c.pk))


@router.get("/contracts/{contract_id}", response={200: ContractDetailOut, **ERRORS})
def contract_detail(request: HttpRequest, contract_id: int) -> Any:
    return _detail(request.user, contract_id)


@router.patch("/contracts/{contract_id}", response={200: ContractDetailOut, **WRITE_ERRORS})
def contract_patch(request: HttpRequest, contract_id: int, payload: ContractPatch) -> Any:
    """A draft only (409 `not_editable`, 409 `approval_pending`); `lines` replaces all."""
    user = request.user
    c = _editable(user, contract_id)
    sent = payload.dict(exclude_unset=True, exclude={"version"})
    sent = {k: v for k, v in sent.items() if v is not None or k == "contact_id"}
    if "contact_id" in sent:
        sent["contact"] = _contact(c.customer, sent.pop("contact_id"))
    lines = resolve_quote_lines(user, sent.pop("lines", None))
    services_contracts.contract_update(
        contract=c, version=payload.version, actor=user, lines=lines, **sent
    )
    return _detail(user, c.pk)


@router.post(
    "/contracts/{contract_id}/transition", response={200: ContractDetailOut, **WRITE_ERRORS}
)
def contract_transition(
    request: HttpRequest, contract_id: int, payload: ContractTransitionIn
) -> Any:
    """`to`: active (from draft; may end in pending when an approval rule matches), draft
    (withdraw a pending approval), terminated (from active; `comment` required)."""
    c = _editable(request.user, contract_id)
    services_contracts.contract_transition(
        contract=c,
        to=payload.to,
        version=payload.version,
        actor=request.user,
        comment=payload.comment,
    )
    return _detail(request.user, c.pk)


@router.post("/contracts/{contract_id}/renew", response={201: ContractDetailOut, **WRITE_ERRORS})
def contract_renew(request: HttpRequest, contract_id: int, payload: ContractRenewIn) -> Any:
    """A new draft for the next term, linked to this active or expired contract."""
    c = _editable(request.user, contract_id)
    new = services_contracts.contract_renew(
        contract=c,
        version=payload.version,
        actor=request.user,
        start_date=payload.start_date,
        end_date=payload.end_date,
    )
    return Status(201, _detail(request.user, new.pk))


@router.post(
    "/contracts/{contract_id}/attachments",
    response={201: ContractAttachmentOut, **WRITE_ERRORS},
)
def attachment_create(request: HttpRequest, contract_id: int, file: File[UploadedFile]) -> Any:
    """Multipart upload: PDF, JPG, PNG, DOCX, XLSX or TXT; at most 10 MB."""
    c = _editable(request.user, contract_id)
    a = services_contracts.attachment_add(contract=c, file=file, actor=request.user)
    return Status(
        201,
        {
            "id": a.pk,
            "name": a.name,
            "size": a.size,
            "uploaded_at": a.uploaded_at,
            "uploaded_by": ref(a.uploaded_by),
            "url": f"/api/v1/contracts/attachments/{a.pk}",
        },
    )


@router.get("/contracts/attachments/{attachment_id}", response={200: None, **ERRORS})
def attachment_download(request: HttpRequest, attachment_id: int) -> Any:
    a = selectors_contracts.attachment_get_for_user(user=request.user, pk=attachment_id)
    return download(a.file, a.name)
