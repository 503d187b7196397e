"""API of the organisation: tokens, me, units, employees, roles, parameters, recycle bin."""

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from crm.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    PageNumber,
    PageOut,
    PageSize,
    Text,
    page_out,
)
from crm.core import recycle
from crm.core.access import get_access, require, require_special
from crm.core.errors import Conflict, NotFound, ValidationFailed
from crm.core.modules import Action, Module, Special

from . import selectors, services
from .auth import sign_in, token_issue, token_revoke
from .models import OrgUnit, Role, User
from .params import PARAMETERS
from .schemas import (
    DeletedOut,
    EmployeeIn,
    EmployeeOut,
    EmployeePatch,
    MeOut,
    ParameterIn,
    ParameterOut,
    RoleIn,
    RoleOut,
    RolePatch,
    TokenIn,
    TokenInfoOut,
    TokenOut,
    UnitIn,
    UnitMoveIn,
    UnitOut,
    UnitPatch,
)

auth_router = Router(tags=["auth"])
org_router = Router(tags=["organisation"])
system_router = Router(tags=["system"])


# --- auth --------------------------------------------------------------------------------


@auth_router.post(
    "/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut}
)
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    user = sign_in(
        request=request, username=payload.username, password=payload.password, source="api"
    )
    _token, raw = token_issue(user=user, name="api")
    return {"token": raw}


@auth_router.get("/auth/tokens", response={200: list[TokenInfoOut], **ERRORS})
def token_list(request: HttpRequest) -> Any:
    return list(selectors.tokens_for_user(request.user))


@auth_router.delete("/auth/tokens/{token_id}", response={204: None, **ERRORS})
def token_delete(request: HttpRequest, token_id: int) -> Any:
    token_revoke(token=selectors.token_get_for_user(user=request.user, pk=token_id))
    return Status(204, None)


@auth_router.get("/me", response={200: MeOut, **ERRORS})
def me(request: HttpRequest) -> Any:
    user: User = request.user  # type: ignore[assignment]
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.name,
        "unit": user.unit,
        "roles": list(user.roles.all()),
        "modules": selectors.scopes_of(user),
        "specials": sorted(get_access(user).specials),
        "language": user.language or "zh-hans",
    }


# --- units -------------------------------------------------------------------------------


@org_router.get("/org-units", response={200: PageOut[UnitOut], **ERRORS})
def unit_list(
    request: HttpRequest, page: PageNumber = 1, page_size: PageSize = 20, q: Text = ""
) -> Any:
    qs = selectors.units_for_user(request.user)
    if q:
        qs = qs.filter(name__icontains=q[:100])
    return page_out(qs.order_by("path"), page, page_size)


@org_router.get("/org-units/{unit_id}", response={200: UnitOut, **ERRORS})
def unit_detail(request: HttpRequest, unit_id: int) -> Any:
    return selectors.unit_get_for_user(user=request.user, pk=unit_id)


@org_router.post("/org-units", response={201: UnitOut, **WRITE_ERRORS})
def unit_create(request: HttpRequest, payload: UnitIn) -> Any:
    require(request.user, Module.ORG, Action.CREATE)
    parent = selectors.unit_get_for_user(user=request.user, pk=payload.parent_id)
    _check_kind(payload.kind)
    unit = services.unit_create(
        name=payload.name,
        kind=payload.kind,
        parent=parent,
        sort_order=payload.sort_order,
        actor=request.user,
    )
    return Status(201, unit)


@org_router.patch("/org-units/{unit_id}", response={200: UnitOut, **WRITE_ERRORS})
def unit_patch(request: HttpRequest, unit_id: int, payload: UnitPatch) -> Any:
    unit = selectors.unit_get_for_user(user=request.user, pk=unit_id)
    require(request.user, Module.ORG, Action.EDIT)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    changes = {k: v for k, v in changes.items() if v is not None}
    if "kind" in changes:
        _check_kind(changes["kind"])
    return services.unit_update(unit=unit, version=payload.version, actor=request.user, **changes)


@org_router.post("/org-units/{unit_id}/move", response={200: UnitOut, **WRITE_ERRORS})
def unit_move(request: HttpRequest, unit_id: int, payload: UnitMoveIn) -> Any:
    unit = selectors.unit_get_for_user(user=request.user, pk=unit_id)
    require(request.user, Module.ORG, Action.EDIT)
    parent = selectors.unit_get_for_user(user=request.user, pk=payload.parent_id)
    return services.unit_move(
        unit=unit, new_parent=parent, version=payload.version, actor=request.user
    )


