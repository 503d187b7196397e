"""Pages of SLAs: compliance figures, and the settings (calendars, days, policies, queue
managers) for system managers. Thin: rules in services_sla, reads in selectors_sla."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.access import require
from crm.core.errors import DomainError, ValidationFailed
from crm.core.modules import Action, Module
from crm.web.pages import page_view, show_error

from . import selectors_sla, services_sla
from .forms import CalendarDayForm, CalendarForm, PolicyForm, QueueManagerForm
from .models import TicketType


def _date(raw: Any) -> date | None:
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        return None


@page_view
def compliance(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SERVICE, Action.VIEW)
    group = request.GET.get("group", "month")
    group = group if group in selectors_sla.GROUPS else "month"
    since, until = _date(request.GET.get("since", "")), _date(request.GET.get("until", ""))
    rows = selectors_sla.compliance(request.user, group=group, since=since, until=until)
    return render(
        request,
        "service/sla_compliance.html",
        {
            "rows": rows,
            "group": group,
            "since": since,
            "until": until,
            "groups": [
                ("month", _("Month")),
                ("type", _("Type")),
                ("priority", _("Priority")),
                ("queue", _("Queue")),
            ],
        },
    )


@page_view
def sla_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    calendars = selectors_sla.calendars(user)
    return render(
        request,
        "service/sla_settings.html",
        {
            "calendars": calendars,
            "policies": selectors_sla.policies(user),
            "managers": selectors_sla.queue_managers(user),
            "manager_form": QueueManagerForm(),
            "types": TicketType.objects.filter(active=True),
        },
    )


def _calendar_values(form: CalendarForm) -> dict[str, Any]:
    hours = services_sla.parse_hours({d: form.cleaned_data[f"day_{d}"] for d in range(7)})
    return {"name": form.cleaned_data["name"], "tz": form.cleaned_data["tz"], "hours": hours}


@page_view
def calendar_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    selectors_sla.require_sla_admin(user)
    calendar = selectors_sla.calendar_get(user=user, pk=pk) if pk else None
    initial = CalendarForm.initial_for(calendar) if calendar else {}
    form = CalendarForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                values = _calendar_values(form)
                if calendar is None:
                    calendar = services_sla.calendar_create(actor=user, **values)
                else:
                    services_sla.calendar_update(
                        calendar=calendar,
                        version=form.cleaned_data["version"] or 0,
                        actor=user,
                        **values,
                    )
            except DomainError as exc:
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(request, _("Saved."))
                return redirect("service:sla_calendar_edit", calendar.pk)
    return render(
        request,
        "service/sla_calendar_form.html",
        {
            "form": form,
            "calendar": calendar,
            "days": selectors_sla.calendar_days(calendar) if calendar else [],
            "day_form": CalendarDayForm(),
        },
        status=status,
    )


@require_POST
@page_view
def calendar_day(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Add a day, or with `delete` remove one."""
    calendar = selectors_sla.calendar_get(user=request.user, pk=pk)
    if request.POST.get("delete"):
        day = _date(request.POST["delete"])
        if day is None:
            raise ValidationFailed(_("Enter a date as YYYY-MM-DD."))
        services_sla.calendar_day_delete(calendar=calendar, day=day, actor=request.user)
    else:
        form = CalendarDayForm(request.POST)
        if not form.is_valid():
            raise ValidationFailed(_("Enter a date as YYYY-MM-DD."))
        services_sla.calendar_day_set(
            calendar=calendar,
            actor=request.user,
            day=form.cleaned_data["date"],
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
        )
    messages.success(request, _("Saved."))
    return redirect("service:sla_calendar_edit", calendar.pk)


@page_view
def policy_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    selectors_sla.require_sla_admin(user)
    policy = selectors_sla.policy_get(user=user, pk=pk) if pk else None
    initial: dict[str, Any] = {}
    if policy is not None:
        initial = {
            "version": policy.version,
            "type": policy.type_id,
            "priority": policy.priority,
            "calendar": policy.calendar_id,
            "first_response_minutes": policy.first_response_minutes,
            "resolution_minutes": policy.resolution_minutes,
            "warn_percent": policy.warn_percent,
            "active": policy.active,
        }
    source = request.POST if request.method == "POST" else None
    form = PolicyForm(source, initial=initial, editing=policy is not None)
    status = 200
    if source is not None:
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version") or 0
            try:
                if policy is None:
                    services_sla.policy_create(actor=user, **data)
                else:
                    data.pop("type"), data.pop("priority")
                    services_sla.policy_update(policy=policy, version=version, actor=user, **data)
            except DomainError as exc:
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(
                    request,
                    _(
                        "Saved. Open tickets keep their deadlines until they change; run "
                        "check_sla --recompute to apply it to all now."
                    ),
                )
                return redirect("service:sla_settings")
    return render(
        request, "service/sla_policy_form.html", {"form": form, "policy": policy}, status=status
    )


@require_POST
@page_view
def queue_manager(request: HttpRequest) -> HttpResponseBase:
    selectors_sla.require_sla_admin(request.user)
    form = QueueManagerForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(_("Choose a queue."))
    services_sla.queue_manager_set(
        queue=form.cleaned_data["queue"], manager=form.cleaned_data["manager"], actor=request.user
    )
    messages.success(request, _("Saved."))
    return redirect("service:sla_settings")
