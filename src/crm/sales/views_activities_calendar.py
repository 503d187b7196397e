"""The activity calendar (month and week grids), the ICS subscription and its token page,
and the visit achievement report."""

from calendar import monthrange
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from crm.core.access import get_access, require
from crm.core.modules import Action, Module
from crm.web.pages import page_view

from . import selectors_activities as sel
from . import services_activities as services
from .models_activities import Activity, ActivityStatus, PeriodKind
from .target_periods import fiscal_start_month, parse_period

CELL_ITEMS = 3  # items shown in a month cell at desktop width; the rest as "+N"


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _day(value: Any, default: date) -> date:
    try:
        d = date.fromisoformat(str(value)) if value else default
    except ValueError:
        return default
    return d if date(1990, 1, 1) <= d <= date(2100, 1, 1) else default


@page_view
def calendar(request: HttpRequest) -> HttpResponse:
    """?view=month|week, ?date=, and for managers ?owner= (one rep) or ?unit= (a team)."""
    require(request.user, Module.SALES, Action.VIEW)
    today = timezone.localdate()
    day = _day(request.GET.get("date"), today)
    view = "week" if request.GET.get("view") == "week" else "month"
    manager = sel.is_manager(request.user)
    owner_id = _int(request.GET.get("owner")) if manager else None
    unit_id = _int(request.GET.get("unit")) if manager else None
    owners = list(sel.assignable_owners(request.user)) if manager else []
    units = list(sel.sales_units(request.user)) if manager else []
    if owner_id is not None and all(o.pk != owner_id for o in owners):
        owner_id = None
    if unit_id is not None and all(u.pk != unit_id for u in units):
        unit_id = None
    if view == "week":
        first = day - timedelta(days=day.weekday())
        start, end = first, first + timedelta(days=7)
        prev_day, next_day = day - timedelta(days=7), day + timedelta(days=7)
    else:
        month_start = day.replace(day=1)
        month_end = month_start + timedelta(days=monthrange(day.year, day.month)[1])
        start = month_start - timedelta(days=month_start.weekday())
        end = month_end + timedelta(days=(7 - month_end.weekday()) % 7)
        prev_day = (month_start - timedelta(days=1)).replace(day=1)
        next_day = month_end
    items = sel.calendar_items(request.user, start, end, owner=owner_id, unit=unit_id)
    by_day: dict[date, list[Activity]] = {}
    for a in items:
        by_day.setdefault(timezone.localtime(a.planned_start).date(), []).append(a)
    days = [start + timedelta(days=i) for i in range((end - start).days)]
    cells = [
        {
            "day": d,
            "items": by_day.get(d, []),
            "shown": by_day.get(d, [])[:CELL_ITEMS],
            "more": max(0, len(by_day.get(d, [])) - CELL_ITEMS),
            "in_month": view == "week" or d.month == day.month,
            "is_today": d == today,
        }
        for d in days
    ]
    return render(
        request,
        "sales/activities/calendar.html",
        {
            "view": view,
            "day": day,
            "weeks": [cells[i : i + 7] for i in range(0, len(cells), 7)],
            "cells": cells,
            "count": len(items),
            "capped": len(items) >= sel.CALENDAR_LIMIT,
            "prev_day": prev_day,
            "next_day": next_day,
            "today": today,
            "manager": manager,
            "owners": owners,
            "units": units,
            "owner_id": owner_id,
            "unit_id": unit_id,
            "team": unit_id is not None,
            "now": timezone.now(),
        },
    )


# --- calendar subscription (ICS) -----------------------------------------------------------


def _feed_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("sales:activity_ics", args=[token]))


@page_view
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """The user's calendar subscription: make or renew the secret address (shown once), or
    turn it off."""
    require(request.user, Module.SALES, Action.VIEW)
    from .models_activities import CalendarFeed

    url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.success(request, _("The calendar address no longer works."))
            return redirect("sales:activity_feed")
        url = _feed_url(request, services.calendar_feed_rotate(user=request.user))
    feed = CalendarFeed.objects.filter(user=request.user).first()  # type: ignore[misc]
    return render(
        request,
        "sales/activities/feed.html",
        {
            "feed": feed,
            "url": url,
            "webcal": url.replace("https://", "webcal://").replace("http://", "webcal://")
            if url
            else None,
        },
    )


def _event(a: Activity, base: str) -> Any:
    from icalendar import Event

    event = Event()
    event.add("uid", f"crm-activity-{a.pk}")
    event.add("dtstamp", a.updated_at)
    event.add("last-modified", a.updated_at)
    event.add("sequence", a.version)
    event.add("dtstart", a.planned_start)
    event.add("dtend", a.planned_end)
    customer = a.customer
    title = f"{a.subject} · {customer.name}" if customer else a.subject
    event.add("summary", title)
    lines = [a.get_kind_display()]
    if a.contact:
        lines.append(_("Contact: %(name)s") % {"name": a.contact.name})
    if a.purpose:
        lines.append(a.purpose)
    if a.status == ActivityStatus.DONE and a.notes:
        lines.append(_("Outcome: %(notes)s") % {"notes": a.notes})
    event.add("description", "\n".join(lines))
    if customer is not None and customer.address:
        event.add("location", customer.address)
    event.add("url", f"{base}{reverse('sales:activity_detail', args=[a.pk])}")
    event.add("status", "CONFIRMED")
    return event


@require_GET
def calendar_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The ICS feed of the token's user: their own visits and meetings. No session: the
    secret address is the credential; an unknown token or a user without sales rights is 404."""
    from icalendar import Calendar

    user = services.calendar_feed_user(token)
    if user is None or not get_access(user).can(Module.SALES, Action.VIEW):
        raise Http404()
    language = user.language or translation.get_language()
    with translation.override(language):
        cal = Calendar()
        cal.add("prodid", "-//crm//sales activities//ZH")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("x-wr-calname", _("CRM visits of %(name)s") % {"name": user})
        cal.add("x-wr-timezone", timezone.get_current_timezone_name())
        base = request.build_absolute_uri("/").rstrip("/")
        for a in sel.feed_items(user):
            cal.add_component(_event(a, base))
        body = cal.to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="crm-visits.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- visit achievement rate ----------------------------------------------------------------


@page_view
def visit_achievement(request: HttpRequest) -> HttpResponse:
    """拜访达成率 per rep (completed planned visits / planned visits) for a month, quarter or
    year; a manager sees every rep of their scope, a rep themself."""
    require(request.user, Module.SALES, Action.VIEW)
    period = parse_period(
        request.GET.get("period"),
        request.GET.get("date"),
        timezone.localdate(),
        fiscal_start_month(),
    )
    manager = sel.is_manager(request.user)
    units = list(sel.sales_units(request.user)) if manager else []
    unit_id = _int(request.GET.get("unit")) if manager else None
    if unit_id is not None and all(u.pk != unit_id for u in units):
        unit_id = None
    rates = sel.visit_rates(
        request.user,
        period.start,
        period.end,
        unit=unit_id,
        owner=None if manager else request.user.pk,
    )
    return render(
        request,
        "sales/activities/achievement.html",
        {
            "period": period,
            "periods": PeriodKind.choices,
            "rates": rates,
            "total": sel.visit_total(rates),
            "manager": manager,
            "units": units,
            "unit_id": unit_id,
        },
    )
