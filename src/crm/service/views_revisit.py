"""Pages of complaint revisits (SVC-5): the agent's due revisits, recording one, the report
of complaint causes and satisfaction, and the revisit lead time per ticket type."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.access import require
from crm.core.errors import Forbidden, ValidationFailed
from crm.core.modules import Action, Module
from crm.core.pagination import paginate
from crm.web.pages import page_view

from . import selectors, selectors_revisit, selectors_sla, services_revisit
from .models import TicketType


def _date(raw: Any) -> date | None:
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        return None


@page_view
def revisit_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SERVICE, Action.VIEW)
    state = request.GET.get("state", "due")
    state = state if state in selectors_revisit.STATES else "due"
    qs = selectors_revisit.revisit_list(request.user, state=state, today=timezone.localdate())
    page = paginate(qs, request.GET.get("page") if request.GET.get("page", "").isdigit() else None)
    return render(
        request,
        "service/revisit_list.html",
        {
            "page": page,
            "state": state,
            "today": timezone.localdate(),
            "states": [("due", _("Due")), ("pending", _("All scheduled")), ("done", _("Done"))],
        },
    )


@require_POST
@page_view
def revisit_record(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    revisit = selectors_revisit.revisit_get_for_user(user=user, pk=pk)
    require(user, Module.SERVICE, Action.EDIT)
    if not selectors.can_edit(user, revisit.ticket):
        raise Forbidden()
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        raise ValidationFailed(_("Reload the page and try again.")) from None
    services_revisit.revisit_record(
        revisit=revisit,
        version=version,
        satisfaction=request.POST.get("satisfaction"),
        comments=request.POST.get("comments", ""),
        actor=user,
    )
    messages.success(request, _("Revisit recorded."))
    return redirect("service:ticket_detail", revisit.ticket_id)


@page_view
def complaint_report(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SERVICE, Action.VIEW)
    group = request.GET.get("group", "cause")
    group = group if group in selectors_revisit.REPORT_GROUPS else "cause"
    since, until = _date(request.GET.get("since", "")), _date(request.GET.get("until", ""))
    rows = selectors_revisit.complaint_report(request.user, group=group, since=since, until=until)
    return render(
        request,
        "service/complaint_report.html",
        {
            "rows": rows,
            "group": group,
            "since": since,
            "until": until,
            "groups": [("cause", _("Cause")), ("product", _("Product")), ("month", _("Month"))],
        },
    )


@require_POST
@page_view
def revisit_days(request: HttpRequest) -> HttpResponseBase:
    """The revisit lead time per ticket type (fields type_<id>; empty = no revisit)."""
    selectors_sla.require_sla_admin(request.user)
    for ticket_type in TicketType.objects.filter(active=True):
        raw = request.POST.get(f"type_{ticket_type.pk}")
        if raw is None:
            continue
        raw = raw.strip()
        try:
            days = int(raw) if raw else None
        except ValueError:
            raise ValidationFailed(_("Enter 0 to 365 days, or nothing.")) from None
        services_revisit.type_set_revisit_days(
            ticket_type=ticket_type, days=days, actor=request.user
        )
    messages.success(request, _("Saved."))
    return redirect("service:sla_settings")
