"""The customers module's endpoints and pages in the access matrix (see crm.testing.matrix).

Every target belongs to the WEST: a customer of rep_west_1 (成都销售一组). Who sees it: admin,
leader, agent, marketer and finance (customers scope "all") and mgr_west (subtree of 成都分公司).
mgr_east and rep_east (other unit / own records only) and general (no customers right) get 404.
Leader, marketer and finance only read customers (no create/edit/delete right): 403 for changes;
finance has the export permission but not the customers export action, so exports are 403 too.
"""

from typing import Any

from crm.core.modules import Action, Module
from crm.customers import services
from crm.customers.models import Choice, Contact, Customer, Interaction, Merge
from crm.testing.matrix import EVERYONE, api, page, roles

SEES_WEST = roles("admin", "leader", "mgr_west", "agent", "marketer", "finance")
CAN_VIEW = EVERYONE - roles("general")
CAN_CREATE = roles("admin", "mgr_east", "mgr_west", "rep_east", "agent")
EDITORS = roles("admin", "mgr_west", "agent")
DELETERS = roles("admin", "mgr_west")

CUSTOMERS = Module.CUSTOMERS.value
VIEW, CREATE, EDIT, DELETE = (
    a.value for a in (Action.VIEW, Action.CREATE, Action.EDIT, Action.DELETE)
)


def west_customer(users: Any) -> Customer:
    return services.customer_create(
        actor=users["rep_west_1"], name="成都蜀能贸易有限公司", short_name="蜀能"
    )


def west_contact(users: Any) -> Contact:
    return services.contact_create(customer=west_customer(users), actor=None, name="赵强")


def _href(target: Any) -> str:
    return f'href="/customers/{target.pk}/"'


# --- API -----------------------------------------------------------------------------------

api(
    "customer list",
    "GET",
    "/api/v1/customers?page_size=200",
    module=CUSTOMERS,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_customer,
    visible_to=SEES_WEST,
)
api(
    "customer search",
    "GET",
    "/api/v1/customers?search=shuneng",
    module=CUSTOMERS,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_customer,
    visible_to=SEES_WEST,
)
api(
    "customer detail",
    "GET",
    "/api/v1/customers/{id}",
    module=CUSTOMERS,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_customer,
)
api(
    "customer create",
    "POST",
    "/api/v1/customers",
    module=CUSTOMERS,
    action=CREATE,
    allowed=CAN_CREATE,
    forbidden=CAN_VIEW - CAN_CREATE,
    body={"name": "新建测试客户有限公司"},
    tables=(Customer,),
)
api(
    "customer patch",
    "PATCH",
    "/api/v1/customers/{id}",
    module=CUSTOMERS,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_customer,
    body=lambda users, t: {"version": t.version, "phone": "028-88886666"},
)
api(
    "customer delete",
    "DELETE",
    "/api/v1/customers/{id}",
    module=CUSTOMERS,
    action=DELETE,
    allowed=DELETERS,
    forbidden=SEES_WEST - DELETERS,
    target=west_customer,
)
api(
    "customer contacts",
    "GET",
    "/api/v1/customers/{id}/contacts",
    module=CUSTOMERS,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_customer,
)
api(
    "customer contact create",
    "POST",
    "/api/v1/customers/{id}/contacts",
    module=CUSTOMERS,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_customer,
    body={"name": "钱多多", "mobile": "13912345678"},
    tables=(Contact,),
)
api(
    "customer interactions",
    "GET",
    "/api/v1/customers/{id}/interactions",
    module=CUSTOMERS,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_customer,
)
api(
    "customer interaction create",
    "POST",
    "/api/v1/customers/{id}/interactions",
    module=CUSTOMERS,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_customer,
    body={"channel": "call", "occurred_at": "2026-03-01T10:00:00+08:00", "summary": "电话回访"},
    tables=(Interaction,),
)
api(
    "contact list",
    "GET",
    "/api/v1/contacts?page_size=200",
    module=CUSTOMERS,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_contact,
    visible_to=SEES_WEST,
)

# --- pages ---------------------------------------------------------------------------------

