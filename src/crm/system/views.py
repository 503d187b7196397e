"""Pages of notifications (SYS-7): the inbox, the bell's count (loaded by htmx, so a page's
own query count does not change), read marks, the delivery preference and the run log.
Thin: the rules are in services, the reads in selectors."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.core.errors import DomainError
from crm.core.pagination import paginate
from crm.web.pages import page_view, show_error

from . import selectors, services
from .forms import PreferenceForm


def _page(request: HttpRequest, qs: Any) -> Any:
    try:
        return paginate(qs, request.GET.get("page"), request.GET.get("page_size"))
    except DomainError:
        return paginate(qs)


@require_GET
@page_view
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = _page(request, selectors.notification_list(request.user, unread_only=unread_only))
    return render(
        request,
        "system/notification_list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread": selectors.unread_count(request.user),
        },
    )


@require_GET
@page_view
def bell(request: HttpRequest) -> HttpResponse:
    """The unread count for the shell's bell (an htmx partial)."""
    return render(
        request, "system/_bell_count.html", {"count": selectors.unread_count(request.user)}
    )


@require_POST
@page_view
def notification_read(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Mark read; with `open`, go on to the notification's link (a path inside the site)."""
    n = selectors.notification_get_for_user(user=request.user, pk=pk)
    services.notification_mark_read(notification=n)
    if (
        request.POST.get("open")
        and n.url
        and url_has_allowed_host_and_scheme(n.url, allowed_hosts={request.get_host()})
    ):
        return redirect(n.url)
    return redirect(_back(request))


@require_POST
@page_view
def notification_read_all(request: HttpRequest) -> HttpResponseBase:
    n = services.notification_mark_all_read(user=request.user)
    messages.success(request, _("%(n)s notifications marked read.") % {"n": n})
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return "/notifications/"


@page_view
def preferences(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    pref = selectors.preference_for(user)
    initial = {"delivery": "email" if pref.email_enabled else "app", "version": pref.version}
    form = PreferenceForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.preference_set(
                    user=user,
                    email_enabled=form.cleaned_data["delivery"] == "email",
                    version=form.cleaned_data["version"],
                    actor=user,
                )
            except DomainError as exc:
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(request, _("Saved."))
                return redirect("system:preferences")
    return render(
        request,
        "system/preferences.html",
        {"form": form, "has_email": bool(user.email)},
        status=status,
    )


@require_GET
@page_view
def run_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.runs_for_admin(request.user))
    return render(request, "system/run_list.html", {"page": page})
