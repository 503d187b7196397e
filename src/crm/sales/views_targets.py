"""Pages of sales targets: achievement rolled up the org tree, and setting targets."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.access import require
from crm.core.audit import history_for
from crm.core.errors import DomainError
from crm.core.modules import Action, Module
from crm.web.pages import confirm_delete, page_view, show_error

from . import selectors_targets as tsel
from . import services_targets as services
from .forms_activities import TargetAmountForm, TargetForm
from .models_activities import PeriodKind
from .target_periods import fiscal_start_month, parse_period


@page_view
def target_list(request: HttpRequest) -> HttpResponse:
    """Target achievement for a period: each unit of the user's scope (its subtree's amount
    won against its target) and each rep under it. A rep sees their own row."""
    require(request.user, Module.SALES, Action.VIEW)
    fiscal = fiscal_start_month()
    period = parse_period(
        request.GET.get("period"), request.GET.get("date"), timezone.localdate(), fiscal
    )
    manager = tsel.is_manager_scope(request.user)
    rows = tsel.achievement_tree(request.user, period) if manager else []
    mine: list[tsel.Achievement] = []
    if not manager:
        targets = list(tsel.targets_for_user(request.user, period=period))
        mine = tsel.achievements(targets, tsel.won_for_targets(request.user, targets))
    return render(
        request,
        "sales/activities/targets.html",
        {
            "period": period,
            "periods": PeriodKind.choices,
            "rows": rows,
            "mine": mine,
            "manager": manager,
            "can_manage": tsel.can_manage_targets(request.user, Action.CREATE),
            "can_edit": tsel.can_manage_targets(request.user, Action.EDIT),
            "can_delete": tsel.can_manage_targets(request.user, Action.DELETE),
        },
    )


def _target_url(period: Any = None) -> str:
    url = reverse("sales:target_list")
    if period is not None:
        url += f"?period={period.kind}&date={period.start:%Y-%m-%d}"
    return url


@page_view
def target_create(request: HttpRequest) -> HttpResponse:
    tsel.require_target_manager(request.user, Action.CREATE)
    if request.method == "POST":
        # A rep or unit outside the user's scope is a 404, as in the API.
        tsel.target_subject(
            request.user, rep_id=request.POST.get("rep"), unit_id=request.POST.get("org_unit")
        )
    period = parse_period(
        request.GET.get("period"), request.GET.get("date"), timezone.localdate(), 1
    )
    form = TargetForm(
        request.POST or None,
        reps=tsel.target_reps(request.user),
        units=tsel.target_units(request.user),
        initial={
            "period_kind": period.kind,
            "period_start": period.start,
            "rep": request.GET.get("rep"),
            "org_unit": request.GET.get("unit"),
        },
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                target = services.target_create(
                    actor=request.user,
                    period_kind=d["period_kind"],
                    period_start=d["period_start"],
                    amount=d["amount"],
                    rep=d["rep"],
                    org_unit=None if d["rep"] else d["org_unit"],
                )
            except DomainError as exc:
                show_error(request, exc, form)
            else:
                messages.success(request, _("Target saved."))
                return redirect(
                    _target_url(
                        parse_period(target.period_kind, target.period_start, target.period_start)
                    )
                )
    return render(
        request, "sales/activities/target_form.html", {"form": form, "target": None}, status=status
    )


@page_view
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = tsel.target_get_for_user(user=request.user, pk=pk)
    tsel.require_target_manager(request.user, Action.EDIT)
    form = TargetAmountForm(
        request.POST or None,
        initial={"amount": round(target.amount, 2), "version": target.version},
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.target_update(
                    target=target,
                    version=form.cleaned_data["version"],
                    actor=request.user,
                    amount=form.cleaned_data["amount"],
                )
            except DomainError as exc:
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(request, _("Changes saved."))
                return redirect(
                    _target_url(
                        parse_period(target.period_kind, target.period_start, target.period_start)
                    )
                )
    return render(
        request,
        "sales/activities/target_form.html",
        {"form": form, "target": target, "history": history_for(target)[:20]},
        status=status,
    )


@page_view
def target_delete(request: HttpRequest, pk: int) -> HttpResponse:
    target = tsel.target_get_for_user(user=request.user, pk=pk)
    tsel.require_target_manager(request.user, Action.DELETE)
    return confirm_delete(
        request,
        target,
        question=_("Move the target “%(target)s” to the recycle bin?") % {"target": target},
        cancel=reverse("sales:target_list"),
        delete=lambda: services.target_delete(target=target, actor=request.user),
        done=_("Target moved to the recycle bin."),
        then=reverse("sales:target_list"),
    )
