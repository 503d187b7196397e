"""Notifications in the access matrix (see crm.testing.matrix).

A notification is personal: the target belongs to mgr_west, and only mgr_west lists it or
marks it read; every other role, admin included, gets 404 for it. Every signed-in role has
an inbox, a bell and a preference. The reminder run log is for system managers (others 403).
"""

from typing import Any

from crm.core.modules import Action, Module, Special
from crm.system import services
from crm.system.models import Notification, NotificationPreference
from crm.testing.matrix import EVERYONE, api, page, roles

SYSTEM = Module.SYSTEM.value
VIEW, EDIT = Action.VIEW.value, Action.EDIT.value
MANAGE = Special.MANAGE_SYSTEM.value
OWNER = roles("mgr_west")
ADMIN = roles("admin")


def west_notification(users: Any) -> Notification:
    n = services.notify(
        user=users["mgr_west"], key="receivable-overdue:INV000001", title="应收款逾期"
    )
    assert n is not None
    return n


def _marker(n: Any) -> str:
    return f'data-id="{n.pk}"'


# --- API -----------------------------------------------------------------------------------

api(
    "notification list",
    "GET",
    "/api/v1/notifications?page_size=200",
    module=SYSTEM,
    action=VIEW,
    allowed=EVERYONE,
    target=west_notification,
    visible_to=OWNER,
)
api(
    "notification unread count",
    "GET",
    "/api/v1/notifications/unread-count",
    module=SYSTEM,
    action=VIEW,
    allowed=EVERYONE,
)
api(
    "notification read",
    "POST",
    "/api/v1/notifications/{id}/read",
    module=SYSTEM,
    action=EDIT,
    allowed=OWNER,
    target=west_notification,
)
api(
    "notification read all",
    "POST",
    "/api/v1/notifications/read-all",
    module=SYSTEM,
    action=EDIT,
    allowed=EVERYONE,
    target=west_notification,
)
api(
    "notification preferences",
    "GET",
    "/api/v1/notifications/preferences",
    module=SYSTEM,
    action=VIEW,
    allowed=EVERYONE,
)
api(
    "notification preferences put",
    "PUT",
    "/api/v1/notifications/preferences",
    module=SYSTEM,
    action=EDIT,
    allowed=EVERYONE,
    body={"email_enabled": False, "version": 1},
    tables=(NotificationPreference,),
)
api(
    "reminder run list",
    "GET",
    "/api/v1/reminder-runs",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMIN,
    forbidden=EVERYONE - ADMIN,
)

# --- pages ---------------------------------------------------------------------------------

page(
    "notification list",
    "GET",
    "/notifications/",
    module=SYSTEM,
    action=VIEW,
    allowed=EVERYONE,
    target=west_notification,
    visible_to=OWNER,
    marker=_marker,
)
page(
    "notification bell",
    "GET",
    "/notifications/bell/",
    module=SYSTEM,
    action=VIEW,
    allowed=EVERYONE,
)
page(
    "notification read",
    "POST",
    "/notifications/{id}/read/",
    module=SYSTEM,
    action=EDIT,
    allowed=OWNER,
    target=west_notification,
)
page(
    "notification read all",
    "POST",
    "/notifications/read-all/",
    module=SYSTEM,
    action=EDIT,
    allowed=EVERYONE,
    target=west_notification,
)
page(
    "notification preferences",
    "GET",
    "/notifications/settings/",
    module=SYSTEM,
    action=VIEW,
    allowed=EVERYONE,
)
page(
    "notification preferences save",
    "POST",
    "/notifications/settings/",
    module=SYSTEM,
    action=EDIT,
    allowed=EVERYONE,
    body={"delivery": "app", "version": 1},
    tables=(NotificationPreference,),
)
page(
    "reminder run list",
    "GET",
    "/notifications/runs/",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMIN,
    forbidden=EVERYONE - ADMIN,
)