page(
    "customer list",
    "GET",
    "/customers/?page_size=200",
    module=CUSTOMERS,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_customer,
    visible_to=SEES_WEST,
    marker=_href,
)
page(
    "customer detail",
    "GET",
    "/customers/{id}/",
    module=CUSTOMERS,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_customer,
)
# A 360° tab loads on its own: the customer's scope plus the tab's module right (tickets:
# service view; the marketer and finance see the customer but not its tickets → 404).
page(
    "customer tab tickets",
    "GET",
    "/customers/{id}/tabs/tickets/",
    module=CUSTOMERS,
    action=VIEW,
    allowed=roles("admin", "leader", "mgr_west", "agent"),
    target=west_customer,
)
page(
    "customer edit",
    "POST",
    "/customers/{id}/edit/",
    module=CUSTOMERS,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_customer,
    body=lambda users, t: {
        "name": "成都蜀能贸易有限公司（改）",
        "status": "active",
        "credit_limit": "0",
        "owner": t.owner_id,
        "version": t.version,
    },
)
page(
    "customer delete",
    "POST",
    "/customers/{id}/delete/",
    module=CUSTOMERS,
    action=DELETE,
    allowed=DELETERS,
    forbidden=SEES_WEST - DELETERS,
    target=west_customer,
)


# --- reassign, export, duplicates, merge (CUS-4, CUS-6, CUS-7) ---------------------------

# Export action + the export permission; a list, so mgr_east gets 200 (without the west's
# rows: test_data_tools checks the scope of the file).
EXPORTERS = roles("admin", "leader", "mgr_west", "mgr_east")
MERGERS = DELETERS  # edit + delete on customers


def west_pair(users: Any) -> Customer:
    """Two west duplicates; the target is the survivor, the body names the other."""
    survivor = west_customer(users)
    services.customer_create(actor=users["rep_west_1"], name="成都蜀能贸易集团")
    return survivor


def _merge_body(users: Any, target: Customer) -> dict[str, Any]:
    other = Customer.objects.exclude(pk=target.pk).get(name="成都蜀能贸易集团")
    return {
        "survivor_id": target.pk,
        "merged_id": other.pk,
        "survivor_version": target.version,
        "merged_version": other.version,
    }


def west_merge(users: Any) -> Any:
    from crm.customers.merge import customer_merge

    survivor = west_pair(users)
    other = Customer.objects.get(name="成都蜀能贸易集团")
    return customer_merge(
        actor=users["admin"],
        survivor=survivor,
        merged=other,
        survivor_version=survivor.version,
        merged_version=other.version,
    )


# The new owner is rep_west_1 himself: agent (org scope: her own unit) cannot see him, so for
# her the target employee is out of scope → 404, like an owner_id she may not see.
api(
    "customer reassign",
    "POST",
    "/api/v1/customers/reassign",
    module=CUSTOMERS,
    action=EDIT,
    allowed=roles("admin", "mgr_west"),
    forbidden=SEES_WEST - EDITORS,
    target=west_customer,
    body=lambda users, t: {"ids": [t.pk], "to_owner_id": users["mgr_west"].pk},
    tables=(Customer,),
)
api(
    "customer export",
    "GET",
    "/api/v1/customers/export?format=csv",
    module=CUSTOMERS,
    action="export",
    allowed=EXPORTERS,
    forbidden=CAN_VIEW - EXPORTERS,
    target=west_customer,
)
api(
    "customer duplicates",
    "GET",
    "/api/v1/customers/duplicates",
    module=CUSTOMERS,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_pair,
)
api(
    "customer merge",
    "POST",
    "/api/v1/customers/merge",
    module=CUSTOMERS,
    action=DELETE,
    allowed=MERGERS,
    forbidden=SEES_WEST - MERGERS,
    target=west_pair,
    body=_merge_body,
    tables=(Customer, Contact, Merge),
)
api(
    "customer merge undo",
    "POST",
    "/api/v1/customers/merges/{id}/undo",
    module=CUSTOMERS,
    action=DELETE,
    allowed=MERGERS,
    forbidden=SEES_WEST - MERGERS,
    target=west_merge,
    tables=(Customer, Merge),
)
page(
    "customer reassign",
    "POST",
    "/customers/reassign/",
    module=CUSTOMERS,
    action=EDIT,
    allowed=roles("admin", "mgr_west"),
    forbidden=SEES_WEST - EDITORS,
    target=west_customer,
    body=lambda users, t: {
        "mode": "selected",
        "ids": t.pk,
        "to_owner": users["mgr_west"].pk,
        "confirm": "1",
    },
    tables=(Customer,),
)
page(
    "customer export",
    "GET",
    "/customers/export/?format=csv",
    module=CUSTOMERS,
    action="export",
    allowed=EXPORTERS,
    forbidden=CAN_VIEW - EXPORTERS,
    target=west_customer,
)
page(
    "customer duplicates",
    "GET",
    "/customers/duplicates/",
    module=CUSTOMERS,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_pair,
)
page(
    "customer merge",
    "POST",
    "/customers/merge/",
    module=CUSTOMERS,
    action=DELETE,
    allowed=MERGERS,
    forbidden=SEES_WEST - MERGERS,
    target=west_pair,
    body=lambda users, t: {
        **{k: v for k, v in _merge_body(users, t).items() if k.endswith("version")},
        "a": t.pk,
        "b": _merge_body(users, t)["merged_id"],
        "survivor": t.pk,
        "confirm": "1",
    },
    tables=(Customer, Contact, Merge),
)
page(
    "customer merge undo",
    "POST",
    "/customers/merges/{id}/undo/",
    module=CUSTOMERS,
    action=DELETE,
    allowed=MERGERS,
    forbidden=SEES_WEST - MERGERS,
    target=west_merge,
    tables=(Customer, Merge),
)
page(
    "customer quality",
    "GET",
    "/customers/quality/?page_size=200",
    module=CUSTOMERS,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_customer,
    visible_to=SEES_WEST,
    marker=_href,
)


