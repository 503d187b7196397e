"""The kanban board (SAL-2): one column per active stage of a business unit's set, with
totals; cards move by drag and drop (SortableJS + htmx), carrying their version, so a move
of a card changed elsewhere meanwhile is refused and the card goes back."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.access import get_access, require
from crm.core.errors import DomainError, ValidationFailed
from crm.core.modules import Action, Module, Special
from crm.org.models import OrgUnit, UnitKind
from crm.org.selectors import employees_for_user
from crm.web.pages import page_view

from . import selectors, services
from .views import filters_from

DEFAULT_SET = "default"
# Card links are this prefix + id + "/" (one reverse() per page instead of two per card).
OPPORTUNITIES_URL = reverse_lazy("sales:opportunity_list")


def board_unit(request: Any, raw: str | None) -> OrgUnit | None:
    """The business unit whose board to show: ?bu=<company id> or "default"; else the
    user's own business unit."""
    if raw == DEFAULT_SET:
        return None
    if raw and raw.isdigit():
        unit = OrgUnit.objects.filter(pk=int(raw), kind=UnitKind.COMPANY).first()
        if unit is not None:
            return unit
    return selectors.user_business_unit(request.user)


def _query(request: HttpRequest, unit: OrgUnit | None) -> str:
    params = request.GET.copy() if request.method == "GET" else request.POST.copy()
    for key in ("stage", "version", "reason", "page", "csrfmiddlewaretoken"):
        params.pop(key, None)
    params["bu"] = str(unit.pk) if unit else DEFAULT_SET
    return params.urlencode()


@page_view
def board(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.VIEW)
    unit = board_unit(request, request.GET.get("bu"))
    filters, values = filters_from(request.GET)
    columns = selectors.board_for_user(request.user, unit, filters)
    access = get_access(request.user)
    return render(
        request,
        "sales/board.html",
        {
            "columns": columns,
            "unit": unit,
            "units": selectors.business_unit_choices(),
            "filters": filters,
            "filtered": bool(values) or bool(filters.search),
            "owners": employees_for_user(request.user, active=True),
            "query": _query(request, unit),
            "can_edit": access.can(Module.SALES, Action.EDIT),
            "can_create": access.can(Module.SALES, Action.CREATE),
            "can_manage_stages": access.has(Special.MANAGE_SYSTEM),
            "cap": selectors.BOARD_CARDS,
            "opp_prefix": OPPORTUNITIES_URL,
        },
    )


@page_view
@require_POST
def opportunity_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an opportunity to another stage. From the board (htmx): the moved card and every
    column's totals come back out of band; a refusal is a 409/422 with the message, and the
    page puts the card back. From a plain form: back to the opportunity with a message."""
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.EDIT)
    htmx = request.headers.get("HX-Request") == "true"
    try:
        version = int(request.POST.get("version") or 0)
        stage = selectors.stage_get(request.POST.get("stage"))
        moved = services.opportunity_move_stage(
            opportunity=opportunity,
            stage=stage,
            version=version,
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
    except (DomainError, ValueError) as exc:
        if isinstance(exc, DomainError) and exc.status in (403, 404) and not htmx:
            raise
        if isinstance(exc, ValueError):
            exc = ValidationFailed()
        text = " ".join(e for es in exc.fields.values() for e in es) or str(exc.message)
        if htmx:
            return HttpResponse(text, status=exc.status, content_type="text/plain; charset=utf-8")
        messages.error(request, text)
        return redirect("sales:opportunity_detail", pk)
    if not htmx:
        messages.success(request, _("Moved to “%(stage)s”.") % {"stage": moved.stage})
        return redirect("sales:opportunity_detail", pk)
    unit = board_unit(request, request.POST.get("bu"))
    filters, _values = filters_from(request.POST)
    stages = list(selectors.stages_for(unit, active_only=True))
    totals = selectors.column_totals(request.user, [s.pk for s in stages], filters)
    card = selectors.card_for_user(request.user, moved.pk)
    heads = [selectors.BoardColumn(s, *totals.get(s.pk, (0, Decimal(0)))) for s in stages]
    return render(
        request,
        "sales/_board_update.html",
        {
            "o": card,
            "heads": heads,
            "query": _query(request, unit),
            "cap": selectors.BOARD_CARDS,
            "opp_prefix": OPPORTUNITIES_URL,
        },
    )
