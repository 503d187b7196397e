"""Pages of commissions: the month's statements by rep with a drill-down, recompute and close
(finance, admins), and the rules (system managers). Thin: rules in services, reads in
selectors."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.access import require
from crm.core.audit import history_for
from crm.core.errors import DomainError, ValidationFailed
from crm.core.modules import Action, Module
from crm.web.pages import confirm_delete, page_view, show_error

from . import selectors, services, services_compute
from .forms import RuleForm
from .models import RuleKind
from .periods import month_bounds, period_of, previous


def _period(raw: Any) -> str:
    """The month asked for, or this month for a missing or malformed one."""
    try:
        month_bounds(str(raw or ""))
    except ValidationFailed:
        return period_of(timezone.localdate())
    return str(raw)


def _list_url(period: str) -> str:
    return f"{reverse('commissions:statement_list')}?period={period}"


@page_view
def statement_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, Module.SALES, Action.VIEW)
    period = _period(request.GET.get("period"))
    statements = selectors.statement_list(user, period)
    start, _end = month_bounds(period)
    return render(
        request,
        "commissions/statement_list.html",
        {
            "period": period,
            "previous": previous(period),
            "next": period_of(_end),
            "statements": statements[:500],
            "totals": selectors.statement_totals(statements),
            "row": selectors.period_by_name(period),
            "periods": selectors.periods(user)[:24],
            "can_compute": selectors.can_compute(user),
        },
    )


@page_view
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = selectors.statement_get(user=request.user, pk=pk)
    return render(
        request,
        "commissions/statement_detail.html",
        {"statement": statement, "lines": selectors.lines_of(statement)},
    )


@require_POST
@page_view
def recompute(request: HttpRequest) -> HttpResponseBase:
    selectors.require_compute(request.user)
    period = str(request.POST.get("period", ""))
    services_compute.period_recompute(period=period, actor=request.user)
    messages.success(request, _("Commissions of %(period)s recomputed.") % {"period": period})
    return redirect(_list_url(period))


@require_POST
@page_view
def period_close(request: HttpRequest, pk: int) -> HttpResponseBase:
    selectors.require_compute(request.user)
    row = selectors.period_get(user=request.user, pk=pk)
    services_compute.period_close(period=row, actor=request.user)
    messages.success(request, _("%(period)s is closed.") % {"period": row.period})
    return redirect(_list_url(row.period))


@page_view
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = selectors.rules(request.user).order_by("-active", "name", "id")
    return render(request, "commissions/rule_list.html", {"rules": rules})


def _initial(rule: Any) -> dict[str, Any]:
    return {
        "version": rule.version,
        "name": rule.name,
        "role": rule.role_id,
        "series": rule.series_id,
        "rating": rule.rating_id,
        "business_unit": rule.business_unit_id,
        "kind": rule.kind,
        "rate": rule.rate,
        "tiers": services.tiers_text(services.rule_tiers(rule)),
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
        "active": rule.active,
    }


@page_view
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    selectors.require_rule_admin(user)
    rule = selectors.rule_get(user=user, pk=pk) if pk else None
    initial = _initial(rule) if rule else {"valid_from": timezone.localdate().isoformat()}
    source = request.POST if request.method == "POST" else None
    form = RuleForm(source, initial=initial)
    status = 200
    if source is not None:
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version") or 0
            tiers_raw = data.pop("tiers")
            if data["rate"] is None:
                data["rate"] = 0
            try:
                tiers = services.parse_tiers(tiers_raw) if data["kind"] == RuleKind.TIERED else None
                if rule is None:
                    services.rule_create(actor=user, tiers=tiers or (), **data)
                else:
                    services.rule_update(
                        rule=rule, version=version, actor=user, tiers=tiers, **data
                    )
            except DomainError as exc:
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(
                    request, _("Saved. Recompute a month to apply the rule to its statements.")
                )
                return redirect("commissions:rule_list")
    return render(
        request,
        "commissions/rule_form.html",
        {"form": form, "rule": rule, "history": history_for(rule) if rule else []},
        status=status,
    )


@page_view
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = selectors.rule_get(user=request.user, pk=pk)
    return confirm_delete(
        request,
        rule,
        question=_("Delete the commission rule %(name)s?") % {"name": rule.name},
        cancel=reverse("commissions:rule_edit", args=[rule.pk]),
        delete=lambda: services.rule_delete(rule=rule, actor=request.user),
        done=_("Rule deleted."),
        then=reverse("commissions:rule_list"),
    )
