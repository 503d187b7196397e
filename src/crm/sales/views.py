"""Pages of opportunities (SAL-2): list, create/edit with product lines, detail with stage
history, close as won/lost, delete; the customer picker. The board is in views_board."""

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
from crm.core.errors import DomainError, ValidationFailed
from crm.core.fields import quantize
from crm.core.modules import Action, Module
from crm.core.pagination import paginate
from crm.customers import selectors as customer_selectors
from crm.customers.models import Contact
from crm.org.models import User
from crm.org.selectors import employees_for_user
from crm.web.pages import confirm_delete, page_view, show_error

from . import selectors, selectors_activities, selectors_quotes, services
from .forms import CloseForm, LineFormSet, OpportunityFilterForm, OpportunityForm
from .models import OpportunityStatus
from .stages import business_unit_of
from .views_picker import customer_named

OPPORTUNITY_ACTIVITIES = 20  # on the opportunity's page; the rest in the activity list


def _owners(user: Any) -> Any:
    return employees_for_user(user, active=True)


def filters_from(data: Any) -> tuple[selectors.OpportunityFilters, dict[str, Any]]:
    """The filters of a list/board query string (or a POST carrying them)."""
    values = OpportunityFilterForm(data).values()
    sort = values.pop("sort", selectors.DEFAULT_OPPORTUNITY_ORDERING)
    filters = selectors.OpportunityFilters(search=values.pop("q", ""), ordering=sort, **values)
    return filters, values


@page_view
def opportunity_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.VIEW)
    filters, values = filters_from(request.GET)
    qs = selectors.opportunities_for_user(request.user, filters)
    try:
        page = paginate(qs, request.GET.get("page"), request.GET.get("page_size"))
    except DomainError:
        page = paginate(qs)
    unit = selectors.user_business_unit(request.user)
    return render(
        request,
        "sales/opportunity_list.html",
        {
            "page": page,
            "filters": filters,
            "filtered": bool(values) or bool(filters.search),
            "sort": filters.ordering,
            "sort_options": [
                ("-updated_at", _("Recently updated")),
                ("-amount", _("Largest amount")),
                ("expected_close", _("Closing soonest")),
                ("-probability", _("Most likely")),
                ("name", _("Name")),
            ],
            "statuses": OpportunityStatus.choices,
            "stages": selectors.stages_for(unit),
            "owners": _owners(request.user),
            "can_create": get_access(request.user).can(Module.SALES, Action.CREATE),
        },
    )


def _customer_from(request: HttpRequest, text: str) -> Any:
    """The customer a picker value names: "C00000012 name" or a bare code or id."""
    found = customer_named(request.user, text)
    if found is None:
        raise ValidationFailed(fields={"customer": [_("Choose a customer from the list.")]})
    return found


def _form(request: HttpRequest, opportunity: Any = None) -> tuple[OpportunityForm, Any]:
    user = request.user
    owners = _owners(user)
    if opportunity is not None:
        owners = owners | User.objects.filter(pk=opportunity.owner_id)
        customer = opportunity.customer
        initial: dict[str, Any] = {
            "name": opportunity.name,
            "customer": f"{customer.code} {customer.name}",
            "contact": opportunity.contact_id,
            "amount": quantize(opportunity.amount, 2),
            "probability": opportunity.probability,
            "expected_close": opportunity.expected_close,
            "competitors": opportunity.competitors,
            "next_step": opportunity.next_step,
            "owner": opportunity.owner_id,
            "version": opportunity.version,
        }
        lines = list(selectors.lines_of(opportunity))
        line_initial = [
            {"product": li.product, "quantity": li.quantity, "unit_price": li.unit_price}
            for li in lines
        ]
    else:
        customer = None
        raw = request.GET.get("customer", "")
        if raw.isdigit():
            customer = customer_selectors.customers_for_user(user).filter(pk=int(raw)).first()
        initial = {"owner": user.pk}
        if customer is not None:
            initial["customer"] = f"{customer.code} {customer.name}"
        line_initial = []
    stages = selectors.stages_for(business_unit_of(getattr(user, "unit", None)), active_only=True)
    form = OpportunityForm(
        request.POST or None,
        owners=owners,
        stages=stages.filter(is_won=False, is_lost=False),
        contacts=customer_selectors.contacts_of(customer) if customer else Contact.objects.none(),
        editing=opportunity is not None,
        initial=initial,
    )
    if request.method == "POST" and form.data.get("customer"):
        try:
            chosen = _customer_from(request, str(form.data.get("customer")))
            form.fields["contact"].queryset = customer_selectors.contacts_of(chosen)  # type: ignore[attr-defined]
        except ValidationFailed:
            pass
    formset = LineFormSet(  # type: ignore[call-arg]
        request.POST or None,
        prefix="lines",
        user=user,
        initial=line_initial,
    )
    return form, formset


