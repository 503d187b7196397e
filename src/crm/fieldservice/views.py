"""Pages of field service: equipment list/detail/form with installed products, service plans
with the "生成下月计划" button, the expert's visits and recording an outcome, and the skills
settings. Thin: the rules are in services, the scope in selectors."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from crm.core.access import get_access, require, require_special
from crm.core.audit import history_for
from crm.core.errors import DomainError, ValidationFailed
from crm.core.modules import Action, Module, Special
from crm.core.pagination import paginate
from crm.customers import selectors as customer_selectors
from crm.org.models import User
from crm.products import selectors as product_selectors
from crm.web.pages import confirm_delete, form_message, page_view, show_error

from . import selectors, services
from .forms import EquipmentForm, InstalledProductForm, PlanForm, VisitRecordForm
from .models import EquipmentStatus, EquipmentType, ExpertSkill, Skill, VisitStatus


def _int(raw: Any) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**63 else None


def _page(request: HttpRequest, qs: Any) -> Any:
    try:
        return paginate(qs, request.GET.get("page"), request.GET.get("page_size"))
    except DomainError:
        return paginate(qs)


def _submit(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    done: str,
    inline: bool = True,
) -> tuple[Any, int]:
    """The one way a posted form is handled: check it, pass its data to `save` (a service
    call), say `done`. Returns (what `save` returned, 200), or (None, status) when refused.

    inline (the form's own page, rendered again when refused): invalid input is 422 with the
    errors on their fields; a domain error keeps its status (409 for a stale version) and goes
    onto the form by `show_error`. Not inline (a form posted from another page, which the
    user goes back to): invalid input raises ValidationFailed naming each field's error, and
    a domain error propagates; `page_view` shows either on the page the user came from.
    """
    if not form.is_valid():
        if not inline:
            raise ValidationFailed(form_message(form))
        return None, 422
    data = dict(form.cleaned_data)
    if not inline:
        saved = save(data)
    else:
        try:
            saved = save(data)
        except DomainError as exc:
            show_error(request, exc, form)
            return None, exc.status
    messages.success(request, done)
    return saved, 200


def _version(raw: Any) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Reload the page and try again.")) from None


# --- equipment ------------------------------------------------------------------------------


@page_view
def equipment_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SERVICE, Action.VIEW)
    g = request.GET
    filters = selectors.EquipmentFilters(
        customer=_int(g.get("customer")),
        type=_int(g.get("type")),
        status=g.get("status", "") if g.get("status") in EquipmentStatus.values else "",
        search=g.get("q", "")[:100].replace("\x00", ""),
    )
    return render(
        request,
        "fieldservice/equipment_list.html",
        {
            "page": _page(request, selectors.equipment_list(request.user, filters)),
            "filters": filters,
            "types": selectors.equipment_types(),
            "statuses": EquipmentStatus.choices,
        },
    )


@page_view
def equipment_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, Module.SERVICE, Action.CREATE)
    source = request.POST if request.method == "POST" else None
    customer_id = _int((source or request.GET).get("customer"))
    customer = (
        customer_selectors.customer_get_for_user(user=user, pk=customer_id) if customer_id else None
    )
    form = EquipmentForm(source)
    status = 200
    if source is not None and customer is None:
        form.add_error(None, _("Add equipment from the customer's page."))
        status = 422
    elif source is not None:

        def save(data: dict[str, Any]) -> Any:
            data.pop("version", None)
            return services.equipment_create(customer=customer, actor=user, **data)

        equipment, status = _submit(request, form, save, done=_("Equipment saved."))
        if equipment is not None:
            return redirect("fieldservice:equipment_detail", equipment.pk)
    return render(
        request,
        "fieldservice/equipment_form.html",
        {"form": form, "customer": customer, "equipment": None},
        status=status,
    )


@page_view
def equipment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    equipment = selectors.equipment_get_for_user(user=user, pk=pk)
    require(user, Module.SERVICE, Action.EDIT)
    status = 200
    if request.method == "POST":
        form = EquipmentForm(request.POST)

        def save(data: dict[str, Any]) -> Any:
            version = data.pop("version") or 0
            return services.equipment_update(
                equipment=equipment, version=version, changes=data, actor=user
            )

        saved, status = _submit(request, form, save, done=_("Equipment saved."))
        if saved is not None:
            return redirect("fieldservice:equipment_detail", equipment.pk)
    else:
        form = EquipmentForm(
            initial={
                **{f: getattr(equipment, f) for f in services.EQUIPMENT_FIELDS},
                "version": equipment.version,
            }
        )
    return render(
        request,
        "fieldservice/equipment_form.html",
        {"form": form, "customer": equipment.customer, "equipment": equipment},
        status=status,
    )


@page_view
def equipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    equipment = selectors.equipment_get_for_user(user=user, pk=pk)
    plan_form = PlanForm(
        initial={
            "name": _("%(type)s maintenance") % {"type": equipment.type.name},
            "next_due": timezone.localdate(),
        }
    )
    return render(
        request,
        "fieldservice/equipment_detail.html",
        {
            "equipment": equipment,
            "products": list(selectors.products_of(equipment)),
            "plans": list(selectors.plans_of(equipment)),
            "visits": selectors.visits_of(equipment),
            "history": list(history_for(equipment)[:50]),
            "can_edit": selectors.can_edit(user),
            "can_create": selectors.can_create(user),
            "can_delete": selectors.can_delete(user),
            "product_form": InstalledProductForm(),
            "plan_form": plan_form,
        },
    )


@page_view
def equipment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then move the equipment to the recycle bin (services.equipment_delete: its planned
    visits are cancelled, its done visits stay as its history)."""
    user = request.user
    equipment = selectors.equipment_get_for_user(user=user, pk=pk)
    require(user, Module.SERVICE, Action.DELETE)
    planned = selectors.planned_visit_count(equipment=equipment)
    question = _("Move equipment “%(name)s” to the recycle bin?") % {"name": equipment.name}
    if planned:
        question += " " + ngettext(
            "Its planned visit will be cancelled; done visits stay in its history.",
            "Its %(count)s planned visits will be cancelled; done visits stay in its history.",
            planned,
        ) % {"count": planned}
    return confirm_delete(
        request,
        equipment,
        question=question,
        cancel=reverse("fieldservice:equipment_detail", args=[equipment.pk]),
        delete=lambda: services.equipment_delete(equipment=equipment, actor=user),
        done=_("Equipment “%(name)s” moved to the recycle bin.") % {"name": equipment.name},
        then=reverse("fieldservice:equipment_list"),
    )


@require_POST
@page_view
def equipment_products(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Install a product (by code) with its quantity, or remove an installed line."""
    user = request.user
    equipment = selectors.equipment_get_for_user(user=user, pk=pk)
    require(user, Module.SERVICE, Action.EDIT)
    remove = _int(request.POST.get("remove"))
    if remove:
        services.installed_product_remove(equipment=equipment, line_id=remove, actor=user)
        messages.success(request, _("Saved."))
        return redirect("fieldservice:equipment_detail", equipment.pk)

    def save(data: dict[str, Any]) -> Any:
        code = data["code"].strip()
        product = product_selectors.products_for_user(user).filter(code=code).first()
        if product is None:
            raise ValidationFailed(_("No product has the code %(code)s.") % {"code": code})
        return services.installed_product_set(
            equipment=equipment, product=product, quantity=data["quantity"], actor=user
        )

    _submit(request, InstalledProductForm(request.POST), save, done=_("Saved."), inline=False)
    return redirect("fieldservice:equipment_detail", equipment.pk)


# --- plans ----------------------------------------------------------------------------------


@require_POST
@page_view
def plan_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    equipment = selectors.equipment_get_for_user(user=user, pk=pk)
    require(user, Module.SERVICE, Action.CREATE)

    def save(data: dict[str, Any]) -> Any:
        return services.plan_create(
            equipment=equipment,
            name=data["name"],
            interval=data["interval"],
            interval_unit=data["interval_unit"],
            next_due=data["next_due"],
            skill=data["skill"],
            active=data["active"],
            actor=user,
        )

    _submit(request, PlanForm(request.POST), save, done=_("Service plan saved."), inline=False)
    return redirect("fieldservice:equipment_detail", equipment.pk)


@page_view
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get_for_user(user=user, pk=pk)
    require(user, Module.SERVICE, Action.EDIT)
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST)

        def save(data: dict[str, Any]) -> Any:
            version = data.pop("version") or 0
            data["skill"] = data["skill"] or plan.skill
            return services.plan_update(plan=plan, version=version, changes=data, actor=user)

        saved, status = _submit(request, form, save, done=_("Service plan saved."))
        if saved is not None:
            return redirect("fieldservice:equipment_detail", plan.equipment_id)
    else:
        form = PlanForm(
            initial={**{f: getattr(plan, f) for f in services.PLAN_FIELDS}, "version": plan.version}
        )
    return render(
        request,
        "fieldservice/plan_form.html",
        {"form": form, "plan": plan, "can_delete": selectors.can_delete(user)},
        status=status,
    )


@page_view
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then move the plan to the recycle bin (services.plan_delete: its planned visit is
    cancelled, its done visits stay in the equipment's history)."""
    user = request.user
    plan = selectors.plan_get_for_user(user=user, pk=pk)
    require(user, Module.SERVICE, Action.DELETE)
    back = reverse("fieldservice:equipment_detail", args=[plan.equipment_id])
    question = _("Move service plan “%(name)s” to the recycle bin?") % {"name": plan.name}
    if selectors.planned_visit_count(plan=plan):
        question += " " + _("Its planned visit will be cancelled.")
    return confirm_delete(
        request,
        plan,
        question=question,
        cancel=reverse("fieldservice:plan_edit", args=[plan.pk]),
        delete=lambda: services.plan_delete(plan=plan, actor=user),
        done=_("Service plan “%(name)s” moved to the recycle bin.") % {"name": plan.name},
        then=back,
    )


@page_view
def plan_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, Module.SERVICE, Action.VIEW)
    today = timezone.localdate()
    horizon = services.end_of_next_month(today)
    show = request.GET.get("show", "due")
    qs = selectors.plan_list(user, due_by=horizon if show == "due" else None)
    return render(
        request,
        "fieldservice/plan_list.html",
        {
            "page": _page(request, qs),
            "show": show,
            "today": today,
            "horizon": horizon,
            "can_schedule": selectors.can_create(user),
        },
    )


@require_POST
@page_view
def plan_schedule(request: HttpRequest) -> HttpResponseBase:
    """生成下月计划: the visits of the plans the user sees, due by the end of next month."""
    user = request.user
    require(user, Module.SERVICE, Action.CREATE)
    today = timezone.localdate()
    result = services.schedule_visits(
        today=today,
        horizon=services.end_of_next_month(today),
        actor=user,
        plans=selectors.plans_for_user(user),
    )
    messages.success(
        request,
        _("%(created)s visits created up to %(date)s (%(assigned)s with an expert).")
        % {"created": result.created, "date": result.horizon, "assigned": result.assigned},
    )
    for _plan, warning in result.warnings[:10]:
        messages.warning(request, warning)
    return redirect(f"{reverse('fieldservice:visit_list')}?view=open")


# --- visits ---------------------------------------------------------------------------------


@page_view
def visit_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, Module.SERVICE, Action.VIEW)
    view = request.GET.get("view", "mine")
    view = view if view in selectors.VISIT_VIEWS else "mine"
    status = request.GET.get("status", "")
    status = status if status in VisitStatus.values else ""
    if view == "mine" and not status:
        status = VisitStatus.PLANNED
    qs = selectors.visit_list(user, view=view, status=status)
    return render(
        request,
        "fieldservice/visit_list.html",
        {
            "page": _page(request, qs),
            "view": view,
            "status": status,
            "today": timezone.localdate(),
            "views": [("mine", _("My visits")), ("open", _("All planned")), ("all", _("All"))],
            "statuses": VisitStatus.choices,
        },
    )