# --- import (CUS-7) ------------------------------------------------------------------------


def _import_file() -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("import.csv", "名称\r\n矩阵导入客户\r\n".encode())}


def own_import_check(users: Any) -> Any:
    """A dry run of mgr_west's: jobs are their starter's only, so others get 404."""
    from crm.customers import imports

    file = _import_file()["file"]
    return imports.import_start(
        user=users["mgr_west"], kind="customers", upload=file, mapping=None, dry_run=True
    )


api(
    "customer import",
    "POST",
    "/api/v1/customers/import",
    module=CUSTOMERS,
    action=CREATE,
    allowed=CAN_CREATE,
    forbidden=CAN_VIEW - CAN_CREATE,
    body={"dry_run": "false"},
    files=_import_file,
    tables=(Customer,),
)
api(
    "customer import template",
    "GET",
    "/api/v1/customers/import/template?format=xlsx",
    module=CUSTOMERS,
    action=CREATE,
    allowed=CAN_CREATE,
    forbidden=CAN_VIEW - CAN_CREATE,
)
page(
    "customer import",
    "GET",
    "/customers/import/",
    module=CUSTOMERS,
    action=CREATE,
    allowed=CAN_CREATE,
    forbidden=CAN_VIEW - CAN_CREATE,
)
page(
    "customer import upload",
    "POST",
    "/customers/import/",
    module=CUSTOMERS,
    action=CREATE,
    allowed=CAN_CREATE,
    forbidden=CAN_VIEW - CAN_CREATE,
    body={"kind": "customers"},
    files=_import_file,
    tables=(Customer,),
)
page(
    "customer import template",
    "GET",
    "/customers/import/template/?format=csv",
    module=CUSTOMERS,
    action=CREATE,
    allowed=CAN_CREATE,
    forbidden=CAN_VIEW - CAN_CREATE,
)
page(
    "customer import commit",
    "POST",
    "/customers/import/{id}/",
    module=CUSTOMERS,
    action=CREATE,
    allowed=roles("mgr_west"),
    target=own_import_check,
    body={"action": "commit"},
    tables=(Customer,),
)

# The lists customers pick from: system managers only (403 for everyone else).
page(
    "customer lists",
    "GET",
    "/customers/lists/",
    module="system",
    action="manage_system",
    allowed=roles("admin"),
    forbidden=EVERYONE - roles("admin"),
)
page(
    "customer list entry add",
    "POST",
    "/customers/lists/",
    module="system",
    action="manage_system",
    allowed=roles("admin"),
    forbidden=EVERYONE - roles("admin"),
    body={"kind": "industry", "label": "矩阵测试行业", "sort_order": "0"},
    tables=(Choice,),
)
