"""Writes of the call-centre desk (SVC-2): log a call (idempotent on the telephony call id),
attach it to the customer the agent chose (an inbound phone interaction on the timeline), or
capture an unknown caller as a new contact of a customer or as a lead, in one step each."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.errors import Conflict, ValidationFailed
from crm.customers import services as customer_services
from crm.customers.models import Channel as InteractionChannel
from crm.customers.models import Contact, Customer, Direction

from . import desk
from .models import Call


def _summary(call: Call, note: str) -> str:
    text = _("Inbound call from %(caller)s") % {"caller": call.caller}
    note = str(note or "").strip()
    return f"{text}: {note}" if note else text


def call_log(
    *,
    actor: Any,
    caller: str,
    called: str = "",
    call_id: str = "",
    customer: Customer | None = None,
    contact: Contact | None = None,
    note: str = "",
) -> tuple[Call, bool]:
    """Record a call; with `customer` also its interaction. Returns (call, created): a known
    `call_id` returns the call logged before and changes nothing."""
    caller = str(caller or "").strip()[:80]
    if not caller:
        raise ValidationFailed(fields={"caller": [_("Enter the caller's number or e-mail.")]})
    call_id = str(call_id or "").strip()[:64]
    if call_id:
        existing = Call.objects.filter(call_id=call_id).first()
        if existing is not None:
            return existing, False
    key = desk.normalise(caller)
    try:
        with transaction.atomic():
            call = Call.objects.create(
                call_id=call_id or None,
                caller=caller,
                caller_key=key.key,
                called=str(called or "").strip()[:80],
                received_at=timezone.now(),
                agent=actor if getattr(actor, "pk", None) else None,
            )
            if customer is not None:
                call_attach(call=call, customer=customer, contact=contact, actor=actor, note=note)
    except IntegrityError:  # the same call id posted twice at once
        return Call.objects.get(call_id=call_id), False
    return call, True


@transaction.atomic
def call_attach(
    *,
    call: Call,
    customer: Customer,
    actor: Any,
    contact: Contact | None = None,
    note: str = "",
) -> Call:
    """The caller is this customer (and contact): log the call on its timeline, once."""
    if call.interaction_id is not None:
        if call.customer_id == customer.pk:
            return call
        raise Conflict(_("This call is already logged for another customer."), code="call_logged")
    interaction = customer_services.interaction_create(
        customer=customer,
        actor=actor,
        channel=InteractionChannel.CALL,
        direction=Direction.INBOUND,
        occurred_at=call.received_at,
        summary=_summary(call, note),
        contact=contact,
    )
    call.customer, call.contact, call.interaction = customer, contact, interaction
    if call.agent_id is None and getattr(actor, "pk", None):
        call.agent = actor
    call.save(update_fields=["customer", "contact", "interaction", "agent"])
    return call


def _phone_fields(caller: str) -> dict[str, str]:
    key = desk.normalise(caller)
    if key.kind == "email":
        return {"email": key.key}
    if key.kind == "phone" and key.key.startswith("1") and len(key.key) == 11:
        return {"mobile": key.key}
    if key.kind == "phone" and key.key.startswith("0"):
        return {"landline": key.key}
    return {}


@transaction.atomic
def caller_add_contact(
    *, call: Call, customer: Customer, name: str, actor: Any, note: str = ""
) -> Contact:
    """An unknown caller is a new contact of an existing customer; the call goes on its
    timeline."""
    contact = customer_services.contact_create(
        customer=customer, actor=actor, name=name, **_phone_fields(call.caller)
    )
    call_attach(call=call, customer=customer, contact=contact, actor=actor, note=note)
    return contact


@transaction.atomic
def caller_add_lead(
    *, call: Call, company: str, contact_name: str, actor: Any, note: str = ""
) -> Any:
    """An unknown caller is a new sales lead (owned by the agent, for sales to pick up)."""
    from crm.sales import services_leads

    fields = _phone_fields(call.caller)
    if "landline" in fields:
        fields = {"phone": fields["landline"]}
    lead = services_leads.lead_create(
        actor=actor,
        company=company,
        contact_name=str(contact_name or "").strip()[:60],
        notes=_summary(call, note),
        **fields,
    )
    call.lead = lead
    call.save(update_fields=["lead"])
    return lead
