"""Pages of activities: my week, the list, plan/log, check in, outcome, reschedule, cancel.

Phone first: a rep runs their week from /sales/week/. Thin: selectors read, services write.
"""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.access import get_access, require
from crm.core.audit import history_for
from crm.core.errors import DomainError, ValidationFailed
from crm.core.modules import Action, Module
from crm.core.pagination import paginate
from crm.web.pages import confirm_delete, page_view, show_error

from . import selectors_activities as sel
from . import services_activities as services
from .forms_activities import (
    ActivityFilterForm,
    ActivityForm,
    CancelForm,
    CompleteForm,
    RescheduleForm,
)
from .models_activities import Activity, ActivityKind, ActivityStatus, PeriodKind
from .target_periods import period_of

# --- my week -----------------------------------------------------------------------------


def _own_rate(user: Any, start: Any, end: Any) -> sel.VisitRate:
    return sel.visit_total(sel.visit_rates(user, start, end, owner=user.pk))


@page_view
def activity_week(request: HttpRequest) -> HttpResponse:
    """My week: overdue, today, the next seven days, and my visit achievement rate."""
    require(request.user, Module.SALES, Action.VIEW)
    access = get_access(request.user)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    month = period_of(PeriodKind.MONTH, today)
    return render(
        request,
        "sales/activities/week.html",
        {
            "agenda": sel.agenda(request.user),
            "week_rate": _own_rate(request.user, monday, monday + timedelta(days=7)),
            "month_rate": _own_rate(request.user, month.start, month.end),
            "can_create": access.can(Module.SALES, Action.CREATE),
            "can_edit": access.can(Module.SALES, Action.EDIT),
            "now": timezone.now(),
        },
    )


# --- list --------------------------------------------------------------------------------


@page_view
def activity_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.VIEW)
    values = ActivityFilterForm(request.GET).values()
    sort = values.pop("sort", sel.DEFAULT_ORDERING)
    filters = sel.ActivityFilters(search=values.pop("q", ""), ordering=sort, **values)
    qs = sel.activities_for_user(request.user, filters)
    try:
        page = paginate(qs, request.GET.get("page"), request.GET.get("page_size"))
    except DomainError:
        page = paginate(qs)
    manager = sel.is_manager(request.user)
    return render(
        request,
        "sales/activities/list.html",
        {
            "page": page,
            "filters": filters,
            "filtered": bool(values) or bool(filters.search),
            "sort": filters.ordering,
            "sort_options": [
                ("planned_start", _("Earliest first")),
                ("-planned_start", _("Latest first")),
                ("-updated_at", _("Recently updated")),
                ("subject", _("Subject")),
            ],
            "kinds": ActivityKind.choices,
            "statuses": [*ActivityStatus.choices, (sel.OVERDUE, _("Overdue"))],
            "owners": sel.assignable_owners(request.user) if manager else [],
            "units": sel.sales_units(request.user) if manager else [],
            "can_create": get_access(request.user).can(Module.SALES, Action.CREATE),
            "now": timezone.now(),
        },
    )


# --- plan / log / edit -------------------------------------------------------------------


