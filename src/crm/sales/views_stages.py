"""The stage settings page (SYS-5), for system managers: per business unit (or the default
set), add, rename, re-weigh, re-flag, reorder (drag and drop), retire or delete stages."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.audit import history_for
from crm.core.errors import DomainError, NotFound
from crm.org.models import OrgUnit, UnitKind
from crm.web.pages import page_view

from . import selectors, services_stages
from .api import require_stage_admin
from .forms import StageForm
from .models import ForecastCategory, Stage
from .stages import has_own_stages

DEFAULT_SET = "default"


def _unit(raw: str | None) -> OrgUnit | None:
    if not raw or raw == DEFAULT_SET:
        return None
    unit = (
        OrgUnit.objects.filter(pk=int(raw), kind=UnitKind.COMPANY).first()
        if raw.isdigit()
        else None
    )
    if unit is None:
        raise NotFound()
    return unit


def _back(unit: OrgUnit | None) -> HttpResponse:
    key = str(unit.pk) if unit else DEFAULT_SET
    return redirect(reverse("sales:stages") + f"?bu={key}")


def _report(request: HttpRequest, exc: DomainError) -> None:
    shown = False
    for errors in exc.fields.values():
        for e in errors:
            messages.error(request, e)
            shown = True
    if not shown:
        messages.error(request, str(exc.message))


@page_view
def stage_settings(request: HttpRequest) -> HttpResponse:
    require_stage_admin(request.user)
    unit = _unit(request.POST.get("bu") if request.method == "POST" else request.GET.get("bu"))
    if request.method == "POST":
        return _stage_post(request, unit)
    stages = list(selectors.stages_for(unit))
    return render(
        request,
        "sales/stages.html",
        {
            "unit": unit,
            "unit_key": str(unit.pk) if unit else DEFAULT_SET,
            "units": selectors.business_unit_choices(),
            "own": unit is None or has_own_stages(unit),
            "stages": stages,
            "categories": ForecastCategory.choices,
            "new_form": StageForm(prefix="new", initial={"probability": 50, "active": True}),
            "history": _history(stages),
        },
    )


def _history(stages: list[Stage]) -> list[Any]:
    entries = [e for s in stages for e in history_for(s)[:10]]
    return sorted(entries, key=lambda e: e.at, reverse=True)[:30]


def _stage_post(request: HttpRequest, unit: OrgUnit | None) -> HttpResponse:
    action = request.POST.get("action", "")
    try:
        if action == "create":
            form = StageForm(request.POST, prefix="new")
            if not form.is_valid():
                for errors in form.errors.values():
                    for e in errors:
                        messages.error(request, str(e))
                return _back(unit)
            services_stages.stage_create(
                business_unit=unit, actor=request.user, **form.cleaned_data
            )
            messages.success(request, _("Stage added."))
        elif action in ("update", "delete"):
            stage = selectors.stage_get(request.POST.get("id"))
            if stage.business_unit_id not in (None, unit.pk if unit else None):
                raise NotFound()
            if action == "delete":
                services_stages.stage_delete(stage=stage, business_unit=unit, actor=request.user)
                messages.success(request, _("Stage deleted."))
            else:
                form = StageForm(request.POST, prefix=f"s{stage.pk}")
                if not form.is_valid():
                    for errors in form.errors.values():
                        for e in errors:
                            messages.error(request, str(e))
                    return _back(unit)
                services_stages.stage_update(
                    stage=stage, business_unit=unit, actor=request.user, **form.cleaned_data
                )
                messages.success(request, _("Stage saved."))
        else:
            messages.error(request, _("Unknown action."))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        _report(request, exc)
    return _back(unit)


@page_view
@require_POST
def stage_reorder(request: HttpRequest) -> HttpResponse:
    require_stage_admin(request.user)
    unit = _unit(request.POST.get("bu"))
    raw = request.POST.get("ids", "")
    ids = [int(p) for p in raw.split(",") if p.strip().isdigit()]
    try:
        services_stages.stages_reorder(business_unit=unit, ids=ids, actor=request.user)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        _report(request, exc)
    else:
        messages.success(request, _("Order saved."))
    return _back(unit)
