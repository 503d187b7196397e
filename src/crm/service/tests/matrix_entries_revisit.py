"""Complaint revisits in the access matrix (see crm.testing.matrix).

The target is the revisit of a closed complaint of a WEST customer in the call centre's
queue: seen like the ticket (admin, leader, agent, mgr_west), recorded by admin and agent
only; the revisit lead time per type is a system manager's setting.
"""

from typing import Any

from crm.core.modules import Module
from crm.service import services
from crm.service.models import Revisit, TicketType
from crm.testing.matrix import EVERYONE, api, page, roles

from .matrix_entries import CAN_VIEW, EDIT, EDITORS, SEES_WEST, SERVICE, VIEW, west_ticket

WRITES = (Revisit, TicketType)
ADMINS = roles("admin")


def west_revisit(users: Any) -> Revisit:
    t = west_ticket(users)
    for to in ("resolved", "closed"):
        t = services.ticket_transition(ticket=t, to=to, version=t.version, actor=users["agent"])
    return Revisit.objects.get(ticket=t)


def _href(r: Any) -> str:
    return f'href="/service/tickets/{r.ticket_id}/"'


api(
    "service revisit list",
    "GET",
    "/api/v1/revisits?state=pending",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_revisit,
    visible_to=SEES_WEST,
)
api(
    "service revisit record",
    "POST",
    "/api/v1/revisits/{id}/record",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_revisit,
    body=lambda users, t: {"version": t.version, "satisfaction": 4, "comments": "满意"},
    tables=WRITES,
)
api(
    "service complaint report",
    "GET",
    "/api/v1/revisits/report?group=cause",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
)
page(
    "service revisit list",
    "GET",
    "/service/revisits/?state=pending",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_revisit,
    visible_to=SEES_WEST,
    marker=_href,
)
page(
    "service revisit record",
    "POST",
    "/service/revisits/{id}/record/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_revisit,
    body=lambda users, t: {"version": t.version, "satisfaction": "4"},
    tables=WRITES,
)
page(
    "service complaint report",
    "GET",
    "/service/revisits/report/",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
)
page(
    "service revisit lead time",
    "POST",
    "/service/sla/revisit-days/",
    module=Module.SYSTEM.value,
    action="manage_system",
    allowed=ADMINS,
    forbidden=EVERYONE - ADMINS,
    body=lambda users, t: {f"type_{TicketType.objects.get(code='inquiry').pk}": "2"},
    tables=WRITES,
)
