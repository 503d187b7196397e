"""Pages of tickets (SVC-1): the queue/list, create, detail with timeline, status moves and
notes/replies. Thin: the rules are in services, the scope in selectors."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.access import get_access, require
from crm.core.errors import DomainError, Forbidden, ValidationFailed
from crm.core.modules import Action, Module
from crm.core.pagination import paginate
from crm.customers import selectors as customer_selectors
from crm.web.pages import page_view, show_error

from . import selectors, selectors_repair, selectors_revisit, selectors_sla, services
from .forms import EntryForm, TicketForm, TransitionForm
from .models import Priority, Ticket, TicketStatus
from .panels import panels_for


def _int(raw: Any) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**63 else None  # the database's key range


@page_view
def ticket_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SERVICE, Action.VIEW)
    g = request.GET
    view = g.get("view", "")
    filters = selectors.TicketFilters(
        mine=view == "mine",
        queue=request.user.unit_id if view == "queue" else None,  # type: ignore[union-attr]
        status=g.get("status", "") if g.get("status") in TicketStatus.values else "",
        type=_int(g.get("type")),
        priority=g.get("priority", "") if g.get("priority") in Priority.values else "",
        sla=g.get("sla", "") if g.get("sla") in ("warning", "breached") else "",
        search=g.get("q", "")[:100].replace("\x00", ""),
        ordering=g.get("sort", "updated") if g.get("sort") in selectors.ORDERINGS else "updated",
    )
    qs = selectors.ticket_list(request.user, filters)
    try:
        page = paginate(qs, g.get("page"), g.get("page_size"))
    except DomainError:
        page = paginate(qs)
    return render(
        request,
        "service/ticket_list.html",
        {
            "page": page,
            "filters": filters,
            "view": view,
            "filtered": any(g.get(k) for k in ("view", "status", "type", "priority", "q", "sla")),
            "statuses": TicketStatus.choices,
            "priorities": Priority.choices,
            "types": selectors.types(),
            "sort_options": [
                ("updated", _("Recently updated")),
                ("created", _("Newest first")),
                ("priority", _("Priority")),
                ("due", _("Resolution due")),
            ],
            "sla_options": [("warning", _("Due soon")), ("breached", _("Overdue"))],
            "can_create": get_access(request.user).can(Module.SERVICE, Action.CREATE),
        },
    )


@page_view
def ticket_create(request: HttpRequest) -> HttpResponse:
    from crm.sales.views_picker import customer_named

    from .views_repair import product_named

    user = request.user
    require(user, Module.SERVICE, Action.CREATE)
    source = request.POST if request.method == "POST" else None
    form = TicketForm(source, initial={"customer": request.GET.get("customer")})
    customer_id = _int((source or request.GET).get("customer"))
    customer = (
        customer_selectors.customer_get_for_user(user=user, pk=customer_id) if customer_id else None
    )
    status = 200
    if source is not None:
        status = 422
        if customer is None and source.get("customer_text", "").strip():
            customer = customer_named(user, source["customer_text"])
        valid = form.is_valid()
        if customer is None:
            form.add_error("customer_text", _("Choose the customer from the list."))
        elif valid:
            data = form.cleaned_data
            product = product_named(user, data["product"]) if data["product"].strip() else None
            order = (
                selectors_repair.order_named(customer, data["order"])
                if data["order"].strip()
                else None
            )
            if data["product"].strip() and product is None:
                form.add_error("product", _("Pick the product from the list."))
            if data["order"].strip() and order is None:
                form.add_error("order", _("This customer has no order with this number."))
        if form.is_valid() and customer is not None:
            try:
                ticket = services.ticket_create(
                    actor=user,
                    customer=customer,
                    title=data["title"],
                    type=data["type"],
                    category=data["category"],
                    channel=data["channel"],
                    priority=data["priority"],
                    description=data["description"],
                    product=product,
                    order=order,
                )
            except DomainError as exc:
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(
                    request, _("Ticket %(number)s created.") % {"number": ticket.number}
                )
                return redirect("service:ticket_detail", ticket.pk)
    return render(
        request,
        "service/ticket_form.html",
        {
            "form": form,
            "customer": customer if customer_id else None,
            "orders": selectors_repair.orders_of_customer(customer) if customer else [],
        },
        status=status,
    )


def _editable(request: HttpRequest, pk: int) -> Ticket:
    ticket = selectors.ticket_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SERVICE, Action.EDIT)
    if not selectors.can_edit(request.user, ticket):
        raise Forbidden()
    return ticket


@page_view
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_get_for_user(user=request.user, pk=pk)
    timeline: list[dict[str, Any]] = [
        {"at": e.created_at, "kind": e.kind, "entry": e} for e in selectors.entries_of(ticket)[:500]
    ] + [
        {"at": c.changed_at, "kind": "status", "change": c}
        for c in selectors.status_changes_of(ticket)[:200]
    ]
    timeline.sort(key=lambda item: item["at"])
    actions = [(s, TicketStatus(s).label) for s in services.allowed_targets(ticket.status)]
    return render(
        request,
        "service/ticket_detail.html",
        {
            "ticket": ticket,
            "timeline": timeline,
            "actions": actions,
            "can_edit": selectors.can_edit(request.user, ticket),
            "entry_form": EntryForm(),
            "destructive": {TicketStatus.CLOSED.value},
            "clocks": selectors_sla.clocks_of(ticket),
            "sla_events": selectors_sla.events_of(ticket)[:20],
            "revisits": selectors_revisit.revisits_of(ticket),
            "panels": panels_for(request.user, ticket),
        },
    )


@require_POST
@page_view
def ticket_transition(request: HttpRequest, pk: int) -> HttpResponseBase:
    ticket = _editable(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed()
    services.ticket_transition(
        ticket=ticket,
        to=form.cleaned_data["to"],
        version=form.cleaned_data["version"],
        actor=request.user,
        comment=form.cleaned_data["comment"],
    )
    messages.success(
        request,
        _("Status changed to %(status)s.")
        % {"status": TicketStatus(form.cleaned_data["to"]).label},
    )
    return redirect("service:ticket_detail", ticket.pk)


@require_POST
@page_view
def entry_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    ticket = _editable(request, pk)
    form = EntryForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(_("Enter the text."))
    services.entry_add(
        ticket=ticket,
        kind=form.cleaned_data["kind"],
        body=form.cleaned_data["body"],
        actor=request.user,
    )
    messages.success(request, _("Saved."))
    return redirect("service:ticket_detail", ticket.pk)