def _save(request: HttpRequest, form: OpportunityForm, formset: Any, opportunity: Any) -> Any:
    d = dict(form.cleaned_data)
    customer = _customer_from(request, d.pop("customer"))
    lines = formset.lines()
    version = d.pop("version", None)
    stage = d.pop("stage", None)
    if d.get("amount") is None:
        d["amount"] = 0
    if opportunity is None:
        name, close = d.pop("name"), d.pop("expected_close")
        return services.opportunity_create(
            actor=request.user,
            customer=customer,
            name=name,
            expected_close=close,
            stage=stage,
            lines=lines or None,
            **d,
        )
    if customer.pk != opportunity.customer_id:
        d["customer"] = customer
    return services.opportunity_update(
        opportunity=opportunity, version=version or 0, actor=request.user, lines=lines, **d
    )


def _edit_page(request: HttpRequest, opportunity: Any) -> HttpResponse:
    form, formset = _form(request, opportunity)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid() and formset.is_valid():
            try:
                saved = _save(request, form, formset, opportunity)
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Changes saved.")
                    if opportunity
                    else _("Opportunity “%(name)s” created.") % {"name": saved.name},
                )
                return redirect("sales:opportunity_detail", saved.pk)
    return render(
        request,
        "sales/opportunity_form.html",
        {"form": form, "formset": formset, "opportunity": opportunity},
        status=status,
    )


@page_view
def opportunity_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.CREATE)
    return _edit_page(request, None)


@page_view
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.EDIT)
    return _edit_page(request, opportunity)


@page_view
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=pk)
    access = get_access(request.user)
    stages = list(selectors.stages_for(business_unit_of(opportunity.org_unit), active_only=True))
    activities = list(
        selectors_activities.activities_of_opportunity(request.user, opportunity)[
            : OPPORTUNITY_ACTIVITIES + 1
        ]
    )
    return render(
        request,
        "sales/opportunity_detail.html",
        {
            "o": opportunity,
            "weighted": quantize(opportunity.amount * opportunity.probability / 100, 2),
            "lines": list(selectors.lines_of(opportunity)),
            "stages": [s for s in stages if not s.is_closed],
            "stage_history": list(selectors.stage_history_of(opportunity)[:50]),
            "close_form": CloseForm(initial={"version": opportunity.version}),
            "can_edit": access.can(Module.SALES, Action.EDIT),
            "can_delete": access.can(Module.SALES, Action.DELETE),
            "history": history_for(opportunity)[:50],
            "activities": activities[:OPPORTUNITY_ACTIVITIES],
            "more_activities": len(activities) > OPPORTUNITY_ACTIVITIES,
            "can_plan": access.can(Module.SALES, Action.CREATE),
            "now": timezone.now(),
            "quotes": selectors_quotes.quotes_of_opportunity(request.user, opportunity),
        },
    )


@page_view
@require_POST
def opportunity_close(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.EDIT)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose won or lost."))
        return redirect("sales:opportunity_detail", pk)
    try:
        services.opportunity_close(
            opportunity=opportunity,
            won=form.cleaned_data["outcome"] == OpportunityStatus.WON,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
            actor=request.user,
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, " ".join(e for es in exc.fields.values() for e in es) or str(exc))
    else:
        messages.success(request, _("Opportunity closed."))
    return redirect("sales:opportunity_detail", pk)


@page_view
def opportunity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.DELETE)
    return confirm_delete(
        request,
        opportunity,
        question=_("Move opportunity “%(name)s” to the recycle bin?") % {"name": opportunity.name},
        cancel=reverse("sales:opportunity_detail", args=[opportunity.pk]),
        delete=lambda: services.opportunity_delete(opportunity=opportunity, actor=request.user),
        done=_("Opportunity “%(name)s” moved to the recycle bin.") % {"name": opportunity.name},
        then=reverse("sales:opportunity_list"),
    )


@page_view
def customer_options(request: HttpRequest) -> HttpResponse:
    """The customer picker's suggestions (htmx): customers the user may see."""
    require(request.user, Module.SALES, Action.VIEW)
    query = request.GET.get("customer", "").replace("\x00", "")[:100]
    customers = []
    if query.strip():
        token = query.strip().split(" ", 1)[0]
        filters = customer_selectors.CustomerFilters(search=token)
        customers = list(customer_selectors.customers_for_user(request.user, filters)[:15])
    return render(request, "sales/_customer_options.html", {"customers": customers})
