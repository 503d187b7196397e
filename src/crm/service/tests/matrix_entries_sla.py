"""SLA routes and pages in the access matrix (see crm.testing.matrix).

Compliance: everyone who may view the service module (figures over the tickets they see).
Settings (calendars, policies, queue managers): system managers only (admin); every other
role gets 403, as for the sales stages.
"""

from typing import Any

from crm.core.modules import Module
from crm.service.models import (
    CalendarDay,
    QueueEscalation,
    ServiceCalendar,
    SlaPolicy,
    TicketType,
)
from crm.testing.matrix import EVERYONE, api, page, roles

from .matrix_entries import CAN_VIEW, SERVICE, VIEW

MANAGE = "manage_system"
ADMINS = roles("admin")
NOT_ADMINS = EVERYONE - ADMINS
SETTINGS = (ServiceCalendar, CalendarDay, SlaPolicy, QueueEscalation)
HOURS = {"0": "09:00-17:00", "1": "09:00-17:00"}


def calendar(users: Any) -> ServiceCalendar:
    return ServiceCalendar.objects.create(name="测试日历", hours={"0": [["09:00", "17:00"]]})


def policy(users: Any) -> SlaPolicy:
    return SlaPolicy.objects.create(
        type=TicketType.objects.get(code="repair"),
        priority="low",
        calendar=calendar(users),
        first_response_minutes=60,
        resolution_minutes=600,
    )


def _repair() -> int:
    return TicketType.objects.get(code="repair").pk


api(
    "sla compliance",
    "GET",
    "/api/v1/sla/compliance?group=type",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
)
api(
    "sla calendar list",
    "GET",
    "/api/v1/sla/calendars",
    module=Module.SYSTEM.value,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
)
api(
    "sla calendar create",
    "POST",
    "/api/v1/sla/calendars",
    module=Module.SYSTEM.value,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    body={"name": "夜班日历", "tz": "Asia/Shanghai", "hours": HOURS},
    tables=SETTINGS,
)
api(
    "sla calendar detail",
    "GET",
    "/api/v1/sla/calendars/{id}",
    module=Module.SYSTEM.value,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    target=calendar,
)
api(
    "sla calendar patch",
    "PATCH",
    "/api/v1/sla/calendars/{id}",
    module=Module.SYSTEM.value,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    target=calendar,
    body=lambda users, t: {"version": t.version, "name": "改名", "tz": "UTC", "hours": HOURS},
    tables=SETTINGS,
)
api(
    "sla calendar day set",
    "POST",
    "/api/v1/sla/calendars/{id}/days",
    module=Module.SYSTEM.value,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    target=calendar,
    body={"date": "2026-10-01", "kind": "holiday", "note": "国庆节"},
    tables=SETTINGS,
)
api(
    "sla calendar day delete",
    "DELETE",
    "/api/v1/sla/calendars/{id}/days/2026-10-01",
    module=Module.SYSTEM.value,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    target=calendar,
    tables=SETTINGS,
)
api(
    "sla policy list",
    "GET",
    "/api/v1/sla/policies",
    module=Module.SYSTEM.value,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
)
api(
    "sla policy create",
    "POST",
    "/api/v1/sla/policies",
    module=Module.SYSTEM.value,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    target=calendar,
    body=lambda users, t: {
        "type_id": _repair(),
        "priority": "low",
        "calendar_id": t.pk,
        "first_response_minutes": 60,
        "resolution_minutes": 480,
    },
    tables=SETTINGS,
)
api(
    "sla policy patch",
    "PATCH",
    "/api/v1/sla/policies/{id}",
    module=Module.SYSTEM.value,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    target=policy,
    body=lambda users, t: {"version": t.version, "warn_percent": 50},
    tables=SETTINGS,
)
api(
    "sla policy delete",
    "DELETE",
    "/api/v1/sla/policies/{id}",
    module=Module.SYSTEM.value,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    target=policy,
    tables=SETTINGS,
)

page(
    "sla compliance",
    "GET",
    "/service/sla/?group=queue",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
)
for name, path, target in (
    ("sla settings", "/service/sla/settings/", None),
    ("sla calendar new", "/service/sla/calendars/new/", None),
    ("sla calendar edit", "/service/sla/calendars/{id}/", calendar),
    ("sla policy new", "/service/sla/policies/new/", None),
    ("sla policy edit", "/service/sla/policies/{id}/", policy),
):
    page(
        name,
        "GET",
        path,
        module=Module.SYSTEM.value,
        action=MANAGE,
        allowed=ADMINS,
        forbidden=NOT_ADMINS,
        target=target,
    )
page(
    "sla calendar save",
    "POST",
    "/service/sla/calendars/{id}/",
    module=Module.SYSTEM.value,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    target=calendar,
    body=lambda users, t: {
        "version": t.version,
        "name": "改名",
        "tz": "Asia/Shanghai",
        "day_0": "09:00-17:00",
    },  # fmt: skip
    tables=SETTINGS,
)
page(
    "sla calendar day",
    "POST",
    "/service/sla/calendars/{id}/days/",
    module=Module.SYSTEM.value,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    target=calendar,
    body={"date": "2026-10-01", "kind": "holiday", "note": "国庆节"},
    tables=SETTINGS,
)
page(
    "sla policy save",
    "POST",
    "/service/sla/policies/{id}/",
    module=Module.SYSTEM.value,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    target=policy,
    body=lambda users, t: {
        "version": t.version,
        "calendar": t.calendar_id,
        "first_response_minutes": 30,
        "resolution_minutes": 300,
        "warn_percent": 70,
        "active": "on",
    },
    tables=SETTINGS,
)
page(
    "sla queue manager",
    "POST",
    "/service/sla/managers/",
    module=Module.SYSTEM.value,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    body=lambda users, t: {"queue": users["agent"].unit_id, "manager": users["leader"].pk},
    tables=SETTINGS,
)
