"""Every read of the organisation that pages and the API show, scoped to the reader."""

from typing import Any

from django.db.models import Q, QuerySet

from crm.core.access import get_access, get_in_scope, require_special, scoped
from crm.core.modules import Module, Special

from .models import ApiToken, OrgUnit, Role, SystemParameter, User
from .params import PARAMETERS, ParamSpec, parse_value


def units_for_user(user: Any) -> QuerySet[OrgUnit]:
    return scoped(
        OrgUnit.objects.select_related("parent"),
        user,
        Module.ORG,
        owner_field=None,
        unit_field="",
    )


def unit_get_for_user(*, user: Any, pk: Any) -> OrgUnit:
    return get_in_scope(units_for_user(user), pk)


def employees_for_user(
    user: Any,
    *,
    query: str = "",
    unit: OrgUnit | None = None,
    active: bool | None = None,
    ordering: str = "username",
) -> QuerySet[User]:
    qs = scoped(
        User.objects.select_related("unit").prefetch_related("roles"),
        user,
        Module.ORG,
        owner_field="pk",
        unit_field="unit",
    )
    if query:
        q = query.replace("\x00", "").strip()[:100]
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(name__icontains=q)
            | Q(phone__icontains=q)
            | Q(email__icontains=q)
        )
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if active is not None:
        qs = qs.filter(is_active=active)
    allowed = {"username", "-username", "name", "-name", "date_joined", "-date_joined"}
    return qs.order_by(ordering if ordering in allowed else "username")


def employee_get_for_user(*, user: Any, pk: Any) -> User:
    return get_in_scope(employees_for_user(user), pk)


def roles_for_admin(user: Any) -> QuerySet[Role]:
    require_special(user, Special.MANAGE_SYSTEM)
    return Role.objects.prefetch_related("grants")


def role_get_for_admin(*, user: Any, pk: Any) -> Role:
    return get_in_scope(roles_for_admin(user), pk)


def assignable_roles() -> QuerySet[Role]:
    return Role.objects.all()


def parameters_for_admin(user: Any) -> list[tuple[ParamSpec, SystemParameter | None, Any]]:
    """Each parameter with its stored row (None: default) and typed value."""
    require_special(user, Special.MANAGE_SYSTEM)
    rows = {p.key: p for p in SystemParameter.objects.filter(key__in=list(PARAMETERS))}
    return [
        (spec, rows.get(key), parse_value(key, rows[key].value if key in rows else spec.default))
        for key, spec in PARAMETERS.items()
    ]


def parameter_get(key: str) -> Any:
    """The typed value of a parameter (its default when never set)."""
    row = SystemParameter.objects.filter(key=key).values_list("value", flat=True).first()
    return parse_value(key, row if row is not None else PARAMETERS[key].default)


def tokens_for_user(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def token_get_for_user(*, user: Any, pk: Any) -> ApiToken:
    return get_in_scope(tokens_for_user(user), pk)


def scopes_of(user: Any) -> dict[str, dict[str, Any]]:
    access = get_access(user)
    return {
        module: {"actions": sorted(grant.actions), "scope": grant.scope}
        for module, grant in sorted(access.modules.items())
    }