def _links(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    """customer/contact/opportunity ids (form or query string) → records the user may use."""
    from .api_activities import resolve_links

    raw = {
        "customer_id": data.get("customer") or None,
        "contact_id": data.get("contact") or None,
        "opportunity_id": data.get("opportunity") or None,
    }
    try:
        resolve_links(request.user, raw)
    except ValidationFailed as exc:
        raise ValidationFailed(
            fields={k.removesuffix("_id"): v for k, v in exc.fields.items()}
        ) from None
    return raw


def _picker(request: HttpRequest, links: dict[str, Any]) -> dict[str, Any]:
    """What the customer picker shows: the chosen customer, its contacts and opportunities."""
    customer = links.get("customer")
    contacts: list[Any] = []
    opportunities: list[Any] = []
    if customer is not None:
        from crm.customers.selectors import contacts_of

        from .models import OpportunityStatus
        from .selectors import OpportunityFilters, opportunities_for_user

        contacts = list(contacts_of(customer)[:100])
        opportunities = list(
            opportunities_for_user(
                request.user,
                OpportunityFilters(customer=customer.pk, status=OpportunityStatus.OPEN),
            )[:50]
        )
    return {
        "picked": customer,
        "picked_contact": links.get("contact"),
        "picked_opportunity": links.get("opportunity"),
        "contacts": contacts,
        "opportunities": opportunities,
    }


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _initial_start() -> Any:
    now = timezone.localtime()
    return (now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)


@page_view
def activity_create(request: HttpRequest) -> HttpResponse:
    """Plan a visit (or call, meeting, task), or log one that already happened. Opened from a
    customer's page with ?customer=ID (and &opportunity=ID) the customer is filled in."""
    require(request.user, Module.SALES, Action.CREATE)
    source = request.POST if request.method == "POST" else request.GET
    kind = source.get("kind") if source.get("kind") in ActivityKind.values else "visit"
    form = ActivityForm(
        request.POST or None,
        owners=sel.assignable_owners(request.user),
        initial={
            "kind": kind,
            "owner": request.user.pk,
            "planned_start": _initial_start(),
            "customer": request.GET.get("customer"),
            "opportunity": request.GET.get("opportunity"),
        },
    )
    try:
        links = _links(request, source)
    except ValidationFailed:
        links = {}
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                links = _links(request, form.cleaned_data)
                activity = services.activity_create(
                    actor=request.user,
                    is_planned=not form.cleaned_data.get("log_only"),
                    **links,
                    **form.changes(),
                )
            except DomainError as exc:
                show_error(request, exc, form)
            else:
                messages.success(
                    request, _("Activity “%(subject)s” saved.") % {"subject": activity.subject}
                )
                return redirect(_safe_next(request) or reverse("sales:activity_week"))
    return render(
        request,
        "sales/activities/form.html",
        {"form": form, "activity": None, "next": _safe_next(request), **_picker(request, links)},
        status=status,
    )


def _activity_initial(a: Activity) -> dict[str, Any]:
    return {
        "kind": a.kind,
        "subject": a.subject,
        "customer": a.customer_id,
        "contact": a.contact_id,
        "opportunity": a.opportunity_id,
        "owner": a.owner_id,
        "planned_start": timezone.localtime(a.planned_start),
        "planned_end": timezone.localtime(a.planned_end),
        "purpose": a.purpose,
        "notes": a.notes,
        "next_step": a.next_step,
        "version": a.version,
    }


@page_view
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = sel.activity_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.EDIT)
    form = ActivityForm(
        request.POST or None,
        owners=sel.assignable_owners(request.user),
        editing=True,
        initial=_activity_initial(activity),
    )
    links = {
        "customer": activity.customer,
        "contact": activity.contact,
        "opportunity": activity.opportunity,
    }
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                links = _links(request, form.cleaned_data)
                services.activity_update(
                    activity=activity,
                    version=form.cleaned_data["version"] or 0,
                    actor=request.user,
                    **links,
                    **form.changes(),
                )
            except DomainError as exc:
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(request, _("Changes saved."))
                return redirect("sales:activity_detail", activity.pk)
    return render(
        request,
        "sales/activities/form.html",
        {"form": form, "activity": activity, "next": None, **_picker(request, links)},
        status=status,
    )


@login_required
def customer_picker(request: HttpRequest) -> HttpResponse:
    """The customer picker (htmx): matching customers for ?q=, or the chosen ?pick=ID with
    its contacts and open opportunities."""
    from crm.customers.selectors import CustomerFilters, customers_for_user

    if not get_access(request.user).can(Module.SALES, Action.VIEW):
        raise Http404()
    q = request.GET.get("q", "").replace("\x00", "")[:100].strip()
    links: dict[str, Any] = {}
    if request.GET.get("pick"):
        try:
            links = _links(request, {"customer": request.GET.get("pick")})
        except ValidationFailed:
            links = {}
    if links or "q" not in request.GET:
        # The whole picker: the chosen customer with its contacts, or an empty search box.
        return render(
            request, "sales/activities/_picker.html", {"q": "", **_picker(request, links)}
        )
    results = list(customers_for_user(request.user, CustomerFilters(search=q))[:10]) if q else []
    return render(
        request,
        "sales/activities/_picker_results.html",
        {"q": q, "results": results, "searched": bool(q)},
    )


