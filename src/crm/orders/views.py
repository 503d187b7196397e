"""Pages of sales orders (SAL-6): list, create/edit with lines, detail with shipments,
returns and invoices, status moves. Thin: the rules are in services, the scope in selectors."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.access import require
from crm.core.audit import history_for
from crm.core.errors import DomainError, Forbidden, ValidationFailed
from crm.core.modules import Action, Module
from crm.core.pagination import COUNT_CAP, paginate
from crm.customers import selectors as customer_selectors
from crm.sales.views_picker import customer_named
from crm.web.pages import page_view, show_error

from . import selectors, selectors_receivables, services, services_shipping
from .forms import (
    EventForm,
    InvoiceForm,
    OrderForm,
    OrderLineFormSet,
    ReturnForm,
    ShipmentForm,
    TransitionForm,
)
from .models import OrderStatus, SalesOrder
from .models_receivables import FapiaoType


def _int(raw: Any) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**63 else None


@page_view
def order_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.VIEW)
    g = request.GET
    view = g.get("view", "")
    filters = selectors.OrderFilters(
        mine=view == "mine",
        open_only=view == "open",
        status=g.get("status", "") if g.get("status") in OrderStatus.values else "",
        customer=_int(g.get("customer")),
        search=g.get("q", "")[:100].replace("\x00", ""),
        ordering=g.get("sort", "updated") if g.get("sort") in selectors.ORDERINGS else "updated",
    )
    qs = selectors.order_list(request.user, filters)
    # Millions of orders: count up to the cap, read the page's keys before its joined rows.
    try:
        page = paginate(qs, g.get("page"), g.get("page_size"), count_cap=COUNT_CAP, two_step=True)
    except DomainError:
        page = paginate(qs, count_cap=COUNT_CAP, two_step=True)
    return render(
        request,
        "orders/order_list.html",
        {
            "page": page,
            "filters": filters,
            "view": view,
            "filtered": any(g.get(k) for k in ("view", "status", "q", "customer")),
            "statuses": OrderStatus.choices,
            "sort_options": [
                ("updated", _("Recently updated")),
                ("date", _("Order date")),
                ("number", _("Number")),
                ("amount", _("Amount")),
            ],
            "can_create": selectors.can_create(request.user),
        },
    )


def _form(request: HttpRequest, order: SalesOrder | None) -> tuple[OrderForm, Any]:
    user = request.user
    if order is not None:
        c = order.customer
        initial: dict[str, Any] = {
            "customer": f"{c.code} {c.name}",
            "order_date": order.order_date,
            "payment_terms_days": order.payment_terms_days,
            "notes": order.notes,
            "opportunity": order.opportunity_id,
            "version": order.version,
        }
        line_initial = [
            {
                "product": li.product,
                "quantity": li.quantity,
                "unit_price": li.unit_price,
                "discount_percent": li.discount_percent,
                "tax_rate": li.tax_rate,
            }
            for li in selectors.lines_of(order)
        ]
    else:
        initial = {"order_date": timezone.localdate()}
        customer_id = _int(request.GET.get("customer"))
        customer = (
            customer_selectors.customers_for_user(user).filter(pk=customer_id).first()
            if customer_id
            else None
        )
        if customer is not None:
            initial["customer"] = f"{customer.code} {customer.name}"
        opportunity_id = _int(request.GET.get("opportunity"))
        if opportunity_id:
            initial["opportunity"] = opportunity_id
        line_initial = []
    form = OrderForm(request.POST or None, initial=initial, editing=order is not None)
    formset = OrderLineFormSet(  # type: ignore[call-arg]
        request.POST or None, prefix="lines", user=user, initial=line_initial
    )
    return form, formset


def _opportunity(user: Any, pk: int | None) -> Any:
    if not pk:
        return None
    from crm.sales.selectors import opportunities_for_user

    found = opportunities_for_user(user).filter(pk=pk).first()
    if found is None:
        raise ValidationFailed(_("The opportunity does not exist or you may not see it."))
    return found


def _save(request: HttpRequest, form: OrderForm, formset: Any, order: SalesOrder | None) -> Any:
    d = form.cleaned_data
    user = request.user
    fields = {
        "order_date": d["order_date"],
        "payment_terms_days": d.get("payment_terms_days"),
        "notes": d.get("notes", ""),
    }
    if order is None:
        customer = customer_named(user, str(d["customer"]))
        if customer is None:
            raise ValidationFailed(fields={"customer": [_("Choose a customer from the list.")]})
        return services.order_create(
            actor=user,
            customer=customer,
            lines=formset.lines(),
            opportunity=_opportunity(user, d.get("opportunity")),
            **fields,
        )
    return services.order_update(
        order=order, version=d.get("version") or 0, actor=user, lines=formset.lines(), **fields
    )


def _edit_page(request: HttpRequest, order: SalesOrder | None) -> HttpResponse:
    form, formset = _form(request, order)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid() and formset.is_valid():
            try:
                saved = _save(request, form, formset, order)
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Changes saved.")
                    if order
                    else _("Order %(number)s created.") % {"number": saved.number},
                )
                return redirect("orders:order_detail", saved.pk)
    return render(
        request,
        "orders/order_form.html",
        {"form": form, "formset": formset, "order": order},
        status=status,
    )


@page_view
def order_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.CREATE)
    return _edit_page(request, None)


def _editable(request: HttpRequest, pk: int) -> SalesOrder:
    order = selectors.order_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.EDIT)
    if not selectors.can_edit(request.user, order):
        raise Forbidden()
    return order


@page_view
def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    order = _editable(request, pk)
    if not order.is_editable:
        messages.error(request, _("Only a draft order can be changed."))
        return redirect("orders:order_detail", order.pk)
    return _edit_page(request, order)


@page_view
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    order = selectors.order_get_for_user(user=user, pk=pk)
    lines = list(selectors.lines_of(order))
    invoices = list(
        selectors_receivables.invoices_for_user(user).filter(order=order).order_by("id")
    )
    from crm.sales.approvals import approval_pending_for

    today = timezone.localdate()
    return render(
        request,
        "orders/order_detail.html",
        {
            "o": order,
            "lines": lines,
            "history_changes": list(selectors.status_changes_of(order)[:100]),
            "shipments": list(selectors.shipments_of(order)),
            "returns": list(selectors.returns_of(order)),
            "invoices": invoices,
            "actions": [(s, OrderStatus(s).label) for s in services.allowed_targets(order.status)],
            "can_edit": selectors.can_edit(user, order),
            "can_ship": order.status in services_shipping.SHIPPABLE,
            "can_return": order.status in services_shipping.RETURNABLE,
            "is_finance": selectors.is_finance(user),
            "approval": approval_pending_for(order),
            "shipment_form": ShipmentForm(initial={"shipped_on": today}),
            "return_form": ReturnForm(initial={"returned_on": today}),
            "event_form": EventForm(),
            "invoice_form": InvoiceForm(
                initial={"issue_date": today, "fapiao_type": FapiaoType.SPECIAL}
            ),
            "history": history_for(order)[:50],
            "destructive": {OrderStatus.CANCELLED.value},
        },
    )


@require_POST
@page_view
def order_transition(request: HttpRequest, pk: int) -> HttpResponseBase:
    order = _editable(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed()
    moved = services.order_transition(
        order=order,
        to=form.cleaned_data["to"],
        version=form.cleaned_data["version"],
        actor=request.user,
        comment=form.cleaned_data["comment"],
    )
    if moved.status == OrderStatus.PENDING:
        messages.warning(
            request,
            _("The customer's credit limit is exceeded: the order waits for approval."),
        )
    else:
        messages.success(
            request, _("Status changed to %(status)s.") % {"status": moved.get_status_display()}
        )
    return redirect("orders:order_detail", order.pk)


def _quantities(post: Any, prefix: str) -> dict[int, Decimal]:
    out: dict[int, Decimal] = {}
    for key, value in post.items():
        if not key.startswith(prefix) or not str(value).strip():
            continue
        line_id = _int(key[len(prefix) :])
        try:
            qty = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationFailed(_("Enter the quantities as numbers.")) from None
        if line_id is None or not qty.is_finite():
            raise ValidationFailed(_("Enter the quantities as numbers."))
        out[line_id] = qty
    return out


@require_POST
@page_view
def shipment_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    order = _editable(request, pk)
    form = ShipmentForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(_("Enter the shipping date."))
    shipment = services_shipping.shipment_create(
        order=order,
        actor=request.user,
        quantities=_quantities(request.POST, "ship-"),
        carrier=form.cleaned_data["carrier"],
        tracking_number=form.cleaned_data["tracking_number"],
        shipped_on=form.cleaned_data["shipped_on"],
    )
    messages.success(request, _("Shipment %(number)s created.") % {"number": shipment.number})
    return redirect("orders:order_detail", order.pk)


@require_POST
@page_view
def return_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    order = _editable(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(_("Enter the reason and the date of the return."))
    ret = services_shipping.return_create(
        order=order,
        actor=request.user,
        quantities=_quantities(request.POST, "ret-"),
        reason=form.cleaned_data["reason"],
        returned_on=form.cleaned_data["returned_on"],
    )
    messages.success(
        request,
        _("Return %(number)s recorded; %(amount)s credited.")
        % {"number": ret.number, "amount": ret.gross_amount},
    )
    return redirect("orders:order_detail", order.pk)


@require_POST
@page_view
def shipment_event(request: HttpRequest, pk: int) -> HttpResponseBase:
    shipment = selectors.shipment_get_for_user(user=request.user, pk=pk)
    _editable(request, shipment.order_id)
    form = EventForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(_("Choose the logistics status."))
    services_shipping.shipment_event_add(
        shipment=shipment,
        status=form.cleaned_data["status"],
        note=form.cleaned_data["note"],
        actor=request.user,
    )
    messages.success(request, _("Logistics status recorded."))
    return redirect("orders:order_detail", shipment.order_id)


def _order_from(request: HttpRequest, document: Any, back_to: str) -> HttpResponseBase:
    require(request.user, Module.SALES, Action.CREATE)
    try:
        order = services.order_from_document(document=document, actor=request.user)
    except DomainError as exc:  # not accepted/active, or already ordered: say so on its page
        show_error(request, exc)
        return redirect(back_to, document.pk)
    messages.success(request, _("Order %(number)s created.") % {"number": order.number})
    return redirect("orders:order_detail", order.pk)


@require_POST
@page_view
def order_from_quote(request: HttpRequest, pk: int) -> HttpResponseBase:
    from crm.sales.selectors_quotes import quote_get_for_user

    quote = quote_get_for_user(user=request.user, pk=pk)
    return _order_from(request, quote, "sales:quote_detail")


@require_POST
@page_view
def order_from_contract(request: HttpRequest, pk: int) -> HttpResponseBase:
    from crm.sales.selectors_contracts import contract_get_for_user

    contract = contract_get_for_user(user=request.user, pk=pk)
    return _order_from(request, contract, "sales:contract_detail")
