"""The call-centre desk (SVC-2): type or receive a number/e-mail → the caller's customer with
open tickets, recent orders and interactions; log the call; capture an unknown caller."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.access import require
from crm.core.errors import ValidationFailed
from crm.core.modules import Action, Module
from crm.customers import selectors as customer_selectors
from crm.customers.models import Customer
from crm.web.pages import page_view

from . import desk, selectors, services_desk
from .models import Call
from .views import _int


def require_desk(user: Any) -> None:
    require(user, Module.SERVICE, Action.CREATE)


def desk_url(caller: str, **extra: Any) -> str:
    params = {"caller": caller, **{k: v for k, v in extra.items() if v}}
    return f"{reverse('service:desk')}?{urlencode(params)}"


def _call(user: Any, raw: Any) -> Call | None:
    pk = _int(raw)
    return selectors.calls_for_user(user).filter(pk=pk).first() if pk else None


@page_view
def desk_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_desk(user)
    g = request.GET
    raw = g.get("caller", "")[:80].replace("\x00", "")
    caller, matches = desk.find(user, raw) if raw.strip() else (desk.normalise(""), [])
    chosen: Customer | None = None
    customer_id = _int(g.get("customer"))
    if customer_id:
        chosen = customer_selectors.customer_get_for_user(user=user, pk=customer_id)
    elif len(matches) == 1:
        chosen = matches[0].customer
    match = next((m for m in matches if chosen and m.customer.pk == chosen.pk), None)
    find = g.get("find", "")[:100].replace("\x00", "").strip()
    found: list[Customer] = []
    if find:
        found = list(
            customer_selectors.customers_for_user(user)
            .filter(customer_selectors.search_q(find))
            .order_by()[:10]
        )
    call = _call(user, g.get("call"))
    context: dict[str, Any] = {
        "raw": raw,
        "caller": caller,
        "matches": matches,
        "chosen": chosen,
        "matched_contacts": match.contacts if match else [],
        "call": call,
        "find": find,
        "found": found,
        "recent_calls": (
            list(
                selectors.calls_for_user(user)
                .filter(caller_key=caller.key)
                .select_related("customer")[:5]
            )
            if caller.kind
            else []
        ),
    }
    if chosen is not None:
        context.update(
            open_tickets=desk.open_tickets(user, chosen),
            interactions=list(
                customer_selectors.interactions_of(chosen).select_related("author")[:10]
            ),
            orders=desk.recent_orders(user, chosen),
            contacts=list(customer_selectors.contacts_of(chosen)[:20]),
            logged=call is not None and call.customer_id == chosen.pk,
        )
    return render(request, "service/desk.html", context)


def _caller(request: HttpRequest) -> str:
    caller = request.POST.get("caller", "").replace("\x00", "").strip()[:80]
    if not caller:
        raise ValidationFailed(_("Enter the caller's number or e-mail."))
    return caller


def _call_for(request: HttpRequest, caller: str) -> Call:
    """The call the desk was opened for, else a new one logged now."""
    call = _call(request.user, request.POST.get("call"))
    if call is None:
        call, _created = services_desk.call_log(actor=request.user, caller=caller)
    return call


@require_POST
@page_view
def desk_log(request: HttpRequest) -> HttpResponseBase:
    """The caller is this customer (and contact): the call goes on its timeline."""
    user = request.user
    require_desk(user)
    caller = _caller(request)
    customer = customer_selectors.customer_get_for_user(user=user, pk=request.POST.get("customer"))
    contact = None
    contact_id = _int(request.POST.get("contact"))
    if contact_id:
        contact = customer_selectors.contacts_of(customer).filter(pk=contact_id).first()
    call = _call_for(request, caller)
    note = request.POST.get("note", "")[:500]
    services_desk.call_attach(call=call, customer=customer, contact=contact, actor=user, note=note)
    messages.success(request, _("The call is logged on the customer's timeline."))
    return redirect(desk_url(caller, customer=customer.pk, call=call.pk))


@require_POST
@page_view
def desk_contact(request: HttpRequest) -> HttpResponseBase:
    """Capture an unknown caller as a new contact of an existing customer."""
    user = request.user
    require_desk(user)
    require(user, Module.CUSTOMERS, Action.EDIT)
    caller = _caller(request)
    customer = customer_selectors.customer_get_for_user(user=user, pk=request.POST.get("customer"))
    name = request.POST.get("name", "").strip()[:60]
    call = _call_for(request, caller)
    services_desk.caller_add_contact(
        call=call, customer=customer, name=name, actor=user, note=request.POST.get("note", "")[:500]
    )
    messages.success(request, _("Contact %(name)s added.") % {"name": name})
    return redirect(desk_url(caller, customer=customer.pk, call=call.pk))


@require_POST
@page_view
def desk_lead(request: HttpRequest) -> HttpResponseBase:
    """Capture an unknown caller as a sales lead."""
    user = request.user
    require_desk(user)
    caller = _caller(request)
    call = _call_for(request, caller)
    lead = services_desk.caller_add_lead(
        call=call,
        company=request.POST.get("company", "")[:200],
        contact_name=request.POST.get("contact_name", ""),
        actor=user,
        note=request.POST.get("note", "")[:500],
    )
    messages.success(request, _("Lead %(company)s created.") % {"company": lead.company})
    return redirect(desk_url(caller, call=call.pk))