@page_view
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    visit = selectors.visit_get_for_user(user=user, pk=pk)
    form = VisitRecordForm(initial={"version": visit.version, "done_on": timezone.localdate()})
    return render(
        request,
        "fieldservice/visit_detail.html",
        {"visit": visit, "form": form, "can_edit": selectors.can_edit(user)},
    )


@require_POST
@page_view
def visit_record(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    visit = selectors.visit_get_for_user(user=user, pk=pk)
    require(user, Module.SERVICE, Action.EDIT)

    def save(data: dict[str, Any]) -> Any:
        return services.visit_record(visit=visit, actor=user, **data)

    _submit(request, VisitRecordForm(request.POST), save, done=_("Visit recorded."), inline=False)
    return redirect("fieldservice:visit_detail", visit.pk)


@require_POST
@page_view
def visit_cancel(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    visit = selectors.visit_get_for_user(user=user, pk=pk)
    require(user, Module.SERVICE, Action.EDIT)
    services.visit_cancel(visit=visit, version=_version(request.POST.get("version")), actor=user)
    messages.success(request, _("Visit cancelled."))
    return redirect("fieldservice:visit_detail", visit.pk)


# --- skills ---------------------------------------------------------------------------------


@page_view
def skills(request: HttpRequest) -> HttpResponse | HttpResponseBase:
    """Skills, equipment types and experts; a system manager's setting."""
    user = request.user
    require_special(user, Special.MANAGE_SYSTEM)
    if request.method == "POST":
        p = request.POST
        action = p.get("action", "")
        skill = Skill.objects.filter(pk=_int(p.get("skill")) or 0, active=True).first()
        if action == "skill":
            services.skill_create(name=p.get("name", ""), actor=user)
        elif action == "type" and skill:
            services.equipment_type_create(name=p.get("name", ""), skill=skill, actor=user)
        elif action == "expert" and skill:
            expert = User.objects.filter(pk=_int(p.get("user")) or 0, is_active=True).first()
            if expert is None:
                raise ValidationFailed(_("Choose an employee."))
            services.expert_add(user=expert, skill=skill, actor=user)
        elif action == "remove_expert":
            row = ExpertSkill.objects.filter(pk=_int(p.get("row")) or 0).first()
            if row is None:
                raise ValidationFailed(_("Choose an employee."))
            services.expert_remove(row=row, actor=user)
        else:
            raise ValidationFailed(_("Choose a skill."))
        messages.success(request, _("Saved."))
        return redirect("fieldservice:skills")
    return render(
        request,
        "fieldservice/skills.html",
        {
            "skills": list(selectors.skills(active_only=False)),
            "types": list(EquipmentType.objects.select_related("skill")),
            "experts": list(selectors.experts()),
            "users": User.objects.filter(is_active=True).order_by("username")[:500],
            "can_view": get_access(user).can(Module.SERVICE),
        },
    )
