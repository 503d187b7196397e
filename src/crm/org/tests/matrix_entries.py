"""The organisation's endpoints and pages in the access matrix (see crm.testing.matrix).

Every target is a record of the WEST (成都分公司 and below). Who may see it: admin and
leader (scope all) and mgr_west (subtree of 成都分公司). mgr_east, rep_east, agent, marketer,
finance (org scope: their own unit) and general may not: for them it does not exist (404).
"""

from typing import Any

from crm.core.modules import Action, Module, Special
from crm.core.services import record_soft_delete
from crm.org import services
from crm.org.auth import token_issue
from crm.org.models import ApiToken, OrgUnit, Role, RolePermission, SystemParameter, User
from crm.testing.matrix import EVERYONE, api, roles

SEES_WEST = roles("admin", "leader", "mgr_west")
ADMIN = roles("admin")
ALL_BUT_ADMIN = EVERYONE - ADMIN
# Can see the west record but holds no edit/delete right in the org module.
WEST_READERS = roles("leader", "mgr_west")


def _unit(name: str) -> OrgUnit:
    return OrgUnit.objects.get(name=name)


def west_unit(users: Any) -> OrgUnit:
    return _unit("成都分公司")


def west_team(users: Any) -> OrgUnit:
    return _unit("成都销售一组")


def west_rep(users: Any) -> User:
    return users["rep_west_1"]


def empty_west_unit(users: Any) -> OrgUnit:
    """A unit with no sub-units and no members, so deleting it is allowed."""
    return services.unit_create(
        name="成都销售二组", kind="team", parent=west_unit(users), actor=None
    )


def deleted_west_unit(users: Any) -> OrgUnit:
    return record_soft_delete(instance=empty_west_unit(users), actor=None)


def deactivated_west_rep(users: Any) -> User:
    rep = west_rep(users)
    services.employee_set_active(user=rep, active=False, actor=None)
    return rep


def west_rep_token(users: Any) -> ApiToken:
    token, _raw = token_issue(user=west_rep(users), name="erp")
    return token


def west_rep_with_token(users: Any) -> User:
    west_rep_token(users)
    return west_rep(users)


def sales_rep_role(users: Any) -> Role:
    return Role.objects.get(code="sales_rep")


def unused_role(users: Any) -> Role:
    return services.role_create(code="temp", name="临时角色", actor=None)


def deleted_role(users: Any) -> Role:
    return record_soft_delete(instance=unused_role(users), actor=None)


def _unit_href(target: Any) -> str:
    return f'href="/org/units/{target.pk}/"'


def _employee_href(target: Any) -> str:
    return f'href="/org/employees/{target.pk}/"'


ORG, SYSTEM = Module.ORG.value, Module.SYSTEM.value
VIEW, CREATE, EDIT, DELETE = (
    a.value for a in (Action.VIEW, Action.CREATE, Action.EDIT, Action.DELETE)
)
MANAGE = Special.MANAGE_SYSTEM.value

# --- API: auth and me ----------------------------------------------------------------------

api(
    "token list",
    "GET",
    "/api/v1/auth/tokens",
    module=ORG,
    action=VIEW,
    allowed=EVERYONE,
    target=west_rep_token,
    visible_to=roles(),  # nobody lists another employee's tokens
)
api(
    "token revoke",
    "DELETE",
    "/api/v1/auth/tokens/{id}",
    module=ORG,
    action=DELETE,
    allowed=roles(),  # a token is revoked by its owner only; even admin gets 404
    target=west_rep_token,
)
api("me", "GET", "/api/v1/me", module=ORG, action=VIEW, allowed=EVERYONE)

# --- API: org units ------------------------------------------------------------------------

