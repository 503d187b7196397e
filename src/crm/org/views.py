"""Pages of the organisation and system administration. Thin: selectors read, services write."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core import recycle
from crm.core.access import get_access, get_in_scope, require, require_special
from crm.core.audit import history_for
from crm.core.errors import DomainError, NotFound
from crm.core.modules import Action, Module, Special
from crm.core.pagination import paginate
from crm.web.pages import page_view, show_error

from . import selectors, services
from .auth import sign_in, token_issue, token_revoke
from .forms import (
    EmployeeCreateForm,
    EmployeeForm,
    LoginForm,
    ParameterForm,
    RoleCreateForm,
    RoleForm,
    UnitCreateForm,
    UnitForm,
    UnitMoveForm,
)

# --- sign-in -----------------------------------------------------------------------------


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_in(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                source="page",
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            login(request, user)
            return redirect(next_url or "home")
    return render(request, "registration/login.html", {"form": form, "next": next_url})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


# --- units -------------------------------------------------------------------------------


def _tree(units: list[Any]) -> list[dict[str, Any]]:
    """Nest units (ordered by path) into a tree; units whose parent is out of scope are roots."""
    nodes = {u.pk: {"unit": u, "children": []} for u in units}
    roots: list[dict[str, Any]] = []
    for u in units:
        parent = nodes.get(u.parent_id)
        (parent["children"] if parent else roots).append(nodes[u.pk])
    return roots


@page_view
def tree(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.ORG, Action.VIEW)
    units = list(selectors.units_for_user(request.user).order_by("path"))
    counts = dict(
        selectors.employees_for_user(request.user, active=True)
        .order_by()
        .values_list("unit")
        .annotate(n=Count("pk"))
    )
    for u in units:
        u.member_count = counts.get(u.pk, 0)  # type: ignore[attr-defined]
    access = get_access(request.user)
    form = None
    if access.can(Module.ORG, Action.CREATE):
        form = UnitCreateForm(units=selectors.units_for_user(request.user), prefix="new")
    return render(request, "org/tree.html", {"roots": _tree(units), "form": form})


@page_view
@require_POST
def unit_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.ORG, Action.CREATE)
    form = UnitCreateForm(request.POST, units=selectors.units_for_user(request.user), prefix="new")
    if form.is_valid():
        d = form.cleaned_data
        try:
            unit = services.unit_create(
                name=d["name"],
                kind=d["kind"],
                parent=d["parent"],
                sort_order=d["sort_order"],
                actor=request.user,
            )
        except DomainError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Unit “%(name)s” created.") % {"name": unit.name})
            return redirect("org:unit", unit.pk)
    units = list(selectors.units_for_user(request.user).order_by("path"))
    return render(request, "org/tree.html", {"roots": _tree(units), "form": form}, status=422)


@page_view
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get_for_user(user=request.user, pk=pk)
    access = get_access(request.user)
    edit_form = move_form = None
    if access.can(Module.ORG, Action.EDIT):
        edit_form = UnitForm(
            initial={
                "name": unit.name,
                "kind": unit.kind,
                "sort_order": unit.sort_order,
                "version": unit.version,
            }
        )
        move_form = UnitMoveForm(
            initial={"version": unit.version},
            units=selectors.units_for_user(request.user).exclude(path__startswith=unit.path),
        )
    return _unit_page(request, unit, edit_form, move_form)


def _unit_page(
    request: HttpRequest, unit: Any, edit_form: Any, move_form: Any, status: int = 200
) -> HttpResponse:
    access = get_access(request.user)
    members = selectors.employees_for_user(request.user).filter(unit=unit)
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "edit_form": edit_form,
            "move_form": move_form,
            "can_delete": access.can(Module.ORG, Action.DELETE),
            "members": members,
            "history": history_for(unit)[:50],
        },
        status=status,
    )


@page_view
@require_POST
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.ORG, Action.EDIT)
    form = UnitForm(request.POST)
    status = 422
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.unit_update(
                unit=unit,
                version=d["version"] or 0,
                actor=request.user,
                name=d["name"],
                kind=d["kind"],
                sort_order=d["sort_order"],
            )
        except DomainError as exc:
            show_error(request, exc, form)
            status = exc.status
        else:
            messages.success(request, _("Changes saved."))
            return redirect("org:unit", unit.pk)
    return _unit_page(request, unit, form, None, status=status)


@page_view
@require_POST
def unit_move(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.ORG, Action.EDIT)
    units = selectors.units_for_user(request.user).exclude(path__startswith=unit.path)
    form = UnitMoveForm(request.POST, units=units)
    if form.is_valid():
        try:
            services.unit_move(
                unit=unit,
                new_parent=form.cleaned_data["parent"],
                version=form.cleaned_data["version"],
                actor=request.user,
            )
        except DomainError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Unit moved."))
            return redirect("org:unit", unit.pk)
    return _unit_page(request, unit, None, form, status=422)


@page_view
@require_POST
def unit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.ORG, Action.DELETE)
    services.unit_delete(unit=unit, actor=request.user)
    messages.success(request, _("Unit “%(name)s” moved to the recycle bin.") % {"name": unit.name})
    return redirect("org:tree")


# --- employees ---------------------------------------------------------------------------


@page_view
def employees(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.ORG, Action.VIEW)
    unit = None
    if request.GET.get("unit"):
        try:
            unit = get_in_scope(selectors.units_for_user(request.user), request.GET["unit"])
        except NotFound:
            unit = None
    active = {"1": True, "0": False}.get(request.GET.get("active", "1"))
    ordering = request.GET.get("sort", "username")
    qs = selectors.employees_for_user(
        request.user, query=request.GET.get("q", ""), unit=unit, active=active, ordering=ordering
    )
    try:
        page = paginate(qs, request.GET.get("page"), request.GET.get("page_size"))
    except DomainError:
        page = paginate(qs)
    return render(
        request,
        "org/employees.html",
        {
            "page": page,
            "units": selectors.units_for_user(request.user).order_by("path"),
            "unit": unit,
            "sort": ordering,
            "can_create": get_access(request.user).can(Module.ORG, Action.CREATE),
        },
    )


def _role_choices(user: Any) -> Any:
    """Only a system manager assigns roles (else anyone could grant themselves more)."""
    return selectors.assignable_roles() if get_access(user).has(Special.MANAGE_SYSTEM) else None


@page_view
def employee_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.ORG, Action.CREATE)
    units = selectors.units_for_user(request.user)
    form = EmployeeCreateForm(request.POST or None, units=units, roles=_role_choices(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            employee = services.employee_create(
                username=d["username"],
                password=d["password"],
                name=d["name"],
                email=d["email"],
                phone=d["phone"],
                unit=d["unit"],
                roles=list(d.get("roles") or []),
                actor=request.user,
            )
        except DomainError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Employee “%(name)s” created.") % {"name": employee})
            return redirect("org:employee", employee.pk)
    return render(request, "org/employee_form.html", {"form": form})


@page_view
def employee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employee = selectors.employee_get_for_user(user=request.user, pk=pk)
    access = get_access(request.user)
    form = None
    if access.can(Module.ORG, Action.EDIT):
        form = EmployeeForm(
            initial={
                "name": employee.name,
                "email": employee.email,
                "phone": employee.phone,
                "unit": employee.unit_id,
                "roles": list(employee.roles.all()),
                "version": employee.version,
            },
            units=selectors.units_for_user(request.user),
            roles=_role_choices(request.user),
        )
    return _employee_page(request, employee, form)


def _employee_page(
    request: HttpRequest, employee: Any, form: Any, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "org/employee_detail.html",
        {"employee": employee, "form": form, "history": history_for(employee)[:50]},
        status=status,
    )


@page_view
@require_POST
def employee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employee = selectors.employee_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.ORG, Action.EDIT)
    roles = _role_choices(request.user)
    form = EmployeeForm(request.POST, units=selectors.units_for_user(request.user), roles=roles)
    status = 422
    if form.is_valid():
        d = form.cleaned_data
        changes = {k: d[k] for k in ("name", "email", "phone", "unit")}
        if roles is not None:
            changes["roles"] = list(d["roles"])
        try:
            services.employee_update(
                user=employee, version=d["version"] or 0, actor=request.user, **changes
            )
        except DomainError as exc:
            show_error(request, exc, form)
            status = exc.status
        else:
            messages.success(request, _("Changes saved."))
            return redirect("org:employee", employee.pk)
    return _employee_page(request, employee, form, status=status)


@page_view
@require_POST
def employee_active(request: HttpRequest, pk: int) -> HttpResponse:
    employee = selectors.employee_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.ORG, Action.EDIT)
    active = request.POST.get("active") == "1"
    if employee.pk == request.user.pk and not active:
        messages.error(request, _("You cannot deactivate yourself."))
    else:
        services.employee_set_active(user=employee, active=active, actor=request.user)
        messages.success(
            request,
            _("Employee activated.")
            if active
            else _("Employee deactivated; signed out everywhere."),
        )
    return redirect("org:employee", employee.pk)


# --- roles -------------------------------------------------------------------------------


@page_view
def roles(request: HttpRequest) -> HttpResponse:
    items = selectors.roles_for_admin(request.user)
    form = RoleCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            role = services.role_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Role “%(name)s” created.") % {"name": role.name})
            return redirect("org:role", role.pk)
    return render(request, "org/roles.html", {"roles": items, "form": form})


def _role_initial(role: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {
        f: getattr(role, f)
        for f in (
            "name",
            "description",
            "can_view_sensitive",
            "can_export",
            "can_bulk_delete",
            "can_manage_system",
            "version",
        )
    }
    for g in role.grants.all():
        for f in ("view", "create", "edit", "delete", "export"):
            initial[f"{g.module}__can_{f}"] = getattr(g, f"can_{f}")
        initial[f"{g.module}__scope"] = g.scope
    return initial


@page_view
def role_detail(request: HttpRequest, pk: int) -> HttpResponse:
    role = selectors.role_get_for_admin(user=request.user, pk=pk)
    form = RoleForm(request.POST or None, initial=_role_initial(role))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.role_update(
                    role=role,
                    version=d["version"] or 0,
                    actor=request.user,
                    grants=form.grants(),
                    **{k: d[k] for k in _role_initial(role) if k != "version"},
                )
            except DomainError as exc:
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(request, _("Changes saved."))
                return redirect("org:role", role.pk)
        else:
            status = 422
    return render(
        request,
        "org/role_detail.html",
        {"role": role, "form": form, "history": history_for(role)[:50]},
        status=status,
    )


@page_view
@require_POST
def role_delete(request: HttpRequest, pk: int) -> HttpResponse:
    role = selectors.role_get_for_admin(user=request.user, pk=pk)
    services.role_delete(role=role, actor=request.user)
    messages.success(request, _("Role “%(name)s” moved to the recycle bin.") % {"name": role.name})
    return redirect("org:roles")


# --- parameters --------------------------------------------------------------------------


@page_view
def parameters(request: HttpRequest) -> HttpResponse:
    items = selectors.parameters_for_admin(request.user)
    bad_key, bad_form = None, None
    if request.method == "POST":
        key = request.POST.get("key", "")
        form = ParameterForm(request.POST)
        if form.is_valid():
            try:
                services.parameter_set(
                    key=key,
                    value=form.cleaned_data["value"],
                    version=form.cleaned_data["version"],
                    actor=request.user,
                )
            except DomainError as exc:
                show_error(request, exc, form)
            else:
                messages.success(request, _("Parameter saved."))
                return redirect("org:parameters")
        bad_key, bad_form = key, form
    rows = []
    for spec, row, value in items:
        form = (
            bad_form
            if spec.key == bad_key and bad_form
            else ParameterForm(initial={"value": value, "version": row.version if row else 0})
        )
        history = history_for(row)[:10] if row else []
        rows.append({"spec": spec, "row": row, "value": value, "form": form, "history": history})
    return render(request, "org/parameters.html", {"rows": rows}, status=422 if bad_form else 200)


# --- recycle bin -------------------------------------------------------------------------


@page_view
def recycle_bin(request: HttpRequest) -> HttpResponse:
    sections = []
    for label, b in recycle.bins().items():
        if not get_access(request.user).can(b.module, Action.DELETE):
            continue
        items = recycle.deleted_for_user(request.user, label).order_by("-deleted_at")[:200]
        sections.append(
            {"label": label, "title": b.model._meta.verbose_name_plural, "items": list(items)}
        )
    if not sections:
        raise NotFound()
    return render(request, "org/recycle_bin.html", {"sections": sections})


@page_view
@require_POST
def recycle_restore(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    if label not in recycle.bins():
        raise NotFound()
    record = recycle.deleted_for_user(request.user, label).filter(pk=pk).first()
    if record is None:
        raise NotFound()
    recycle.bins()[label].restore(record, request.user)
    messages.success(request, _("“%(name)s” restored.") % {"name": record})
    return redirect("org:recycle_bin")


# --- API tokens --------------------------------------------------------------------------


@page_view
def tokens(request: HttpRequest) -> HttpResponse:
    new_token = None
    if request.method == "POST":
        name = request.POST.get("name", "").strip()[:60]
        _token, new_token = token_issue(user=request.user, name=name)  # type: ignore[arg-type]
        messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    return render(
        request,
        "org/tokens.html",
        {"tokens": selectors.tokens_for_user(request.user), "new_token": new_token},
    )


@page_view
@require_POST
def token_delete(request: HttpRequest, pk: int) -> HttpResponse:
    token_revoke(token=selectors.token_get_for_user(user=request.user, pk=pk))
    messages.success(request, _("Token revoked."))
    return redirect("org:tokens")


__all__ = ["require_special"]
