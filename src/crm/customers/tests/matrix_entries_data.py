"""The customers API's data tools in the access matrix: quality report and saved views.

A saved view belongs to its user alone: another user's view does not exist for anyone (404),
whatever their role.
"""

from typing import Any

from crm.core.modules import Action, Module
from crm.customers import services
from crm.customers.models import Contact, Interaction, SavedFilter
from crm.testing.matrix import EVERYONE, api, page, roles

from .matrix_entries import SEES_WEST, west_customer

CAN_VIEW = EVERYONE - roles("general")
NOBODY: frozenset[str] = frozenset()


def west_rep_view(users: Any) -> SavedFilter:
    return services.saved_filter_save(user=users["rep_west_1"], name="成都重点", query="q=蜀能")


api(
    "customer quality api",
    "GET",
    "/api/v1/customers/quality?page_size=200",
    module=Module.CUSTOMERS.value,
    action=Action.VIEW.value,
    allowed=CAN_VIEW,
    target=west_customer,
    visible_to=SEES_WEST,
)
api(
    "saved view list api",
    "GET",
    "/api/v1/customers/views",
    module=Module.CUSTOMERS.value,
    action=Action.VIEW.value,
    allowed=CAN_VIEW,
    target=west_rep_view,
    visible_to=NOBODY,
)
api(
    "saved view create api",
    "POST",
    "/api/v1/customers/views",
    module=Module.CUSTOMERS.value,
    action=Action.VIEW.value,
    allowed=CAN_VIEW,
    body={"name": "我的视图", "query": "status=active"},
    tables=(SavedFilter,),
)
api(
    "saved view delete api",
    "DELETE",
    "/api/v1/customers/views/{id}",
    module=Module.CUSTOMERS.value,
    action=Action.VIEW.value,
    allowed=NOBODY,
    target=west_rep_view,
)
page(
    "saved view delete page",
    "POST",
    "/customers/views/{id}/delete/",
    module=Module.CUSTOMERS.value,
    action=Action.VIEW.value,
    allowed=NOBODY,
    target=west_rep_view,
)


# --- the customer pages' forms -------------------------------------------------------------

CAN_CREATE = roles("admin", "mgr_east", "mgr_west", "rep_east", "agent")
EDITORS = roles("admin", "mgr_west", "agent")


def west_contact(users: Any) -> Contact:
    return services.contact_create(customer=west_customer(users), actor=None, name="赵强")


def west_interaction(users: Any) -> Interaction:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    return services.interaction_create(
        customer=west_customer(users),
        actor=users["rep_west_1"],
        channel="call",
        occurred_at=timezone.now(),
        summary="电话确认发货时间",
        attachment=SimpleUploadedFile("记录.txt", "通话记录".encode(), "text/plain"),
    )


page(
    "customer create page",
    "GET",
    "/customers/new/",
    module=Module.CUSTOMERS.value,
    action=Action.CREATE.value,
    allowed=CAN_CREATE,
    forbidden=CAN_VIEW - CAN_CREATE,
)
page(
    "division options",
    "GET",
    "/customers/divisions/?province=51",
    module=Module.CUSTOMERS.value,
    action=Action.VIEW.value,
    allowed=EVERYONE,  # reference data (administrative divisions), no customer data
)
page(
    "owner options",
    "GET",
    "/customers/owners/?q=rep&blank=any",
    module=Module.CUSTOMERS.value,
    action=Action.VIEW.value,
    allowed=CAN_VIEW,  # the general role sees no customer module at all: 404, as the list
)
page(
    "saved view save page",
    "POST",
    "/customers/views/save/",
    module=Module.CUSTOMERS.value,
    action=Action.VIEW.value,
    allowed=CAN_VIEW,
    body={"name": "我的视图", "query": "status=active"},
    tables=(SavedFilter,),
)
page(
    "contact create page",
    "POST",
    "/customers/{id}/contacts/new/",
    module=Module.CUSTOMERS.value,
    action=Action.EDIT.value,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_customer,
    body={"contact-name": "钱伟", "contact-role": "other", "contact-mobile": "13800138000"},
    tables=(Contact,),
)
page(
    "interaction create page",
    "POST",
    "/customers/{id}/interactions/new/",
    module=Module.CUSTOMERS.value,
    action=Action.EDIT.value,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_customer,
    body={
        "log-channel": "call",
        "log-direction": "out",
        "log-occurred_at": "2026-11-20T10:00",
        "log-summary": "回访",
    },
    tables=(Interaction,),
)
page(
    "contact edit page",
    "POST",
    "/customers/contacts/{id}/edit/",
    module=Module.CUSTOMERS.value,
    action=Action.EDIT.value,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_contact,
    body=lambda users, t: {"name": "赵强（改）", "role": "other", "version": t.version},
)
page(
    "contact delete page",
    "POST",
    "/customers/contacts/{id}/delete/",
    module=Module.CUSTOMERS.value,
    action=Action.EDIT.value,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_contact,
)
page(
    "interaction attachment",
    "GET",
    "/customers/interactions/{id}/attachment/",
    module=Module.CUSTOMERS.value,
    action=Action.VIEW.value,
    allowed=SEES_WEST,
    target=west_interaction,
)