@org_router.delete("/org-units/{unit_id}", response={204: None, **WRITE_ERRORS})
def unit_delete(request: HttpRequest, unit_id: int) -> Any:
    unit = selectors.unit_get_for_user(user=request.user, pk=unit_id)
    require(request.user, Module.ORG, Action.DELETE)
    services.unit_delete(unit=unit, actor=request.user)
    return Status(204, None)


def _check_kind(kind: str) -> None:
    from .models import UnitKind

    if kind not in UnitKind.values:
        raise ValidationFailed(
            fields={"kind": [_("Choose one of: %(c)s.") % {"c": ", ".join(UnitKind.values)}]}
        )


# --- employees ---------------------------------------------------------------------------


def _employee_out(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.name,
        "email": user.email,
        "phone": user.phone,
        "unit": user.unit,
        "roles": list(user.roles.all()),
        "is_active": user.is_active,
        "version": user.version,
    }


@org_router.get("/employees", response={200: PageOut[EmployeeOut], **ERRORS})
def employee_list(
    request: HttpRequest,
    page: PageNumber = 1,
    page_size: PageSize = 20,
    q: Text = "",
    unit_id: int | None = None,
    active: bool | None = None,
    ordering: Text = "username",
) -> Any:
    unit = selectors.unit_get_for_user(user=request.user, pk=unit_id) if unit_id else None
    qs = selectors.employees_for_user(
        request.user, query=q, unit=unit, active=active, ordering=ordering
    )
    return page_out(qs, page, page_size, _employee_out)


@org_router.get("/employees/{employee_id}", response={200: EmployeeOut, **ERRORS})
def employee_detail(request: HttpRequest, employee_id: int) -> Any:
    return _employee_out(selectors.employee_get_for_user(user=request.user, pk=employee_id))


def _roles(user: Any, role_ids: list[int]) -> list[Role]:
    require_special(user, Special.MANAGE_SYSTEM)
    roles = list(selectors.assignable_roles().filter(pk__in=role_ids))
    if len(roles) != len(set(role_ids)):
        raise ValidationFailed(fields={"role_ids": [_("Unknown role.")]})
    return roles


@org_router.post("/employees", response={201: EmployeeOut, **WRITE_ERRORS})
def employee_create(request: HttpRequest, payload: EmployeeIn) -> Any:
    require(request.user, Module.ORG, Action.CREATE)
    unit = selectors.unit_get_for_user(user=request.user, pk=payload.unit_id)
    roles = _roles(request.user, payload.role_ids) if payload.role_ids else []
    employee = services.employee_create(
        username=payload.username,
        password=payload.password,
        name=payload.name,
        email=payload.email,
        phone=payload.phone,
        unit=unit,
        roles=roles,
        actor=request.user,
    )
    return Status(201, _employee_out(employee))


@org_router.patch("/employees/{employee_id}", response={200: EmployeeOut, **WRITE_ERRORS})
def employee_patch(request: HttpRequest, employee_id: int, payload: EmployeePatch) -> Any:
    employee = selectors.employee_get_for_user(user=request.user, pk=employee_id)
    require(request.user, Module.ORG, Action.EDIT)
    changes: dict[str, Any] = {
        k: v
        for k, v in payload.dict(exclude_unset=True).items()
        if k in {"name", "email", "phone"} and v is not None
    }
    if payload.unit_id is not None:
        changes["unit"] = selectors.unit_get_for_user(user=request.user, pk=payload.unit_id)
    if payload.role_ids is not None:
        changes["roles"] = _roles(request.user, payload.role_ids)
    employee = services.employee_update(
        user=employee, version=payload.version, actor=request.user, **changes
    )
    return _employee_out(employee)


@org_router.post("/employees/{employee_id}/deactivate", response={200: EmployeeOut, **WRITE_ERRORS})
def employee_deactivate(request: HttpRequest, employee_id: int) -> Any:
    return _set_active(request, employee_id, False)


@org_router.post("/employees/{employee_id}/activate", response={200: EmployeeOut, **ERRORS})
def employee_activate(request: HttpRequest, employee_id: int) -> Any:
    return _set_active(request, employee_id, True)


def _set_active(request: HttpRequest, employee_id: int, active: bool) -> Any:
    employee = selectors.employee_get_for_user(user=request.user, pk=employee_id)
    require(request.user, Module.ORG, Action.EDIT)
    if employee.pk == request.user.pk and not active:
        # A well-formed request the current state refuses: 409, like other business conflicts.
        raise Conflict(_("You cannot deactivate yourself."), code="cannot_deactivate_self")
    return _employee_out(
        services.employee_set_active(user=employee, active=active, actor=request.user)
    )


# --- roles -------------------------------------------------------------------------------


