"""Activities, visits and targets in the access matrix (see crm.testing.matrix).

Every target record belongs to the WEST: a visit (or target) of rep_west_1 (成都销售一组).
Sales rights: admin all; leader view all; mgr_* subtree; rep own (view, create, edit);
agent view all; finance view, create, edit and export, all (no delete); marketer and general
none. So the west record is seen by admin, leader, mgr_west, agent and finance; changed by
admin, mgr_west and finance; deleted by admin and mgr_west; leader and agent get 403 for
changes, finance for deletes. Targets are set by roles whose sales scope is wider than their
own records (admins, managers, finance): a rep's create right is not enough (403).

Not in the matrix: the ICS feed (/sales/calendar/<token>.ics) takes no session — its secret
token is the credential; test_activities_views covers it (only the token's user, 404 else).
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from crm.core.modules import Action, Module
from crm.customers.models import Interaction
from crm.customers.services import customer_create
from crm.sales import services_activities, services_targets
from crm.sales.models_activities import Activity, CalendarFeed, Target
from crm.testing.matrix import EVERYONE, api, page, roles

SALES = Module.SALES.value
VIEW, CREATE, EDIT, DELETE = (
    a.value for a in (Action.VIEW, Action.CREATE, Action.EDIT, Action.DELETE)
)
CAN_VIEW = EVERYONE - roles("marketer", "general")
SEES_WEST = roles("admin", "leader", "mgr_west", "agent", "finance")
CAN_CREATE = roles("admin", "mgr_east", "mgr_west", "rep_east")
EDITORS = roles("admin", "mgr_west")
DELETERS = roles("admin", "mgr_west")
# mgr_east: the west rep is out of scope (404)
TARGET_SETTERS = roles("admin", "mgr_west")
TARGET_DELETERS = roles("admin", "mgr_west")  # finance: no sales delete right (403)


def west_visit(users: Any) -> Activity:
    rep = users["rep_west_1"]
    customer = customer_create(actor=rep, name="成都蜀能贸易有限公司")
    return services_activities.activity_create(
        actor=rep,
        kind="visit",
        subject="矩阵拜访",
        customer=customer,
        planned_start=timezone.now() + timedelta(hours=1),
    )


def west_target(users: Any) -> Target:
    return services_targets.target_create(
        actor=users["mgr_west"],
        period_kind="month",
        period_start=timezone.localdate(),
        amount="100000",
        rep=users["rep_west_1"],
    )


def _href(target: Any) -> str:
    return f'href="/sales/activities/{target.pk}/"'


def _when(hours: int = 1) -> str:
    return (timezone.localtime() + timedelta(hours=hours)).isoformat()


def _page_when(hours: int = 2) -> str:
    return (timezone.localtime() + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


_TASK = {"kind": "task", "subject": "矩阵任务"}

# --- API -----------------------------------------------------------------------------------

api(
    "activity list",
    "GET",
    "/api/v1/activities?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_visit,
    visible_to=SEES_WEST,
)
api(
    "activity create",
    "POST",
    "/api/v1/activities",
    module=SALES,
    action=CREATE,
    allowed=CAN_CREATE,
    forbidden=CAN_VIEW - CAN_CREATE,
    body=lambda users, t: {**_TASK, "planned_start": _when()},
    tables=(Activity,),
)
api(
    "activity detail",
    "GET",
    "/api/v1/activities/{id}",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_visit,
)
api(
    "activity patch",
    "PATCH",
    "/api/v1/activities/{id}",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_visit,
    body=lambda users, t: {"version": t.version, "subject": "改过的拜访"},
)
api(
    "activity delete",
    "DELETE",
    "/api/v1/activities/{id}",
    module=SALES,
    action=DELETE,
    allowed=DELETERS,
    forbidden=SEES_WEST - DELETERS,
    target=west_visit,
)
api(
    "activity check-in",
    "POST",
    "/api/v1/activities/{id}/check-in",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_visit,
    body=lambda users, t: {"version": t.version},
)
api(
    "activity complete",
    "POST",
    "/api/v1/activities/{id}/complete",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_visit,
    body=lambda users, t: {"version": t.version, "notes": "谈得不错"},
    tables=(Activity, Interaction),
)
api(
    "activity cancel",
    "POST",
    "/api/v1/activities/{id}/cancel",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_visit,
    body=lambda users, t: {"version": t.version, "reason": "改期"},
)
api(
    "activity visits achievement",
    "GET",
    "/api/v1/visits/achievement?period_kind=quarter",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_visit,
)
api(
    "activity target list",
    "GET",
    "/api/v1/targets?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_target,
    visible_to=SEES_WEST,
)
api(
    "activity target create",
    "POST",
    "/api/v1/targets",
    module=SALES,
    action=CREATE,
    allowed=TARGET_SETTERS,
    forbidden=roles("leader", "agent", "rep_east", "finance"),
    body=lambda users, t: {
        "period_kind": "year",
        "period_start": str(timezone.localdate()),
        "amount": "1000000",
        "rep_id": users["rep_west_1"].pk,
    },
    tables=(Target,),
)
api(
    "activity target detail",
    "GET",
    "/api/v1/targets/{id}",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_target,
)
api(
    "activity target patch",
    "PATCH",
    "/api/v1/targets/{id}",
    module=SALES,
    action=EDIT,
    allowed=TARGET_SETTERS,
    forbidden=SEES_WEST - TARGET_SETTERS,
    target=west_target,
    body=lambda users, t: {"version": t.version, "amount": "120000"},
)
api(
    "activity target delete",
    "DELETE",
    "/api/v1/targets/{id}",
    module=SALES,
    action=DELETE,
    allowed=TARGET_DELETERS,
    forbidden=SEES_WEST - TARGET_DELETERS,
    target=west_target,
)
api(
    "activity targets achievement",
    "GET",
    "/api/v1/targets/achievement?period_kind=month",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_target,
)

# --- pages ---------------------------------------------------------------------------------

for name, path in (
    ("activity week", "/sales/week/"),
    ("activity calendar month", "/sales/calendar/"),
    ("activity calendar week", "/sales/calendar/?view=week"),
    ("activity feed", "/sales/calendar/subscribe/"),
    ("activity visit achievement", "/sales/visits/achievement/?period=year"),
    ("activity targets", "/sales/targets/"),
    ("activity picker", "/sales/activities/picker/?q=shuneng"),
    ("activity new form", "/sales/activities/new/"),
):
    page(
        name,
        "GET",
        path,
        module=SALES,
        action=CREATE if name == "activity new form" else VIEW,
        allowed=CAN_CREATE if name == "activity new form" else CAN_VIEW,
        forbidden=CAN_VIEW - CAN_CREATE if name == "activity new form" else frozenset(),
        target=west_visit,
    )
page(
    "activity list",
    "GET",
    "/sales/activities/?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_visit,
    visible_to=SEES_WEST,
    marker=_href,
)
page(
    "activity create",
    "POST",
    "/sales/activities/new/",
    module=SALES,
    action=CREATE,
    allowed=CAN_CREATE,
    forbidden=CAN_VIEW - CAN_CREATE,
    body=lambda users, t: {**_TASK, "planned_start": _page_when()},
    tables=(Activity,),
)
page(
    "activity feed rotate",
    "POST",
    "/sales/calendar/subscribe/",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    body={"action": "rotate"},
    tables=(CalendarFeed,),
)
page(
    "activity detail",
    "GET",
    "/sales/activities/{id}/",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_visit,
)
page(
    "activity edit",
    "POST",
    "/sales/activities/{id}/edit/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_visit,
    body=lambda users, t: {
        "kind": "visit",
        "subject": "改过的拜访",
        "customer": t.customer_id,
        "planned_start": _page_when(3),
        "version": t.version,
    },
)
for name, suffix, body in (
    ("activity check-in", "check-in", lambda users, t: {"version": t.version}),
    ("activity complete", "complete", lambda users, t: {"version": t.version, "notes": "好"}),
    (
        "activity reschedule",
        "reschedule",
        lambda users, t: {"version": t.version, "planned_start": _page_when(5)},
    ),
    ("activity cancel", "cancel", lambda users, t: {"version": t.version, "reason": "改约"}),
):
    page(
        name,
        "POST",
        f"/sales/activities/{{id}}/{suffix}/",
        module=SALES,
        action=EDIT,
        allowed=EDITORS,
        forbidden=SEES_WEST - EDITORS,
        target=west_visit,
        body=body,
        tables=(Activity, Interaction),
    )
page(
    "activity delete",
    "POST",
    "/sales/activities/{id}/delete/",
    module=SALES,
    action=DELETE,
    allowed=DELETERS,
    forbidden=SEES_WEST - DELETERS,
    target=west_visit,
)
page(
    "activity target create",
    "POST",
    "/sales/targets/new/",
    module=SALES,
    action=CREATE,
    allowed=TARGET_SETTERS,
    forbidden=roles("leader", "agent", "rep_east", "finance"),
    body=lambda users, t: {
        "period_kind": "year",
        "period_start": str(timezone.localdate()),
        "rep": users["rep_west_1"].pk,
        "amount": "1000000",
    },
    tables=(Target,),
)
page(
    "activity target edit",
    "POST",
    "/sales/targets/{id}/edit/",
    module=SALES,
    action=EDIT,
    allowed=TARGET_SETTERS,
    forbidden=SEES_WEST - TARGET_SETTERS,
    target=west_target,
    body=lambda users, t: {"version": t.version, "amount": "150000"},
)
page(
    "activity target delete",
    "POST",
    "/sales/targets/{id}/delete/",
    module=SALES,
    action=DELETE,
    allowed=TARGET_DELETERS,
    forbidden=SEES_WEST - TARGET_DELETERS,
    target=west_target,
)
