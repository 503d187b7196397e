"""The ticket form, files of replies and notes, and work orders and defects changed on the
ticket page, in the access matrix (see crm.testing.matrix).

Targets are a WEST ticket (or its customer, reply, work order, defect) in the call centre's
queue, as in matrix_entries.py: changed by admin and agent, read by leader and mgr_west (403
on writes), 404 for everyone else. Files join a reply or note by its author only (the agent
wrote it): the administrator gets 403 there too.
"""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from crm.service import services, services_repair
from crm.service.models import (
    ProductDefect,
    RepairOrder,
    RepairPart,
    StatusChange,
    Ticket,
    TicketAttachment,
    TicketEntry,
)
from crm.testing.matrix import api, page, roles

from .matrix_entries import (
    CAN_VIEW,
    CREATORS,
    EDIT,
    EDITORS,
    SEES_WEST,
    SERVICE,
    west_customer,
    west_ticket,
)
from .matrix_entries_repair import west_defect, west_repair
from .repair_helpers import warranty_product

ORDERS = (RepairOrder, RepairPart)
AUTHOR = roles("agent")


def west_reply(users: Any) -> TicketEntry:
    return services.entry_add(
        ticket=west_ticket(users), kind="reply", body="您好，已安排处理。", actor=users["agent"]
    )


def west_order_with_part(users: Any) -> RepairOrder:
    ticket = west_repair(users)
    return services_repair.repair_order_create(
        ticket=ticket,
        actor=users["agent"],
        labour_hours=1,
        labour_rate=100,
        parts=[{"product": ticket.product, "quantity": 1, "unit_price": None}],
    )


def _files() -> dict[str, Any]:
    return {"files": SimpleUploadedFile("回复附件.txt", "维修报告".encode(), "text/plain")}


def _ticket_body(users: Any, t: Ticket) -> dict[str, Any]:
    return {
        "version": t.version,
        "title": "润滑油变质（已核实）",
        "type": t.type_id,
        "channel": "phone",
        "priority": "high",
    }


api(
    "service ticket entry attachments",
    "POST",
    "/api/v1/tickets/entries/{id}/attachments",
    module=SERVICE,
    action=EDIT,
    allowed=AUTHOR,
    forbidden=SEES_WEST - AUTHOR,
    target=west_reply,
    files=_files,
    tables=(TicketEntry, TicketAttachment),
)

page(
    "service ticket edit form",
    "GET",
    "/service/tickets/{id}/edit/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_ticket,
)
page(
    "service ticket edit",
    "POST",
    "/service/tickets/{id}/edit/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_ticket,
    body=_ticket_body,
    tables=(Ticket,),
)
page(
    "service ticket contact picker",
    "GET",
    "/service/tickets/pick/contacts/?customer={id}",
    module=SERVICE,
    action="create",
    allowed=CREATORS,
    forbidden=CAN_VIEW - CREATORS,
    target=west_customer,
)
page(
    "service ticket entry with files",
    "POST",
    "/service/tickets/{id}/entries/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_ticket,
    body={"kind": "reply", "body": "附件为维修报告。"},
    files=_files,
    tables=(Ticket, TicketEntry, TicketAttachment),
)
page(
    "service repair order labour",
    "POST",
    "/service/repair-orders/{id}/labour/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_order_with_part,
    body=lambda users, o: {"version": o.version, "labour_hours": "3", "labour_rate": "90"},
    tables=ORDERS,
)
page(
    "service repair part add",
    "POST",
    "/service/repair-orders/{id}/parts/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_order_with_part,
    body=lambda users, o: {
        "version": o.version,
        "part": warranty_product(users["admin"], code="MX-SEAL").code,
        "quantity": "2",
    },
    tables=ORDERS,
)
page(
    "service repair part remove",
    "POST",
    "/service/repair-orders/{id}/parts/remove/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_order_with_part,
    body=lambda users, o: {"version": o.version, "line": o.parts.get().pk},
    tables=ORDERS,
)
page(
    "service defect edit",
    "POST",
    "/service/defects/{id}/edit/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_defect,
    body=lambda users, d: {
        "version": d.version,
        "status": "investigating",
        "severity": "major",
        "batch_number": "B2026-07",
        "description": d.description,
    },
    tables=(ProductDefect,),
)


# --- handing a ticket to a queue or an agent ---------------------------------------------

api(
    "service ticket assign",
    "POST",
    "/api/v1/tickets/{id}/assign",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_ticket,
    body=lambda users, t: {
        "version": t.version,
        "queue_id": t.org_unit_id,
        "owner_id": users["agent"].pk,
    },
    tables=(Ticket, StatusChange),
)
page(
    "service ticket assign",
    "POST",
    "/service/tickets/{id}/assign/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_ticket,
    body=lambda users, t: {
        "version": t.version,
        "queue": t.org_unit_id,
        "owner": users["agent"].pk,
    },
    tables=(Ticket, StatusChange),
)
page(
    "service ticket agent picker",
    "GET",
    "/service/tickets/{id}/agents/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_ticket,
)
