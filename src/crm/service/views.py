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
from crm.core.pagination import COUNT_CAP, paginate
from crm.customers import selectors as customer_selectors
from crm.web.pages import form_message, page_view, show_error

from . import selectors, selectors_repair, selectors_revisit, selectors_sla, services
from .forms import AssignForm, EntryForm, TicketEditForm, TicketForm, TransitionForm
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
    # Capped count and keys first: an agent may own tens of thousands of tickets, and the
    # count of a nine-table join cost more than the page (bench/README.md, service).
    try:
        page = paginate(qs, g.get("page"), g.get("page_size"), count_cap=COUNT_CAP, two_step=True)
    except DomainError:
        page = paginate(qs, count_cap=COUNT_CAP, two_step=True)
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


# Service field errors name the API's fields; the page's fields are named without "_id".
PAGE_FIELDS = {"contact_id": "contact", "order_id": "order", "category_id": "category"}


def _show(request: HttpRequest, exc: DomainError, form: Any) -> None:
    if exc.fields:
        fields = {PAGE_FIELDS.get(k, k): v for k, v in exc.fields.items()}
        exc = type(exc)(exc.message, code=exc.code, fields=fields)
    show_error(request, exc, form)


def _refs(user: Any, customer: Any, form: Any) -> dict[str, Any]:
    """The product, order and contact the (valid) form names; field errors for unknown ones.
    The order is looked up among the customer's only; a contact of another customer is left
    to the service, which refuses it with its own message."""
    from .views_repair import product_named

    data = form.cleaned_data
    out: dict[str, Any] = {}
    text = data["product"].strip()
    out["product"] = product_named(user, text) if text else None
    if text and out["product"] is None:
        form.add_error("product", _("Pick the product from the list."))
    text = data["order"].strip()
    out["order"] = selectors_repair.order_named(customer, text) if text else None
    if text and out["order"] is None:
        form.add_error("order", _("This customer has no order with this number."))
    contact = data.get("contact")
    out["contact"] = selectors.contact_for_ticket(user, customer, contact) if contact else None
    if contact and out["contact"] is None:
        form.add_error("contact", _("Choose a contact of this customer."))
    return out


# The form fields a ticket's create and update both take, beside the looked-up references.
TICKET_FIELDS = ("title", "type", "category", "channel", "priority", "description")


