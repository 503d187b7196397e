"""Pages of warranty and repair (SVC-3): the ticket page's panels (warranty and charge, repair
orders, defects, attachments), their form posts, the defects list with counts per product,
and the pickers of the new-ticket form. Thin: rules in services_repair, scope in selectors."""

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from crm.core.access import get_access, require
from crm.core.errors import DomainError, ValidationFailed
from crm.core.files import download
from crm.core.modules import Action, Module
from crm.core.pagination import paginate
from crm.customers import selectors as customer_selectors
from crm.web.pages import form_message, page_view

from . import selectors, selectors_repair, services_repair
from .models import (
    DefectSeverity,
    DefectStatus,
    RepairCharge,
    RepairOrderStatus,
    Ticket,
)
from .views import _editable, _int

PICKER_LIMIT = 15
LIST_ID = re.compile(r"[a-z][a-z0-9-]{0,39}")


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Attachment"),
        help_text=gettext_lazy("PDF, JPG, PNG, DOCX, XLSX or TXT; at most 10 MB."),
    )


class RepairChargeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    charge = forms.ChoiceField(choices=[("", "—"), *RepairCharge.choices], required=False)


class RepairOrderForm(forms.Form):
    labour_hours = forms.DecimalField(
        label=gettext_lazy("Labour hours"), min_value=0, max_digits=8, decimal_places=2, initial=0
    )
    labour_rate = forms.DecimalField(
        label=gettext_lazy("Hourly rate"), min_value=0, max_digits=16, decimal_places=4, initial=0
    )
    part = forms.CharField(
        label=gettext_lazy("Part (product code)"),
        max_length=220,
        required=False,
        help_text=gettext_lazy("Type a name or code and pick the product from the list."),
    )
    quantity = forms.DecimalField(
        label=gettext_lazy("Quantity"), min_value=0, max_digits=18, decimal_places=4, initial=1
    )
    unit_price = forms.DecimalField(
        label=gettext_lazy("Unit price"),
        min_value=0,
        max_digits=18,
        decimal_places=4,
        required=False,
        help_text=gettext_lazy("Empty: the list price."),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["part"].widget.attrs.update({"list": "product-options", "autocomplete": "off"})


class DefectForm(forms.Form):
    description = forms.CharField(
        label=gettext_lazy("Defect"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    batch_number = forms.CharField(
        label=gettext_lazy("Batch number"), max_length=60, required=False
    )
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"), choices=DefectSeverity.choices, initial="minor"
    )


class LabourForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    labour_hours = forms.DecimalField(
        label=gettext_lazy("Labour hours"), min_value=0, max_digits=8, decimal_places=2
    )
    labour_rate = forms.DecimalField(
        label=gettext_lazy("Hourly rate"), min_value=0, max_digits=16, decimal_places=4
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )


class PartLineForm(forms.Form):
    """Add a part line (`part` names the product) or change one (`line` is its id)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    line = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    part = forms.CharField(
        label=gettext_lazy("Part (product code)"), max_length=220, required=False
    )
    quantity = forms.DecimalField(
        label=gettext_lazy("Quantity"), min_value=0, max_digits=18, decimal_places=4
    )
    unit_price = forms.DecimalField(
        label=gettext_lazy("Unit price"),
        min_value=0,
        max_digits=18,
        decimal_places=4,
        required=False,
        help_text=gettext_lazy("Empty: the list price."),
    )


class PartRemoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    line = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class DefectEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=DefectStatus.choices)
    severity = forms.ChoiceField(label=gettext_lazy("Severity"), choices=DefectSeverity.choices)
    batch_number = forms.CharField(
        label=gettext_lazy("Batch number"), max_length=60, required=False
    )
    description = forms.CharField(
        label=gettext_lazy("Defect"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class StatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.CharField(max_length=14)


def product_named(user: Any, text: str) -> Any:
    """The product a picker value names (“code name” or a bare code), if the user sees it."""
    from crm.products.selectors import products_for_user

    token = (text or "").replace("\x00", "").strip().split(" ", 1)[0]
    return products_for_user(user).filter(code=token).first() if token else None


# --- the ticket page's panels (crm.service.panels) ----------------------------------------


def repair_panel(user: Any, ticket: Ticket) -> dict[str, Any] | None:
    if not selectors_repair.is_repair(ticket):
        return None
    warranty = selectors_repair.warranty_of(ticket)
    return {
        "ticket": ticket,
        "warranty": warranty,
        "can_edit": selectors.can_edit(user, ticket),
        "can_override": services_repair.can_override(user, ticket),
        "orders": list(selectors_repair.repair_orders_of(ticket)[:50]),
        "form": RepairOrderForm(),
        "free": services_repair.free_of_charge(ticket, warranty),
    }


def defects_panel(user: Any, ticket: Ticket) -> dict[str, Any] | None:
    if ticket.product_id is None:
        return None
    return {
        "ticket": ticket,
        "defects": list(selectors_repair.defects_of(ticket)[:50]),
        "can_edit": selectors.can_edit(user, ticket),
        "form": DefectForm(),
        "statuses": DefectStatus.choices,
        "severities": DefectSeverity.choices,
    }


def attachments_panel(user: Any, ticket: Ticket) -> dict[str, Any]:
    return {
        "ticket": ticket,
        "attachments": list(selectors_repair.attachments_of(ticket)[:100]),
        "can_edit": selectors.can_edit(user, ticket),
        "form": AttachmentForm(),
    }


# --- form posts --------------------------------------------------------------------------


@require_POST
@page_view
def repair_charge(request: HttpRequest, pk: int) -> HttpResponseBase:
    ticket = _editable(request, pk)
    form = RepairChargeForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed()
    charge = form.cleaned_data["charge"]
    services_repair.repair_charge_set(
        ticket=ticket, version=form.cleaned_data["version"], charge=charge, actor=request.user
    )
    if charge:
        messages.success(
            request, _("Recorded: %(charge)s.") % {"charge": RepairCharge(charge).label}
        )
    else:
        messages.success(request, _("Saved."))
    return redirect("service:ticket_detail", ticket.pk)


@require_POST
@page_view
def attachment_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    ticket = _editable(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        raise ValidationFailed(_("Choose a file."))
    services_repair.attachment_add(
        ticket=ticket, file=form.cleaned_data["file"], actor=request.user
    )
    messages.success(request, _("File attached."))
    return redirect("service:ticket_detail", ticket.pk)


@page_view
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    a = selectors_repair.attachment_get_for_user(user=request.user, pk=pk)
    return download(a.file, a.name)


@require_POST
@page_view
def repair_order_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    ticket = _editable(request, pk)
    form = RepairOrderForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(form_message(form))
    d = form.cleaned_data
    parts = []
    if d["part"].strip():
        product = product_named(request.user, d["part"])
        if product is None:
            raise ValidationFailed(_("Unknown part: pick a product from the list."))
        parts.append({"product": product, "quantity": d["quantity"], "unit_price": d["unit_price"]})
    order = services_repair.repair_order_create(
        ticket=ticket,
        actor=request.user,
        labour_hours=d["labour_hours"],
        labour_rate=d["labour_rate"],
        parts=parts,
        notes=d["notes"],
    )
    messages.success(request, _("Repair order %(number)s created.") % {"number": order.number})
    return redirect("service:ticket_detail", ticket.pk)


@require_POST
@page_view
def repair_order_status(request: HttpRequest, pk: int) -> HttpResponseBase:
    order = selectors_repair.repair_order_get_for_user(user=request.user, pk=pk)
    _editable(request, order.ticket_id)
    form = StatusForm(request.POST)
    if not form.is_valid() or form.cleaned_data["status"] not in RepairOrderStatus.values:
        raise ValidationFailed()
    services_repair.repair_order_update(
        order=order,
        version=form.cleaned_data["version"],
        actor=request.user,
        status=form.cleaned_data["status"],
    )
    messages.success(request, _("Saved."))
    return redirect("service:ticket_detail", order.ticket_id)


def _open_order(request: HttpRequest, pk: int) -> Any:
    """A repair order the user may change (through its ticket)."""
    order = selectors_repair.repair_order_get_for_user(user=request.user, pk=pk)
    _editable(request, order.ticket_id)
    return order


def _order_form(
    request: HttpRequest, pk: int, form_class: type[forms.Form]
) -> tuple[Any, dict[str, Any]]:
    """An open work order the user may change and the valid data of the form posted to it
    (copied, so the caller may pop from it); bad input is refused with each field's error."""
    order = _open_order(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        raise ValidationFailed(form_message(form))
    return order, dict(form.cleaned_data)


def _back_to_ticket(request: HttpRequest, order: Any, message: str) -> HttpResponseBase:
    messages.success(request, message)
    return redirect(f"{reverse('service:ticket_detail', args=[order.ticket_id])}#repair-{order.pk}")


@require_POST
@page_view
def repair_order_labour(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Labour hours, hourly rate and notes of an open work order."""
    order, d = _order_form(request, pk, LabourForm)
    services_repair.repair_order_update(order=order, actor=request.user, **d)
    return _back_to_ticket(request, order, _("Saved."))


@require_POST
@page_view
def repair_part_save(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Add a part line to an open work order, or change one's quantity and price."""
    order, d = _order_form(request, pk, PartLineForm)
    line, part = d.pop("line"), d.pop("part")
    if line:
        services_repair.repair_part_change(order=order, actor=request.user, part_id=line, **d)
        return _back_to_ticket(request, order, _("Part line changed."))
    product = product_named(request.user, part) if part.strip() else None
    if product is None:
        raise ValidationFailed(_("Unknown part: pick a product from the list."))
    services_repair.repair_part_add(order=order, actor=request.user, product=product, **d)
    return _back_to_ticket(request, order, _("Part line added."))


@require_POST
@page_view
def repair_part_remove(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Remove a part line (the page asks for confirmation first)."""
    order = _open_order(request, pk)
    form = PartRemoveForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed()
    services_repair.repair_part_remove(
        order=order,
        version=form.cleaned_data["version"],
        actor=request.user,
        part_id=form.cleaned_data["line"],
    )
    return _back_to_ticket(request, order, _("Part line removed."))


@require_POST
@page_view
def defect_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Status, severity, batch and description of a defect, from the ticket page."""
    defect = selectors_repair.defect_get_for_user(user=request.user, pk=pk)
    _editable(request, defect.ticket_id)
    form = DefectEditForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(form_message(form))
    d = dict(form.cleaned_data)
    version = d.pop("version")
    services_repair.defect_update(defect=defect, version=version, actor=request.user, **d)
    messages.success(request, _("Saved."))
    return redirect(
        f"{reverse('service:ticket_detail', args=[defect.ticket_id])}#defect-{defect.pk}"
    )


@require_POST
@page_view
def defect_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    ticket = _editable(request, pk)
    form = DefectForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(form_message(form))
    services_repair.defect_create(ticket=ticket, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Defect recorded."))
    return redirect("service:ticket_detail", ticket.pk)


@require_POST
@page_view
def defect_status(request: HttpRequest, pk: int) -> HttpResponseBase:
    defect = selectors_repair.defect_get_for_user(user=request.user, pk=pk)
    _editable(request, defect.ticket_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed()
    services_repair.defect_update(
        defect=defect,
        version=form.cleaned_data["version"],
        actor=request.user,
        status=form.cleaned_data["status"],
    )
    messages.success(request, _("Saved."))
    if request.POST.get("next") == "ticket":
        return redirect("service:ticket_detail", defect.ticket_id)
    return redirect("service:defect_list")


# --- the defects list --------------------------------------------------------------------


@page_view
def defect_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SERVICE, Action.VIEW)
    g = request.GET
    product = product_named(request.user, g.get("product", "")) if g.get("product") else None
    filters = selectors_repair.DefectFilters(
        product=product.pk if product else _int(g.get("product_id")),
        status=g.get("status", "") if g.get("status") in DefectStatus.values else "",
        severity=g.get("severity", "") if g.get("severity") in DefectSeverity.values else "",
        search=g.get("q", "")[:100].replace("\x00", ""),
    )
    qs = selectors_repair.defect_list(request.user, filters)
    try:
        page = paginate(qs, g.get("page"), g.get("page_size"))
    except DomainError:
        page = paginate(qs)
    return render(
        request,
        "service/defect_list.html",
        {
            "page": page,
            "filters": filters,
            "product_text": g.get("product", "")[:220],
            "counts": selectors_repair.defect_counts(request.user, filters),
            "statuses": DefectStatus.choices,
            "severities": DefectSeverity.choices,
            "can_edit": get_access(request.user).can(Module.SERVICE, Action.EDIT),
        },
    )


# --- pickers of the new-ticket form (htmx) ------------------------------------------------


@page_view
def customer_options(request: HttpRequest) -> HttpResponse:
    """Customers the user sees matching what is typed (a datalist)."""
    require(request.user, Module.SERVICE, Action.CREATE)
    query = request.GET.get("customer_text", "").replace("\x00", "").strip()[:100]
    customers: list[Any] = []
    if query:
        filters = customer_selectors.CustomerFilters(search=query.split(" ", 1)[0])
        customers = list(
            customer_selectors.customers_for_user(request.user, filters)[:PICKER_LIMIT]
        )
    return render(request, "service/_customer_options.html", {"customers": customers})


@page_view
def product_options(request: HttpRequest) -> HttpResponse:
    """Active products matching what is typed (a datalist)."""
    from crm.products.selectors import products_for_picker

    require(request.user, Module.SERVICE, Action.VIEW)
    params = request.GET
    query = str(params.get("product") or params.get("part") or "")
    query = query.replace("\x00", "").strip()[:100]
    products = list(products_for_picker(request.user, query)[:PICKER_LIMIT]) if query else []
    # The id of the datalist to replace (a ticket page has one per open work order).
    list_id = str(params.get("list") or "product-options")
    if not LIST_ID.fullmatch(list_id):
        list_id = "product-options"
    return render(
        request, "service/_product_options.html", {"products": products, "list_id": list_id}
    )