def _role_out(role: Role) -> dict[str, Any]:
    data = {
        f: getattr(role, f)
        for f in (
            "id",
            "code",
            "name",
            "description",
            "can_view_sensitive",
            "can_export",
            "can_bulk_delete",
            "can_manage_system",
            "version",
        )
    }
    data["grants"] = list(role.grants.all())
    return data


@system_router.get("/roles", response={200: PageOut[RoleOut], **ERRORS})
def role_list(request: HttpRequest, page: PageNumber = 1, page_size: PageSize = 20) -> Any:
    return page_out(selectors.roles_for_admin(request.user), page, page_size, _role_out)


@system_router.get("/roles/{role_id}", response={200: RoleOut, **ERRORS})
def role_detail(request: HttpRequest, role_id: int) -> Any:
    return _role_out(selectors.role_get_for_admin(user=request.user, pk=role_id))


@system_router.post("/roles", response={201: RoleOut, **WRITE_ERRORS})
def role_create(request: HttpRequest, payload: RoleIn) -> Any:
    require_special(request.user, Special.MANAGE_SYSTEM)
    role = services.role_create(
        code=payload.code,
        name=payload.name,
        description=payload.description,
        actor=request.user,
    )
    return Status(201, _role_out(role))


@system_router.patch("/roles/{role_id}", response={200: RoleOut, **WRITE_ERRORS})
def role_patch(request: HttpRequest, role_id: int, payload: RolePatch) -> Any:
    role = selectors.role_get_for_admin(user=request.user, pk=role_id)
    changes = {
        k: v
        for k, v in payload.dict(exclude_unset=True, exclude={"version", "grants"}).items()
        if v is not None
    }
    grants = None
    if payload.grants is not None:
        unknown = [m for m in payload.grants if m not in Module.values]
        if unknown:
            raise ValidationFailed(fields={"grants": [_("Unknown module: %s") % unknown[0]]})
        grants = {m: g.dict() for m, g in payload.grants.items()}
    role = services.role_update(
        role=role, version=payload.version, actor=request.user, grants=grants, **changes
    )
    return _role_out(role)


# --- parameters --------------------------------------------------------------------------


def _param_out(spec: Any, row: Any, value: Any) -> dict[str, Any]:
    return {
        "key": spec.key,
        "label": str(spec.label),
        "value": str(value),
        "default": spec.default,
        "version": row.version if row else 0,
    }


@system_router.get("/parameters", response={200: list[ParameterOut], **ERRORS})
def parameter_list(request: HttpRequest) -> Any:
    return [_param_out(*item) for item in selectors.parameters_for_admin(request.user)]


@system_router.put("/parameters/{key}", response={200: ParameterOut, **WRITE_ERRORS})
def parameter_put(request: HttpRequest, key: str, payload: ParameterIn) -> Any:
    require_special(request.user, Special.MANAGE_SYSTEM)
    if key not in PARAMETERS:
        raise NotFound()
    row = services.parameter_set(
        key=key, value=payload.value, version=payload.version, actor=request.user
    )
    return _param_out(PARAMETERS[key], row, row.value)


# --- recycle bin -------------------------------------------------------------------------


class _RegisteredBins:
    """Lists the registered bins in the schema; built lazily, after every app registered."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> Any:
        schema = handler(core_schema)
        schema["enum"] = sorted(recycle.bins())
        return schema


# A recycle bin's label, e.g. "org.orgunit".
BinLabel = Annotated[str, _RegisteredBins()]


@system_router.get("/recycle-bin", response={200: PageOut[DeletedOut], **ERRORS})
def recycle_list(
    request: HttpRequest,
    model: BinLabel = "org.orgunit",
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    if model not in recycle.bins():
        raise ValidationFailed(fields={"model": [_("Unknown record type.")]})
    qs = recycle.deleted_for_user(request.user, model).order_by("-deleted_at")
    return page_out(
        qs,
        page,
        page_size,
        lambda o: {"model": model, "id": o.pk, "label": str(o), "deleted_at": o.deleted_at},
    )


@system_router.post(
    "/recycle-bin/{model}/{record_id}/restore", response={204: None, **WRITE_ERRORS}
)
def recycle_restore(
    request: HttpRequest,
    record_id: int,
    model: BinLabel,
) -> Any:
    if model not in recycle.bins():
        raise NotFound()
    record = recycle.deleted_for_user(request.user, model).filter(pk=record_id).first()
    if record is None:
        raise NotFound()
    recycle.bins()[model].restore(record, request.user)
    return Status(204, None)


__all__ = ["auth_router", "org_router", "system_router", "OrgUnit"]
