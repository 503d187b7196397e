"""API of leads (SAL-1): list, create, read, change, move, delete, convert. Thin."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
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
from crm.core.access import require
from crm.core.errors import ValidationFailed
from crm.core.modules import Action, Module
from crm.customers import selectors as customer_selectors
from crm.customers.models import ChoiceKind
from crm.org.selectors import employee_get_for_user

from . import selectors, services_leads
from .models import Lead, LeadStatus
from .schemas import ConvertIn, ConvertOut, LeadDetailOut, LeadIn, LeadOut, LeadPatch

router = Router(tags=["leads"])


def _ref(obj: Any) -> dict[str, Any] | None:
    return {"id": obj.pk, "name": str(obj)} if obj is not None else None


def lead_out(lead: Lead) -> dict[str, Any]:
    return {
        "id": lead.pk,
        "company": lead.company,
        "contact_name": lead.contact_name,
        "title": lead.title,
        "mobile": lead.mobile,
        "phone": lead.phone,
        "email": lead.email,
        "uscc": lead.uscc,
        "address": lead.address,
        "source": {"id": lead.source.pk, "name": lead.source.label} if lead.source else None,
        "status": lead.status,
        "disqualify_reason": lead.disqualify_reason,
        "notes": lead.notes,
        "owner": _ref(lead.owner),
        "org_unit": _ref(lead.org_unit),
        "customer_id": lead.customer_id,
        "contact_id": lead.contact_id,
        "converted_at": lead.converted_at,
        "created_at": lead.created_at,
        "updated_at": lead.updated_at,
        "version": lead.version,
    }


def _detail_out(user: Any, lead: Lead) -> dict[str, Any]:
    matches = (
        services_leads.lead_duplicates(lead=lead, user=user)
        if lead.status != LeadStatus.CONVERTED
        else []
    )
    return {
        **lead_out(lead),
        "possible_duplicates": [
            {
                "id": m.pk if m.visible else None,
                "code": m.code,
                "name": m.name if m.visible else None,
                "owner": m.owner,
                "score": m.score,
                "reasons": m.reasons,
            }
            for m in matches
        ],
        "opportunity_ids": list(
            selectors.opportunities_for_user(user)
            .filter(source_lead=lead)
            .values_list("pk", flat=True)[:50]
        ),
    }


def _resolve(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if "source_id" in data:
        value = data.pop("source_id")
        choice = customer_selectors.choice_get(ChoiceKind.SOURCE, value) if value else None
        if value is not None and (choice is None or not choice.active):
            errors["source_id"] = [_("Unknown entry of the list.")]
        data["source"] = choice
    if "owner_id" in data:
        owner_id = data.pop("owner_id")
        if owner_id is not None:
            data["owner"] = employee_get_for_user(user=user, pk=owner_id)
    if errors:
        raise ValidationFailed(fields=errors)
    return data


class LeadQuery(Schema):
    search: Text = ""
    status: LeadStatus | None = None
    owner_id: Id | None = None
    unit_id: Id | None = None
    source_id: Id | None = None
    ordering: str = selectors.DEFAULT_LEAD_ORDERING


@router.get("/leads", response={200: PageOut[LeadOut], **ERRORS})
def lead_list(
    request: HttpRequest, query: Query[LeadQuery], page: PageNumber = 1, page_size: PageSize = 20
) -> Any:
    require(request.user, Module.SALES, Action.VIEW)
    filters = selectors.LeadFilters(
        search=query.search[:100],
        status=query.status or "",
        owner=query.owner_id,
        unit=query.unit_id,
        source=query.source_id,
        ordering=query.ordering,
    )
    return page_out(selectors.leads_for_user(request.user, filters), page, page_size, lead_out)


@router.post("/leads", response={201: LeadDetailOut, **WRITE_ERRORS})
def lead_create(request: HttpRequest, payload: LeadIn) -> Any:
    require(request.user, Module.SALES, Action.CREATE)
    data = _resolve(request.user, payload.dict())
    company = data.pop("company")
    lead = services_leads.lead_create(actor=request.user, company=company, **data)
    lead = selectors.lead_get_for_user(user=request.user, pk=lead.pk)
    return Status(201, _detail_out(request.user, lead))


@router.get("/leads/{lead_id}", response={200: LeadDetailOut, **ERRORS})
def lead_detail(request: HttpRequest, lead_id: int) -> Any:
    lead = selectors.lead_get_for_user(user=request.user, pk=lead_id)
    return _detail_out(request.user, lead)


@router.patch("/leads/{lead_id}", response={200: LeadDetailOut, **WRITE_ERRORS})
def lead_patch(request: HttpRequest, lead_id: int, payload: LeadPatch) -> Any:
    lead = selectors.lead_get_for_user(user=request.user, pk=lead_id)
    require(request.user, Module.SALES, Action.EDIT)
    sent = payload.dict(exclude_unset=True, exclude={"version", "status", "reason"})
    if "company" in sent and sent["company"] is None:
        del sent["company"]
    data = _resolve(request.user, sent)
    version = payload.version
    with transaction.atomic():
        if data:
            lead = services_leads.lead_update(
                lead=lead, version=version, actor=request.user, **data
            )
            version = lead.version
        if payload.status is not None and payload.status != lead.status:
            services_leads.lead_set_status(
                lead=lead,
                status=payload.status,
                version=version,
                actor=request.user,
                reason=payload.reason,
            )
    lead = selectors.lead_get_for_user(user=request.user, pk=lead.pk)
    return _detail_out(request.user, lead)


@router.delete("/leads/{lead_id}", response={204: None, **WRITE_ERRORS})
def lead_delete(request: HttpRequest, lead_id: int) -> Any:
    lead = selectors.lead_get_for_user(user=request.user, pk=lead_id)
    require(request.user, Module.SALES, Action.DELETE)
    services_leads.lead_delete(lead=lead, actor=request.user)
    return Status(204, None)


def require_convert(user: Any, *, new_customer: bool) -> None:
    """Converting edits the lead and creates an opportunity (and maybe a customer)."""
    require(user, Module.SALES, Action.EDIT)
    require(user, Module.SALES, Action.CREATE)
    if new_customer:
        require(user, Module.CUSTOMERS, Action.CREATE)


@router.post("/leads/{lead_id}/convert", response={201: ConvertOut, **WRITE_ERRORS})
def lead_convert(request: HttpRequest, lead_id: int, payload: ConvertIn) -> Any:
    """Convert the lead to a customer (new, or `customer_id`), a contact (new from the lead's
    person, or `contact_id`) and a new opportunity, in one step. A new customer that looks
    like an existing one is refused with 409 `possible_duplicate` unless `force`."""
    user = request.user
    lead = selectors.lead_get_for_user(user=user, pk=lead_id)
    require_convert(user, new_customer=payload.customer_id is None)
    customer = contact = None
    if payload.customer_id is not None:
        customer = customer_selectors.customer_get_for_user(user=user, pk=payload.customer_id)
        if payload.contact_id is not None:
            contact = customer_selectors.contacts_of(customer).filter(pk=payload.contact_id).first()
            if contact is None:
                raise ValidationFailed(
                    fields={"contact_id": [_("This contact belongs to another customer.")]}
                )
    elif payload.contact_id is not None:
        raise ValidationFailed(fields={"contact_id": [_("Choose the customer of the contact.")]})
    result = services_leads.lead_convert(
        lead=lead,
        version=payload.version,
        actor=user,
        customer=customer,
        contact=contact,
        opportunity_name=payload.opportunity_name,
        amount=payload.amount,
        expected_close=payload.expected_close,
        allow_duplicates=payload.force,
    )
    return Status(
        201,
        {
            "lead_id": lead.pk,
            "customer_id": result["customer"].pk,
            "contact_id": result["contact"].pk if result["contact"] else None,
            "opportunity_id": result["opportunity"].pk,
        },
    )
