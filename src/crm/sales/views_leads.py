"""Pages of leads (SAL-1): list, create, edit, detail with status moves, convert, delete."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.access import get_access, require
from crm.core.audit import history_for
from crm.core.errors import DomainError, NotFound
from crm.core.modules import Action, Module
from crm.core.pagination import paginate
from crm.customers import selectors as customer_selectors
from crm.customers.dedupe import PossibleDuplicate
from crm.customers.models import ChoiceKind
from crm.org.models import User
from crm.org.selectors import employees_for_user, units_for_user
from crm.web.pages import confirm_delete, page_view, show_error

from . import selectors, services_leads
from .api_leads import require_convert
from .forms import ConvertForm, LeadFilterForm, LeadForm
from .models import LeadStatus


def _owners(user: Any) -> Any:
    return employees_for_user(user, active=True)


@page_view
def lead_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.VIEW)
    values = LeadFilterForm(request.GET).values()
    sort = values.pop("sort", selectors.DEFAULT_LEAD_ORDERING)
    filters = selectors.LeadFilters(search=values.pop("q", ""), ordering=sort, **values)
    qs = selectors.leads_for_user(request.user, filters)
    try:
        page = paginate(qs, request.GET.get("page"), request.GET.get("page_size"))
    except DomainError:
        page = paginate(qs)
    return render(
        request,
        "sales/lead_list.html",
        {
            "page": page,
            "filters": filters,
            "filtered": bool(values) or bool(filters.search),
            "sort": filters.ordering,
            "sort_options": [
                ("-updated_at", _("Recently updated")),
                ("-created_at", _("Newest first")),
                ("company", _("Company")),
                ("status", _("Status")),
            ],
            "statuses": LeadStatus.choices,
            "sources": customer_selectors.choices(ChoiceKind.SOURCE),
            "owners": _owners(request.user),
            "units": units_for_user(request.user).order_by("path"),
            "can_create": get_access(request.user).can(Module.SALES, Action.CREATE),
        },
    )


def _lead_form(request: HttpRequest, lead: Any = None) -> LeadForm:
    owners = _owners(request.user)
    if lead is not None:
        owners = owners | User.objects.filter(pk=lead.owner_id)
        initial = {f: getattr(lead, f) for f in services_leads.LEAD_FIELDS}
        initial.update(version=lead.version, owner=lead.owner_id, source=lead.source_id)
        initial.pop("org_unit", None)
    else:
        initial = {"owner": request.user.pk}
    return LeadForm(
        request.POST or None,
        owners=owners,
        sources=customer_selectors.choices(
            ChoiceKind.SOURCE, include=lead.source if lead else None
        ),
        initial=initial,
    )


@page_view
def lead_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.CREATE)
    form = _lead_form(request)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                lead = services_leads.lead_create(actor=request.user, **form.changes())
            except DomainError as exc:
                show_error(request, exc, form)
            else:
                messages.success(request, _("Lead “%(name)s” created.") % {"name": lead.company})
                return redirect("sales:lead_detail", lead.pk)
    return render(request, "sales/lead_form.html", {"form": form, "lead": None}, status=status)


@page_view
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.lead_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.EDIT)
    form = _lead_form(request, lead)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                changes = form.changes()
                if changes.get("owner") is None:
                    changes.pop("owner", None)
                services_leads.lead_update(
                    lead=lead,
                    version=form.cleaned_data["version"] or 0,
                    actor=request.user,
                    **changes,
                )
            except DomainError as exc:
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(request, _("Changes saved."))
                return redirect("sales:lead_detail", lead.pk)
    return render(request, "sales/lead_form.html", {"form": form, "lead": lead}, status=status)


@page_view
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.lead_get_for_user(user=request.user, pk=pk)
    access = get_access(request.user)
    converted = lead.status == LeadStatus.CONVERTED
    return render(
        request,
        "sales/lead_detail.html",
        {
            "lead": lead,
            "duplicates": []
            if converted
            else services_leads.lead_duplicates(lead=lead, user=request.user),
            "opportunities": list(
                selectors.opportunities_for_user(request.user).filter(source_lead=lead)[:20]
            ),
            "moves": [
                (s, LeadStatus(s).label)
                for s in LeadStatus.values
                if s in services_leads.TRANSITIONS.get(lead.status, set())
            ],
            "can_edit": access.can(Module.SALES, Action.EDIT) and not converted,
            "can_convert": access.can(Module.SALES, Action.EDIT)
            and access.can(Module.SALES, Action.CREATE)
            and lead.status in services_leads.CONVERTIBLE,
            "can_delete": access.can(Module.SALES, Action.DELETE),
            "history": history_for(lead)[:50],
        },
    )


@page_view
@require_POST
def lead_status(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.lead_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.EDIT)
    try:
        version = int(request.POST.get("version") or 0)
    except ValueError:
        version = 0
    try:
        services_leads.lead_set_status(
            lead=lead,
            status=request.POST.get("status", ""),
            version=version,
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        for errors in exc.fields.values():
            for e in errors:
                messages.error(request, e)
        if not exc.fields:
            messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Status changed."))
    return redirect("sales:lead_detail", lead.pk)


def _convert_customer(request: HttpRequest, form: ConvertForm, matches: list[Any]) -> Any:
    """The existing customer the form names (a visible match, or a code), else None."""
    code = (form.cleaned_data.get("customer_code") or "").strip().upper()
    choice = form.cleaned_data.get("customer_choice") or "new"
    if code:
        customer = customer_selectors.customers_for_user(request.user).filter(code=code).first()
        if customer is None:
            form.add_error("customer_code", _("No customer you may see has this code."))
            raise NotFound()
        return customer
    if choice == "new":
        return None
    if not any(str(m.pk) == choice and m.visible for m in matches):
        raise NotFound()
    return customer_selectors.customer_get_for_user(user=request.user, pk=choice)


@page_view
def lead_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """One step: customer (new or existing) + contact + opportunity, all pointing at the lead."""
    lead = selectors.lead_get_for_user(user=request.user, pk=pk)
    require_convert(request.user, new_customer=False)
    matches = services_leads.lead_duplicates(lead=lead, user=request.user)
    form = ConvertForm(
        request.POST or None,
        initial={
            "version": lead.version,
            "opportunity_name": lead.company,
            "expected_close": timezone.localdate() + timedelta(days=90),
            "customer_choice": "new",
        },
    )
    status = 200
    duplicates = None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                customer = _convert_customer(request, form, matches)
            except NotFound:
                customer = False
                if not form.errors:
                    form.add_error(None, _("Choose a customer from the list."))
            if customer is not False:
                try:
                    require_convert(request.user, new_customer=customer is None)
                    result = services_leads.lead_convert(
                        lead=lead,
                        version=form.cleaned_data["version"],
                        actor=request.user,
                        customer=customer,
                        create_contact=form.cleaned_data["create_contact"],
                        opportunity_name=form.cleaned_data["opportunity_name"],
                        amount=form.cleaned_data["amount"],
                        expected_close=form.cleaned_data["expected_close"],
                        allow_duplicates=form.cleaned_data["force"],
                    )
                except PossibleDuplicate as exc:
                    duplicates = exc.matches
                    status = exc.status
                except DomainError as exc:
                    if exc.status in (403, 404):
                        raise
                    show_error(request, exc, form)
                    status = exc.status
                else:
                    messages.success(
                        request,
                        _("Lead converted: customer “%(customer)s” and a new opportunity.")
                        % {"customer": result["customer"].name},
                    )
                    return redirect("sales:opportunity_detail", result["opportunity"].pk)
    return render(
        request,
        "sales/lead_convert.html",
        {"lead": lead, "form": form, "matches": matches, "duplicates": duplicates},
        status=status,
    )


@page_view
def lead_delete(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.lead_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.DELETE)
    return confirm_delete(
        request,
        lead,
        question=_("Move lead “%(name)s” to the recycle bin?") % {"name": lead.company},
        cancel=reverse("sales:lead_detail", args=[lead.pk]),
        delete=lambda: services_leads.lead_delete(lead=lead, actor=request.user),
        done=_("Lead “%(name)s” moved to the recycle bin.") % {"name": lead.company},
        then=reverse("sales:lead_list"),
    )