api(
    "unit list",
    "GET",
    "/api/v1/org-units?page_size=200",
    module=ORG,
    action=VIEW,
    allowed=EVERYONE,
    target=west_unit,
    visible_to=SEES_WEST,
)
api(
    "unit detail",
    "GET",
    "/api/v1/org-units/{id}",
    module=ORG,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_unit,
)
api(
    "unit create",
    "POST",
    "/api/v1/org-units",
    module=ORG,
    action=CREATE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,  # the create right is checked before the parent is looked up
    body=lambda users, t: {
        "name": "成都销售三组",
        "kind": "team",
        "parent_id": west_unit(users).pk,
    },
    tables=(OrgUnit,),
)
api(
    "unit patch",
    "PATCH",
    "/api/v1/org-units/{id}",
    module=ORG,
    action=EDIT,
    allowed=ADMIN,
    forbidden=WEST_READERS,
    target=west_unit,
    body=lambda users, t: {"version": t.version, "name": "成都分公司（改）"},
)
api(
    "unit move",
    "POST",
    "/api/v1/org-units/{id}/move",
    module=ORG,
    action=EDIT,
    allowed=ADMIN,
    forbidden=WEST_READERS,
    target=west_team,
    body=lambda users, t: {"version": t.version, "parent_id": _unit("重庆分公司").pk},
    tables=(OrgUnit,),
)
api(
    "unit delete",
    "DELETE",
    "/api/v1/org-units/{id}",
    module=ORG,
    action=DELETE,
    allowed=ADMIN,
    forbidden=WEST_READERS,
    target=empty_west_unit,
)

# --- API: employees ------------------------------------------------------------------------

api(
    "employee list",
    "GET",
    "/api/v1/employees?page_size=200&active=true",
    module=ORG,
    action=VIEW,
    allowed=EVERYONE,
    target=west_rep,
    visible_to=SEES_WEST,
)
api(
    "employee list by unit",
    "GET",
    "/api/v1/employees?unit_id={id}",
    module=ORG,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_unit,
)
api(
    "employee detail",
    "GET",
    "/api/v1/employees/{id}",
    module=ORG,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_rep,
)
api(
    "employee create",
    "POST",
    "/api/v1/employees",
    module=ORG,
    action=CREATE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,
    body=lambda users, t: {
        "username": "new_west",
        "password": "Xk7-plover-2026",
        "name": "新员工",
        "unit_id": west_unit(users).pk,
    },
    tables=(User,),
)
api(
    "employee patch",
    "PATCH",
    "/api/v1/employees/{id}",
    module=ORG,
    action=EDIT,
    allowed=ADMIN,
    forbidden=WEST_READERS,
    target=west_rep,
    body=lambda users, t: {"version": t.version, "name": "赵磊（改）", "phone": "13900000000"},
)
api(
    "employee deactivate",
    "POST",
    "/api/v1/employees/{id}/deactivate",
    module=ORG,
    action=EDIT,
    allowed=ADMIN,
    forbidden=WEST_READERS,
    target=west_rep_with_token,
    tables=(User, ApiToken),
)
api(
    "employee activate",
    "POST",
    "/api/v1/employees/{id}/activate",
    module=ORG,
    action=EDIT,
    allowed=ADMIN,
    forbidden=WEST_READERS,
    target=deactivated_west_rep,
)

# --- API: roles and parameters (system managers only; others: 403) -------------------------

api(
    "role list",
    "GET",
    "/api/v1/roles",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,
)
api(
    "role detail",
    "GET",
    "/api/v1/roles/{id}",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,
    target=sales_rep_role,
)
api(
    "role create",
    "POST",
    "/api/v1/roles",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,
    body={"code": "auditor", "name": "审计"},
    tables=(Role,),
)
api(
    "role patch",
    "PATCH",
    "/api/v1/roles/{id}",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,
    target=sales_rep_role,
    body=lambda users, t: {
        "version": t.version,
        "can_manage_system": True,
        "grants": {"org": {"can_view": True, "can_edit": True, "scope": "all"}},
    },
    tables=(Role, RolePermission),
)
api(
    "parameter list",
    "GET",
    "/api/v1/parameters",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,
)
api(
    "parameter put",
    "PUT",
    "/api/v1/parameters/default_currency",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,
    body={"value": "USD"},
    tables=(SystemParameter,),
)

# --- API: recycle bin (who may delete in the module may restore) ----------------------------

api(
    "recycle list units",
    "GET",
    "/api/v1/recycle-bin?model=org.orgunit",
    module=ORG,
    action=DELETE,
    allowed=EVERYONE,  # an empty list for those without the delete right
    target=deleted_west_unit,
    visible_to=ADMIN,
)
api(
    "recycle restore unit",
    "POST",
    "/api/v1/recycle-bin/org.orgunit/{id}/restore",
    module=ORG,
    action=DELETE,
    allowed=ADMIN,
    target=deleted_west_unit,
)
api(
    "recycle restore role",
    "POST",
    "/api/v1/recycle-bin/org.role/{id}/restore",
    module=SYSTEM,
    action=DELETE,
    allowed=ADMIN,
    target=deleted_role,
)