def _ticket_fields(data: dict[str, Any], refs: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of services.ticket_create/ticket_update from a valid form."""
    return {name: data[name] for name in TICKET_FIELDS} | refs


def _form_page(
    request: HttpRequest,
    form: Any,
    customer: Any,
    *,
    fixed: bool,
    ticket: Ticket | None = None,
    status: int = 200,
) -> HttpResponse:
    """The ticket form; `fixed`: the customer is given (not picked on the form)."""
    return render(
        request,
        "service/ticket_form.html",
        {
            "form": form,
            "ticket": ticket,
            "customer": customer,
            "fixed": fixed,
            "contacts": list(customer_selectors.contacts_of(customer)[:100]) if customer else [],
            "orders": selectors_repair.orders_of_customer(customer) if customer else [],
        },
        status=status,
    )


@page_view
def ticket_create(request: HttpRequest) -> HttpResponse:
    from crm.sales.views_picker import customer_named

    user = request.user
    require(user, Module.SERVICE, Action.CREATE)
    source = request.POST if request.method == "POST" else None
    form = TicketForm(
        source,
        initial={
            "customer": request.GET.get("customer"),
            "contact": _int(request.GET.get("contact")),
        },
    )
    customer_id = _int((source or request.GET).get("customer"))
    customer = (
        customer_selectors.customer_get_for_user(user=user, pk=customer_id) if customer_id else None
    )
    status = 200
    refs: dict[str, Any] = {}
    if source is not None:
        status = 422
        if customer is None and source.get("customer_text", "").strip():
            customer = customer_named(user, source["customer_text"])
        valid = form.is_valid()
        if customer is None:
            form.add_error("customer_text", _("Choose the customer from the list."))
        elif valid:
            refs = _refs(user, customer, form)
        if form.is_valid() and customer is not None:
            try:
                ticket = services.ticket_create(
                    actor=user, customer=customer, **_ticket_fields(form.cleaned_data, refs)
                )
            except DomainError as exc:
                _show(request, exc, form)
                status = exc.status
            else:
                messages.success(
                    request, _("Ticket %(number)s created.") % {"number": ticket.number}
                )
                return redirect("service:ticket_detail", ticket.pk)
    # Without a fixed customer the page shows the typed one's contacts and orders.
    return _form_page(request, form, customer, fixed=customer_id is not None, status=status)


@page_view
def ticket_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _editable(request, pk)
    if request.method != "POST":
        form = TicketEditForm(initial=TicketEditForm.initial_for(ticket))
        return _form_page(request, form, ticket.customer, fixed=True, ticket=ticket)
    form = TicketEditForm(request.POST)
    status = 422
    refs = _refs(request.user, ticket.customer, form) if form.is_valid() else {}
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.ticket_update(
                ticket=ticket,
                version=data["version"],
                actor=request.user,
                **_ticket_fields(data, refs),
            )
        except DomainError as exc:
            _show(request, exc, form)
            status = exc.status
        else:
            messages.success(request, _("Saved."))
            return redirect("service:ticket_detail", ticket.pk)
    return _form_page(request, form, ticket.customer, fixed=True, ticket=ticket, status=status)


@page_view
def contact_options(request: HttpRequest) -> HttpResponse:
    """The new-ticket form's contact select and order list for the chosen customer (htmx,
    on every change of the customer picker)."""
    from crm.sales.views_picker import customer_named

    user = request.user
    require(user, Module.SERVICE, Action.CREATE)
    customer_id = _int(request.GET.get("customer"))
    if customer_id:
        customer = customer_selectors.customer_get_for_user(user=user, pk=customer_id)
    else:
        customer = customer_named(user, request.GET.get("customer_text", "")[:220])
    return render(
        request,
        "service/_contact_options.html",
        {
            "customer": customer,
            "contacts": list(customer_selectors.contacts_of(customer)[:100]) if customer else [],
            "orders": selectors_repair.orders_of_customer(customer) if customer else [],
        },
    )


def _editable(request: HttpRequest, pk: int) -> Ticket:
    ticket = selectors.ticket_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SERVICE, Action.EDIT)
    if not selectors.can_edit(request.user, ticket):
        raise Forbidden()
    return ticket


def _detail_page(
    request: HttpRequest, ticket: Ticket, entry_form: EntryForm | None = None, status: int = 200
) -> HttpResponse:
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
            "can_edit": (can_edit := selectors.can_edit(request.user, ticket)),
            "assign_form": (
                AssignForm(
                    user=request.user,
                    initial={"queue": ticket.org_unit_id, "owner": ticket.owner_id},
                )
                if can_edit and ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
                else None
            ),
            "agents": selectors.agents_of(ticket.org_unit)[:200] if can_edit else [],
            "order_link": selectors.may_open_order(request.user, ticket.order_id),
            "entry_form": entry_form or EntryForm(),
            "destructive": {TicketStatus.CLOSED.value},
            "clocks": selectors_sla.clocks_of(ticket),
            "sla_events": selectors_sla.events_of(ticket)[:20],
            "revisits": selectors_revisit.revisits_of(ticket),
            "panels": panels_for(request.user, ticket),
        },
        status=status,
    )


@page_view
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_get_for_user(user=request.user, pk=pk)
    return _detail_page(request, ticket)


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
def ticket_assign(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Hand the ticket to a queue and, optionally, one of its agents."""
    ticket = _editable(request, pk)
    form = AssignForm(request.POST, user=request.user)
    if not form.is_valid():
        raise ValidationFailed(form_message(form))
    d = form.cleaned_data
    updated = services.ticket_assign(
        ticket=ticket,
        version=d["version"],
        actor=request.user,
        queue=d["queue"],
        owner=d["owner"],
        comment=d["comment"],
    )
    who = updated.owner or updated.org_unit
    messages.success(request, _("Ticket handed to %(who)s.") % {"who": who})
    if not selectors.tickets_for_user(request.user).filter(pk=pk).exists():
        return redirect("service:ticket_list")  # handed out of the user's sight
    return redirect("service:ticket_detail", pk)


@page_view
def agent_options(request: HttpRequest, pk: int) -> HttpResponse:
    """The assign form's agent select for the chosen queue (htmx, on every change)."""
    _editable(request, pk)
    queue = (
        selectors.queues_for_user(request.user).filter(pk=_int(request.GET.get("queue"))).first()
    )
    agents = list(selectors.agents_of(queue)[:200]) if queue is not None else []
    return render(request, "service/_agent_options.html", {"agents": agents, "selected": None})


@require_POST
@page_view
def entry_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A reply or note with its files; on bad input the ticket page again with what was typed
    and the errors (nothing saved)."""
    ticket = _editable(request, pk)
    form = EntryForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.entry_add(
                ticket=ticket,
                kind=form.cleaned_data["kind"],
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
                actor=request.user,
            )
        except ValidationFailed as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("service:ticket_detail", ticket.pk)
    return _detail_page(request, ticket, form, status=422)
