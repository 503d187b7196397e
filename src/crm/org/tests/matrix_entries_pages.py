"""The organisation's pages in the access matrix; the targets are those of matrix_entries.py
(records of the WEST)."""

from typing import Any

from crm.core import recycle
from crm.core.modules import Module
from crm.org.demo import USERS as DEMO_USERS
from crm.org.models import ApiToken, OrgUnit, Role, RolePermission, SystemParameter, User
from crm.org.seed import ROLE_DEFAULTS
from crm.testing.matrix import EVERYONE, ROLES, page, roles

from .matrix_entries import (
    ADMIN,
    ALL_BUT_ADMIN,
    CREATE,
    DELETE,
    EDIT,
    MANAGE,
    ORG,
    SEES_WEST,
    SYSTEM,
    VIEW,
    WEST_READERS,
    _employee_href,
    _unit,
    _unit_href,
    deleted_role,
    deleted_west_unit,
    empty_west_unit,
    sales_rep_role,
    unused_role,
    west_rep,
    west_rep_token,
    west_rep_with_token,
    west_team,
    west_unit,
)

# --- pages ---------------------------------------------------------------------------------

page(
    "tree",
    "GET",
    "/org/",
    module=ORG,
    action=VIEW,
    allowed=EVERYONE,
    target=west_unit,
    visible_to=SEES_WEST,
    marker=_unit_href,
)
page(
    "unit create",
    "POST",
    "/org/units/new/",
    module=ORG,
    action=CREATE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,
    body=lambda users, t: {
        "new-name": "成都销售三组",
        "new-kind": "team",
        "new-parent": west_unit(users).pk,
        "new-sort_order": 0,
    },
    tables=(OrgUnit,),
)
page(
    "unit detail",
    "GET",
    "/org/units/{id}/",
    module=ORG,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_unit,
)
page(
    "unit edit",
    "POST",
    "/org/units/{id}/edit/",
    module=ORG,
    action=EDIT,
    allowed=ADMIN,
    forbidden=WEST_READERS,
    target=west_unit,
    body=lambda users, t: {
        "name": "成都分公司（改）",
        "kind": t.kind,
        "sort_order": 3,
        "version": t.version,
    },
)
page(
    "unit move",
    "POST",
    "/org/units/{id}/move/",
    module=ORG,
    action=EDIT,
    allowed=ADMIN,
    forbidden=WEST_READERS,
    target=west_team,
    body=lambda users, t: {"parent": _unit("重庆分公司").pk, "version": t.version},
    tables=(OrgUnit,),
)
page(
    "unit delete",
    "POST",
    "/org/units/{id}/delete/",
    module=ORG,
    action=DELETE,
    allowed=ADMIN,
    forbidden=WEST_READERS,
    target=empty_west_unit,
)
page(
    "employees",
    "GET",
    "/org/employees/?page_size=200",
    module=ORG,
    action=VIEW,
    allowed=EVERYONE,
    target=west_rep,
    visible_to=SEES_WEST,
    marker=_employee_href,
)
page(
    "employee new form",
    "GET",
    "/org/employees/new/",
    module=ORG,
    action=CREATE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,
)
page(
    "employee create",
    "POST",
    "/org/employees/new/",
    module=ORG,
    action=CREATE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,
    body=lambda users, t: {
        "username": "new_west",
        "password": "Xk7-plover-2026",
        "name": "新员工",
        "unit": west_unit(users).pk,
    },
    tables=(User,),
)
page(
    "employee detail",
    "GET",
    "/org/employees/{id}/",
    module=ORG,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_rep,
)
page(
    "employee edit",
    "POST",
    "/org/employees/{id}/edit/",
    module=ORG,
    action=EDIT,
    allowed=ADMIN,
    forbidden=WEST_READERS,
    target=west_rep,
    body=lambda users, t: {
        "name": "赵磊（改）",
        "email": "",
        "phone": "13900000000",
        "unit": t.unit_id,
        "roles": [r.pk for r in t.roles.all()],
        "version": t.version,
    },
)
page(
    "employee deactivate",
    "POST",
    "/org/employees/{id}/active/",
    module=ORG,
    action=EDIT,
    allowed=ADMIN,
    forbidden=WEST_READERS,
    target=west_rep_with_token,
    body={"active": "0"},
    tables=(User, ApiToken),
)
page(
    "roles",
    "GET",
    "/org/roles/",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,
)
page(
    "role create",
    "POST",
    "/org/roles/",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,
    body={"code": "auditor", "name": "审计"},
    tables=(Role,),
)
page(
    "role detail",
    "GET",
    "/org/roles/{id}/",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,
    target=sales_rep_role,
)


