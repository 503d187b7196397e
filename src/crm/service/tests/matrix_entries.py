"""Tickets in the access matrix (see crm.testing.matrix).

The target is a complaint of a WEST customer (owner rep_west_1) in the call centre's queue.
Who sees it: admin and leader (service scope "all"), agent (the call centre is in their service
scope) and mgr_west (the customer is in their customers scope, so they read its tickets). Only
admin and agent may change it; leader and mgr_west read it (403 on writes). mgr_east and
rep_east (neither the queue nor the customer), marketer and general (no service right) get 404.
"""

from typing import Any

from crm.core.modules import Action, Module
from crm.customers import services as customer_services
from crm.customers.models import Customer
from crm.service import services
from crm.service.models import StatusChange, Ticket, TicketEntry, TicketType
from crm.testing.matrix import api, page, roles

SEES_WEST = roles("admin", "leader", "mgr_west", "agent")
CAN_VIEW = roles("admin", "leader", "mgr_east", "mgr_west", "rep_east", "agent")
EDITORS = roles("admin", "agent")
CREATORS = roles("admin", "agent")

SERVICE = Module.SERVICE.value
VIEW, CREATE, EDIT = (a.value for a in (Action.VIEW, Action.CREATE, Action.EDIT))
WRITES = (Ticket, StatusChange, TicketEntry)


def west_customer(users: Any) -> Customer:
    return customer_services.customer_create(actor=users["rep_west_1"], name="成都蜀能贸易有限公司")


def west_ticket(users: Any) -> Ticket:
    return services.ticket_create(
        actor=users["agent"],
        customer=west_customer(users),
        title="润滑油变质",
        type=TicketType.objects.get(code="complaint"),
    )


def _complaint() -> int:
    return TicketType.objects.get(code="complaint").pk


def _href(t: Any) -> str:
    return f'href="/service/tickets/{t.pk}/"'


api(
    "service ticket list",
    "GET",
    "/api/v1/tickets?page_size=200",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_ticket,
    visible_to=SEES_WEST,
)
api(
    "service ticket create",
    "POST",
    "/api/v1/tickets",
    module=SERVICE,
    action=CREATE,
    allowed=CREATORS,
    forbidden=CAN_VIEW - CREATORS,
    target=west_customer,
    body=lambda users, t: {"customer_id": t.pk, "title": "咨询", "type_id": _complaint()},
    tables=WRITES,
)
api(
    "service ticket detail",
    "GET",
    "/api/v1/tickets/{id}",
    module=SERVICE,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_ticket,
)
api(
    "service ticket patch",
    "PATCH",
    "/api/v1/tickets/{id}",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_ticket,
    body=lambda users, t: {"version": t.version, "priority": "urgent"},
)
api(
    "service ticket transition",
    "POST",
    "/api/v1/tickets/{id}/transition",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_ticket,
    body=lambda users, t: {"version": t.version, "to": "in_progress"},
    tables=WRITES,
)
api(
    "service ticket entries",
    "GET",
    "/api/v1/tickets/{id}/entries",
    module=SERVICE,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_ticket,
)
api(
    "service ticket entry create",
    "POST",
    "/api/v1/tickets/{id}/entries",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_ticket,
    body={"kind": "reply", "body": "您好，已安排处理。"},
    tables=WRITES,
)
api(
    "service ticket types",
    "GET",
    "/api/v1/ticket-types",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
)

# --- pages ---------------------------------------------------------------------------------

page(
    "service ticket list",
    "GET",
    "/service/tickets/?page_size=200",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_ticket,
    visible_to=SEES_WEST,
    marker=_href,
)
page(
    "service ticket create",
    "POST",
    "/service/tickets/new/",
    module=SERVICE,
    action=CREATE,
    allowed=CREATORS,
    forbidden=CAN_VIEW - CREATORS,
    target=west_customer,
    body=lambda users, t: {
        "customer": t.pk,
        "title": "咨询",
        "type": _complaint(),
        "channel": "phone",
        "priority": "normal",
    },
    tables=WRITES,
)
page(
    "service ticket detail",
    "GET",
    "/service/tickets/{id}/",
    module=SERVICE,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_ticket,
)
page(
    "service ticket transition",
    "POST",
    "/service/tickets/{id}/transition/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_ticket,
    body=lambda users, t: {"to": "in_progress", "version": t.version},
    tables=WRITES,
)
page(
    "service ticket entry create",
    "POST",
    "/service/tickets/{id}/entries/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_ticket,
    body={"kind": "note", "body": "内部备注"},
    tables=WRITES,
)
