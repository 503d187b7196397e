"""Warranty and repair in the access matrix (see crm.testing.matrix).

The target is a repair ticket of a WEST customer (owner rep_west_1) in the call centre's
queue, or a file, work order or defect of it: seen like the ticket (admin, leader, agent; and
mgr_west through the customer, read-only), changed by admin and agent only. Everyone else
gets 404 for the record by id.
"""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from crm.service import services_repair
from crm.service.models import (
    ProductDefect,
    RepairOrder,
    RepairPart,
    Ticket,
    TicketAttachment,
)
from crm.testing.matrix import api, page

from .matrix_entries import (
    CAN_VIEW,
    CREATORS,
    EDIT,
    EDITORS,
    SEES_WEST,
    SERVICE,
    VIEW,
    west_customer,
)
from .repair_helpers import repair_ticket, warranty_product

ORDERS = (RepairOrder, RepairPart)


def west_repair(users: Any) -> Ticket:
    product = warranty_product(users["admin"], code="MX-PUMP")
    return repair_ticket(users["agent"], west_customer(users), product)


def west_attachment(users: Any) -> TicketAttachment:
    return services_repair.attachment_add(
        ticket=west_repair(users), file=_file()["file"], actor=users["agent"]
    )


def west_repair_order(users: Any) -> RepairOrder:
    return services_repair.repair_order_create(
        ticket=west_repair(users), actor=users["agent"], labour_hours=1, labour_rate=100
    )


def west_defect(users: Any) -> ProductDefect:
    return services_repair.defect_create(
        ticket=west_repair(users), actor=users["agent"], description="密封圈开裂"
    )


def _file() -> dict[str, Any]:
    return {"file": SimpleUploadedFile("故障.txt", "漏油照片说明".encode(), "text/plain")}


def _href(t: Any) -> str:
    return f'href="/service/tickets/{t.ticket_id}/"'


api(
    "service ticket warranty",
    "GET",
    "/api/v1/tickets/{id}/warranty",
    module=SERVICE,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_repair,
)
api(
    "service repair charge",
    "POST",
    "/api/v1/tickets/{id}/repair-charge",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_repair,
    body=lambda users, t: {"version": t.version, "charge": "paid"},
)
api(
    "service ticket attachments",
    "GET",
    "/api/v1/tickets/{id}/attachments",
    module=SERVICE,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_repair,
)
api(
    "service ticket attachment upload",
    "POST",
    "/api/v1/tickets/{id}/attachments",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_repair,
    files=_file,
    tables=(TicketAttachment,),
)
api(
    "service ticket attachment download",
    "GET",
    "/api/v1/tickets/attachments/{id}",
    module=SERVICE,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_attachment,
)
api(
    "service repair orders",
    "GET",
    "/api/v1/tickets/{id}/repair-orders",
    module=SERVICE,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_repair,
)
api(
    "service repair order create",
    "POST",
    "/api/v1/tickets/{id}/repair-orders",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_repair,
    body={"labour_hours": "2", "labour_rate": "80"},
    tables=ORDERS,
)
api(
    "service repair order detail",
    "GET",
    "/api/v1/repair-orders/{id}",
    module=SERVICE,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_repair_order,
)
api(
    "service repair order patch",
    "PATCH",
    "/api/v1/repair-orders/{id}",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_repair_order,
    body=lambda users, o: {"version": o.version, "status": "done"},
    tables=ORDERS,
)
api(
    "service defect list",
    "GET",
    "/api/v1/defects?page_size=200",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_defect,
    visible_to=SEES_WEST,
)
api(
    "service defect counts",
    "GET",
    "/api/v1/defects/counts",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
)
api(
    "service ticket defects",
    "GET",
    "/api/v1/tickets/{id}/defects",
    module=SERVICE,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_repair,
)
api(
    "service defect create",
    "POST",
    "/api/v1/tickets/{id}/defects",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_repair,
    body={"description": "外壳裂纹", "batch_number": "B2026-07", "severity": "major"},
    tables=(ProductDefect,),
)
api(
    "service defect detail",
    "GET",
    "/api/v1/defects/{id}",
    module=SERVICE,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_defect,
)
api(
    "service defect patch",
    "PATCH",
    "/api/v1/defects/{id}",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_defect,
    body=lambda users, d: {"version": d.version, "status": "investigating"},
)

page(
    "service repair charge",
    "POST",
    "/service/tickets/{id}/repair-charge/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_repair,
    body=lambda users, t: {"version": t.version, "charge": "paid"},
)
page(
    "service ticket attachment upload",
    "POST",
    "/service/tickets/{id}/attachments/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_repair,
    files=_file,
    tables=(TicketAttachment,),
)
page(
    "service ticket attachment download",
    "GET",
    "/service/tickets/attachments/{id}/",
    module=SERVICE,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_attachment,
)
page(
    "service repair order create",
    "POST",
    "/service/tickets/{id}/repair-orders/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_repair,
    body={"labour_hours": "2", "labour_rate": "80", "quantity": "1"},
    tables=ORDERS,
)
page(
    "service repair order status",
    "POST",
    "/service/repair-orders/{id}/status/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_repair_order,
    body=lambda users, o: {"version": o.version, "status": "done"},
    tables=ORDERS,
)
page(
    "service defect create",
    "POST",
    "/service/tickets/{id}/defects/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_repair,
    body={"description": "外壳裂纹", "batch_number": "B2026-07", "severity": "major"},
    tables=(ProductDefect,),
)
page(
    "service defect list",
    "GET",
    "/service/defects/?page_size=200",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_defect,
    visible_to=SEES_WEST,
    marker=_href,
)
page(
    "service defect status",
    "POST",
    "/service/defects/{id}/status/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_defect,
    body=lambda users, d: {"version": d.version, "status": "investigating"},
)
page(
    "service ticket customer picker",
    "GET",
    "/service/tickets/pick/customers/?customer_text=成都",
    module=SERVICE,
    action="create",
    allowed=CREATORS,
    forbidden=CAN_VIEW - CREATORS,
)
page(
    "service ticket product picker",
    "GET",
    "/service/tickets/pick/products/?product=泵",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
)