# --- one activity and its actions --------------------------------------------------------


@page_view
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = sel.activity_get_for_user(user=request.user, pk=pk)
    access = get_access(request.user)
    return render(
        request,
        "sales/activities/detail.html",
        {
            "activity": activity,
            "history": history_for(activity)[:50],
            "can_edit": access.can(Module.SALES, Action.EDIT),
            "can_delete": access.can(Module.SALES, Action.DELETE),
            "can_check_in": activity.status == ActivityStatus.PLANNED
            and activity.kind in services.CHECK_IN_KINDS
            and activity.checked_in_at is None,
            "is_open": activity.status == ActivityStatus.PLANNED,
            "is_overdue": activity.status == ActivityStatus.PLANNED
            and activity.planned_end < timezone.now(),
        },
    )


def _editable(request: HttpRequest, pk: int) -> Activity:
    activity = sel.activity_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.EDIT)
    return activity


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0


@page_view
@require_POST
def activity_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _editable(request, pk)
    services.activity_check_in(activity=activity, version=_version(request), actor=request.user)
    messages.success(
        request,
        _("Checked in at %(time)s.") % {"time": timezone.localtime().strftime("%H:%M")},
    )
    return redirect(_safe_next(request) or reverse("sales:activity_detail", args=[pk]))


def _action_page(
    request: HttpRequest,
    pk: int,
    form_class: Any,
    template: str,
    act: Any,
    done_message: str,
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    """A form that applies one state change to a planned activity (complete, reschedule,
    cancel): stale versions and refused changes come back as messages on the form."""
    activity = _editable(request, pk)
    form = form_class(
        request.POST or None, initial={"version": activity.version, **(initial or {})}
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                act(activity, form.cleaned_data)
            except DomainError as exc:
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(request, done_message)
                return redirect(_safe_next(request) or reverse("sales:activity_detail", args=[pk]))
    return render(
        request,
        template,
        {"activity": activity, "form": form, "next": _safe_next(request)},
        status=status,
    )


@page_view
def activity_complete(request: HttpRequest, pk: int) -> HttpResponse:
    def act(a: Activity, d: dict[str, Any]) -> None:
        services.activity_complete(
            activity=a,
            version=d["version"],
            actor=request.user,
            notes=d["notes"],
            next_step=d["next_step"],
        )

    return _action_page(
        request,
        pk,
        CompleteForm,
        "sales/activities/complete.html",
        act,
        _("Outcome saved."),
    )


@page_view
def activity_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    def act(a: Activity, d: dict[str, Any]) -> None:
        services.activity_reschedule(
            activity=a,
            version=d["version"],
            actor=request.user,
            planned_start=d["planned_start"],
            planned_end=d["planned_end"],
        )

    activity = sel.activity_get_for_user(user=request.user, pk=pk)
    return _action_page(
        request,
        pk,
        RescheduleForm,
        "sales/activities/reschedule.html",
        act,
        _("Rescheduled."),
        initial={
            "planned_start": timezone.localtime(activity.planned_start),
            "planned_end": timezone.localtime(activity.planned_end),
        },
    )


@page_view
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    def act(a: Activity, d: dict[str, Any]) -> None:
        services.activity_cancel(
            activity=a, version=d["version"], actor=request.user, reason=d["reason"]
        )

    return _action_page(
        request, pk, CancelForm, "sales/activities/cancel.html", act, _("Activity cancelled.")
    )


@page_view
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = sel.activity_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.DELETE)
    return confirm_delete(
        request,
        activity,
        question=_("Move activity “%(subject)s” to the recycle bin?")
        % {"subject": activity.subject},
        cancel=reverse("sales:activity_detail", args=[activity.pk]),
        delete=lambda: services.activity_delete(activity=activity, actor=request.user),
        done=_("Activity “%(subject)s” moved to the recycle bin.") % {"subject": activity.subject},
        then=reverse("sales:activity_list"),
    )
