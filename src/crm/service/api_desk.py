"""The inbound-call API for a telephony system (SVC-2): log the call (idempotent on call_id)
and return who is calling, with a link that opens the desk on them."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from crm.api.schemas import WRITE_ERRORS, InputSchema
from crm.core.access import require
from crm.core.modules import Action, Module
from crm.customers.schemas import Ref

from . import desk, services_desk
from .views_desk import desk_url

router = Router(tags=["calls"])


class CallIn(InputSchema):
    caller: str = Field(min_length=1, max_length=80, description="the caller's number or e-mail")
    called: str = Field(default="", max_length=80, description="the number dialled")
    call_id: str = Field(default="", max_length=64, description="the telephony system's id")


class CallCustomerOut(Schema):
    id: int
    name: str
    code: str
    open_tickets: int
    contacts: list[Ref]


class CallOut(Schema):
    id: int
    call_id: str | None
    caller: str
    caller_key: str = Field(description="national digits or the lower-case e-mail")
    logged: bool = Field(description="the call is on a customer's timeline (one match)")
    customers: list[CallCustomerOut]
    open_tickets: int
    desk_url: str


@router.post("/calls", response={200: CallOut, 201: CallOut, **WRITE_ERRORS})
def call_create(request: HttpRequest, payload: CallIn) -> Any:
    """Log an inbound call and return the match: 201 for a new call, 200 when `call_id` was
    posted before (nothing changes). With exactly one matching customer the call is also
    logged as an inbound phone interaction on its timeline."""
    user = request.user
    require(user, Module.SERVICE, Action.CREATE)
    caller, matches = desk.find(user, payload.caller)
    only = matches[0] if len(matches) == 1 else None
    call, created = services_desk.call_log(
        actor=user,
        caller=payload.caller,
        called=payload.called,
        call_id=payload.call_id,
        customer=only.customer if only else None,
        contact=only.contacts[0] if only and len(only.contacts) == 1 else None,
    )
    body = {
        "id": call.pk,
        "call_id": call.call_id,
        "caller": call.caller,
        "caller_key": caller.key,
        "logged": call.interaction_id is not None,
        "customers": [
            {
                "id": m.customer.pk,
                "name": m.customer.name,
                "code": m.customer.code,
                "open_tickets": m.open_tickets,
                "contacts": [{"id": c.pk, "name": c.name} for c in m.contacts],
            }
            for m in matches
        ],
        "open_tickets": sum(m.open_tickets for m in matches),
        "desk_url": desk_url(call.caller, call=call.pk),
    }
    return Status(201 if created else 200, body)
