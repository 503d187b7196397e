"""The pipeline's endpoints and pages in the access matrix (see crm.testing.matrix): leads,
opportunities, the board, stages and the forecast.

Every target belongs to the WEST: a lead or opportunity of rep_west_1 (成都销售一组). Who sees
it: admin, leader, agent and finance (sales scope "all") and mgr_west (subtree of 成都分公司).
mgr_east and rep_east (other unit / own records only), marketer and general (no sales right)
get 404. Editors of the west: admin, mgr_west and finance (sales create/edit, scope "all");
leader and agent may only read; deleting is admin's and mgr_west's (finance has no sales
delete right: 403). Converting a lead into a new customer also needs the customers create
right, which finance lacks (403). Stages are configuration: every sales reader lists them,
only system managers (admin) change them.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from crm.core.modules import Action, Module
from crm.customers import services as customer_services
from crm.customers.models import Contact, Customer
from crm.sales import services, services_leads, services_stages
from crm.sales.models import Lead, Opportunity, Stage, StageChange
from crm.testing.matrix import api, page, roles

SEES_WEST = roles("admin", "leader", "mgr_west", "agent", "finance")
CAN_VIEW = roles("admin", "leader", "mgr_east", "mgr_west", "rep_east", "agent", "finance")
CAN_CREATE = roles("admin", "mgr_east", "mgr_west", "rep_east")
EDITORS = roles("admin", "mgr_west")
DELETERS = roles("admin", "mgr_west")
# sales edit + create, and customers create for the new customer (finance: customers view only)
CONVERTERS = roles("admin", "mgr_west")
EXPORTERS = roles("admin", "leader", "mgr_east", "mgr_west", "finance")
STAGE_ADMINS = roles("admin")

SALES = Module.SALES.value
VIEW, CREATE, EDIT, DELETE, EXPORT = (
    a.value for a in (Action.VIEW, Action.CREATE, Action.EDIT, Action.DELETE, Action.EXPORT)
)
MANAGE = "manage_system"


def _close() -> str:
    return (timezone.localdate() + timedelta(days=60)).isoformat()


def west_customer(users: Any) -> Customer:
    return customer_services.customer_create(actor=users["rep_west_1"], name="成都蜀能贸易有限公司")


def west_opportunity(users: Any) -> Opportunity:
    return services.opportunity_create(
        actor=users["rep_west_1"],
        customer=west_customer(users),
        name="蜀能润滑油年度采购",
        expected_close=timezone.localdate() + timedelta(days=30),
        amount=120000,
    )


def west_lead(users: Any) -> Lead:
    return services_leads.lead_create(
        actor=users["rep_west_1"], company="重庆嘉陵新材料有限公司", contact_name="刘洋"
    )


def default_stage(users: Any) -> Stage:
    return Stage.objects.filter(business_unit__isnull=True).order_by("order").first()  # type: ignore[return-value]


def spare_stage(users: Any) -> Stage:
    return services_stages.stage_create(business_unit=None, actor=None, name="样品测试")


def _second_stage(target: Any) -> int:
    return Stage.objects.filter(business_unit__isnull=True).order_by("order")[1].pk


def _default_ids() -> list[int]:
    return list(
        Stage.objects.filter(business_unit__isnull=True)
        .order_by("-order")
        .values_list("pk", flat=True)
    )


def _lead_href(t: Any) -> str:
    return f'href="/sales/leads/{t.pk}/"'


def _opportunity_href(t: Any) -> str:
    return f'href="/sales/opportunities/{t.pk}/"'


# --- API: leads ----------------------------------------------------------------------------

api(
    "sales lead list",
    "GET",
    "/api/v1/leads?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_lead,
    visible_to=SEES_WEST,
)
api(
    "sales lead create",
    "POST",
    "/api/v1/leads",
    module=SALES,
    action=CREATE,
    allowed=CAN_CREATE,
    forbidden=CAN_VIEW - CAN_CREATE,
    body={"company": "绵阳新创化工有限公司", "contact_name": "周杰"},
    tables=(Lead,),
)
api(
    "sales lead detail",
    "GET",
    "/api/v1/leads/{id}",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_lead,
)
api(
    "sales lead patch",
    "PATCH",
    "/api/v1/leads/{id}",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_lead,
    body=lambda users, t: {"version": t.version, "status": "contacted", "notes": "已电话联系"},
)
api(
    "sales lead delete",
    "DELETE",
    "/api/v1/leads/{id}",
    module=SALES,
    action=DELETE,
    allowed=DELETERS,
    forbidden=SEES_WEST - DELETERS,
    target=west_lead,
)
api(
    "sales lead convert",
    "POST",
    "/api/v1/leads/{id}/convert",
    module=SALES,
    action=EDIT,
    allowed=CONVERTERS,
    forbidden=SEES_WEST - CONVERTERS,
    target=west_lead,
    body=lambda users, t: {"version": t.version, "amount": "80000", "force": True},
    tables=(Lead, Customer, Contact, Opportunity),
)

# --- API: opportunities --------------------------------------------------------------------

api(
    "sales opportunity list",
    "GET",
    "/api/v1/opportunities?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_opportunity,
    visible_to=SEES_WEST,
)
api(
    "sales opportunity create",
    "POST",
    "/api/v1/opportunities",
    module=SALES,
    action=CREATE,
    # mgr_east and rep_east may create, but not for a customer they cannot see: 404.
    allowed=roles("admin", "mgr_west"),
    forbidden=CAN_VIEW - CAN_CREATE,
    target=west_customer,
    body=lambda users, t: {"name": "新商机", "customer_id": t.pk, "expected_close": _close()},
    tables=(Opportunity,),
)
api(
    "sales opportunity detail",
    "GET",
    "/api/v1/opportunities/{id}",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_opportunity,
)
api(
    "sales opportunity patch",
    "PATCH",
    "/api/v1/opportunities/{id}",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_opportunity,
    body=lambda users, t: {"version": t.version, "next_step": "提交方案"},
)
api(
    "sales opportunity delete",
    "DELETE",
    "/api/v1/opportunities/{id}",
    module=SALES,
    action=DELETE,
    allowed=DELETERS,
    forbidden=SEES_WEST - DELETERS,
    target=west_opportunity,
)
api(
    "sales opportunity stage",
    "POST",
    "/api/v1/opportunities/{id}/stage",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_opportunity,
    body=lambda users, t: {"stage_id": _second_stage(t), "version": t.version},
    tables=(Opportunity, StageChange),
)
api(
    "sales opportunity close",
    "POST",
    "/api/v1/opportunities/{id}/close",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_opportunity,
    body=lambda users, t: {"outcome": "lost", "reason": "价格偏高", "version": t.version},
    tables=(Opportunity, StageChange),
)

# --- API: stages and forecast --------------------------------------------------------------

api("sales stage list", "GET", "/api/v1/stages", module=SALES, action=VIEW, allowed=CAN_VIEW)
api(
    "sales stage create",
    "POST",
    "/api/v1/stages",
    module=SALES,
    action=MANAGE,
    allowed=STAGE_ADMINS,
    forbidden=CAN_VIEW - STAGE_ADMINS,
    body={"name": "技术交流", "probability": 30},
    tables=(Stage,),
)
api(
    "sales stage reorder",
    "POST",
    "/api/v1/stages/reorder",
    module=SALES,
    action=MANAGE,
    allowed=STAGE_ADMINS,
    forbidden=CAN_VIEW - STAGE_ADMINS,
    body=lambda users, t: {"ids": _default_ids()},
    tables=(Stage,),
)
api(
    "sales stage patch",
    "PATCH",
    "/api/v1/stages/{id}",
    module=SALES,
    action=MANAGE,
    allowed=STAGE_ADMINS,
    forbidden=CAN_VIEW - STAGE_ADMINS,
    target=default_stage,
    body={"name": "初次接触", "probability": 15},
)
api(
    "sales stage delete",
    "DELETE",
    "/api/v1/stages/{id}",
    module=SALES,
    action=MANAGE,
    allowed=STAGE_ADMINS,
    forbidden=CAN_VIEW - STAGE_ADMINS,
    target=spare_stage,
)
api(
    "sales forecast",
    "GET",
    "/api/v1/forecast?group_by=business_unit",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
)
api(
    "sales forecast export",
    "GET",
    "/api/v1/forecast/export?format=csv",
    module=SALES,
    action=EXPORT,
    allowed=EXPORTERS,
    forbidden=CAN_VIEW - EXPORTERS,
)

# --- pages: leads --------------------------------------------------------------------------

page(
    "sales lead list",
    "GET",
    "/sales/leads/?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_lead,
    visible_to=SEES_WEST,
    marker=_lead_href,
)
page(
    "sales lead create",
    "POST",
    "/sales/leads/new/",
    module=SALES,
    action=CREATE,
    allowed=CAN_CREATE,
    forbidden=CAN_VIEW - CAN_CREATE,
    body={"company": "绵阳新创化工有限公司"},
    tables=(Lead,),
)
page(
    "sales lead detail",
    "GET",
    "/sales/leads/{id}/",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_lead,
)
page(
    "sales lead edit",
    "POST",
    "/sales/leads/{id}/edit/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_lead,
    body=lambda users, t: {"company": t.company, "owner": t.owner_id, "version": t.version},
)
page(
    "sales lead status",
    "POST",
    "/sales/leads/{id}/status/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_lead,
    body=lambda users, t: {"status": "qualified", "version": t.version},
)
page(
    "sales lead convert",
    "POST",
    "/sales/leads/{id}/convert/",
    module=SALES,
    action=EDIT,
    allowed=CONVERTERS,
    forbidden=SEES_WEST - CONVERTERS,
    target=west_lead,
    body=lambda users, t: {
        "customer_choice": "new",
        "create_contact": "on",
        "opportunity_name": "嘉陵首单",
        "amount": "0",
        "expected_close": _close(),
        "force": "on",
        "version": t.version,
    },
    tables=(Lead, Customer, Contact, Opportunity),
)
page(
    "sales lead delete",
    "POST",
    "/sales/leads/{id}/delete/",
    module=SALES,
    action=DELETE,
    allowed=DELETERS,
    forbidden=SEES_WEST - DELETERS,
    target=west_lead,
)

# --- pages: opportunities and the board ----------------------------------------------------

page(
    "sales board",
    "GET",
    "/sales/board/?bu=default",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_opportunity,
    visible_to=SEES_WEST,
    marker=_opportunity_href,
)
page(
    "sales opportunity list",
    "GET",
    "/sales/opportunities/?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_opportunity,
    visible_to=SEES_WEST,
    marker=_opportunity_href,
)
page(
    "sales opportunity create",
    "GET",
    "/sales/opportunities/new/",
    module=SALES,
    action=CREATE,
    allowed=CAN_CREATE,
    forbidden=CAN_VIEW - CAN_CREATE,
)
page(
    "sales customer options",
    "GET",
    "/sales/opportunities/customers/?customer=shuneng",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_customer,
    # customers scope: who sees the west customer among the sales readers
    visible_to=roles("admin", "leader", "mgr_west", "agent", "finance"),
    marker=lambda t: t.code,
)
page(
    "sales opportunity detail",
    "GET",
    "/sales/opportunities/{id}/",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_opportunity,
)
page(
    "sales opportunity edit",
    "POST",
    "/sales/opportunities/{id}/edit/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_opportunity,
    body=lambda users, t: {
        "name": "蜀能润滑油年度采购（改）",
        "customer": t.customer.code,
        "amount": "150000",
        "expected_close": _close(),
        "owner": t.owner_id,
        "version": t.version,
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
    },
)
page(
    "sales opportunity move",
    "POST",
    "/sales/opportunities/{id}/move/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_opportunity,
    body=lambda users, t: {"stage": _second_stage(t), "version": t.version},
    tables=(Opportunity, StageChange),
)
page(
    "sales opportunity close",
    "POST",
    "/sales/opportunities/{id}/close/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_opportunity,
    body=lambda users, t: {"outcome": "won", "version": t.version},
    tables=(Opportunity, StageChange),
)
page(
    "sales opportunity delete",
    "POST",
    "/sales/opportunities/{id}/delete/",
    module=SALES,
    action=DELETE,
    allowed=DELETERS,
    forbidden=SEES_WEST - DELETERS,
    target=west_opportunity,
)

# --- pages: stages and forecast ------------------------------------------------------------

page(
    "sales stages",
    "GET",
    "/sales/stages/?bu=default",
    module=SALES,
    action=MANAGE,
    allowed=STAGE_ADMINS,
    forbidden=CAN_VIEW - STAGE_ADMINS,
)
page(
    "sales stage add",
    "POST",
    "/sales/stages/",
    module=SALES,
    action=MANAGE,
    allowed=STAGE_ADMINS,
    forbidden=CAN_VIEW - STAGE_ADMINS,
    body={
        "bu": "default",
        "action": "create",
        "new-name": "技术交流",
        "new-probability": "30",
        "new-forecast_category": "pipeline",
        "new-active": "on",
    },
    tables=(Stage,),
)
page(
    "sales stage reorder",
    "POST",
    "/sales/stages/reorder/",
    module=SALES,
    action=MANAGE,
    allowed=STAGE_ADMINS,
    forbidden=CAN_VIEW - STAGE_ADMINS,
    body=lambda users, t: {"bu": "default", "ids": ",".join(map(str, _default_ids()))},
    tables=(Stage,),
)
page(
    "sales forecast",
    "GET",
    "/sales/forecast/?group_by=unit",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
)
page(
    "sales forecast export",
    "GET",
    "/sales/forecast/export/?format=xlsx",
    module=SALES,
    action=EXPORT,
    allowed=EXPORTERS,
    forbidden=CAN_VIEW - EXPORTERS,
)