def _role_form(users: Any, role: Role) -> dict[str, Any]:
    data: dict[str, Any] = {"name": role.name, "version": role.version, "can_manage_system": "on"}
    for module in Module:
        data[f"{module.value}__scope"] = "all"
        data[f"{module.value}__can_view"] = "on"
    return data


page(
    "role save",
    "POST",
    "/org/roles/{id}/",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,
    target=sales_rep_role,
    body=_role_form,
    tables=(Role, RolePermission),
)
page(
    "role delete",
    "POST",
    "/org/roles/{id}/delete/",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,
    target=unused_role,
)
page(
    "parameters",
    "GET",
    "/org/parameters/",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,
)
page(
    "parameter save",
    "POST",
    "/org/parameters/",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMIN,
    forbidden=ALL_BUT_ADMIN,
    body={"key": "default_currency", "value": "USD", "version": ""},
    tables=(SystemParameter,),
)


def _may_delete_in_a_bin() -> frozenset[str]:
    """Matrix roles whose default roles may delete in a module that has a recycle bin: for
    them the recycle bin page exists (other modules add bins, so this is computed)."""
    bin_modules = {b.module for b in recycle.bins().values()}
    codes = {
        spec["code"]
        for spec in ROLE_DEFAULTS
        if any("d" in acts and m in bin_modules for m, (acts, _s) in spec["grants"].items())
    }
    held = {username: set(role_codes) for username, _n, _u, role_codes, _s in DEMO_USERS}
    held["general_user"] = {"general"}
    return frozenset(r for r, username in ROLES.items() if held[username] & codes)


page(
    "recycle bin",
    "GET",
    "/org/recycle-bin/",
    module=ORG,
    action=DELETE,
    allowed=_may_delete_in_a_bin(),  # for anyone else the page does not exist
    target=deleted_west_unit,
    visible_to=ADMIN,
    marker=lambda t: f"/org/recycle-bin/org.orgunit/{t.pk}/restore/",
)
page(
    "recycle restore unit",
    "POST",
    "/org/recycle-bin/org.orgunit/{id}/restore/",
    module=ORG,
    action=DELETE,
    allowed=ADMIN,
    target=deleted_west_unit,
)
page(
    "recycle restore role",
    "POST",
    "/org/recycle-bin/org.role/{id}/restore/",
    module=SYSTEM,
    action=DELETE,
    allowed=ADMIN,
    target=deleted_role,
)
page("tokens", "GET", "/org/tokens/", module=ORG, action=VIEW, allowed=EVERYONE)
page(
    "token revoke",
    "POST",
    "/org/tokens/{id}/revoke/",
    module=ORG,
    action=DELETE,
    allowed=roles(),  # only the token's owner; for everyone else it does not exist
    target=west_rep_token,
)
page(
    "search",
    "GET",
    "/search/?q=rep_west_1",
    module=ORG,
    action=VIEW,
    allowed=EVERYONE,
    target=west_rep,
    visible_to=SEES_WEST,
    marker=_employee_href,
)
# The home page: every signed-in user has one (its panels are each module's own, scoped).
page("home", "GET", "/", module=ORG, action=VIEW, allowed=EVERYONE)
