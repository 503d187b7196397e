"""Field service in the access matrix (see crm.testing.matrix).

The target is equipment (or its plan, or the plan's visit) of a WEST customer (owner
rep_west_1). Equipment follows its customer: admin, leader, agent (customers "all") and
mgr_west (the customer's unit) see it; mgr_east and rep_east get 404, marketer and general
(no service right) too. Only the service module's creators/editors (admin, agent) change it;
deleting takes the service module's delete right, the admin's only (403 for the other readers).
Skills, equipment types and experts are a system manager's setting.
"""

from decimal import Decimal
from typing import Any

from django.utils import timezone

from crm.core.modules import Module
from crm.customers import services as customer_services
from crm.customers.models import Customer
from crm.fieldservice import services
from crm.fieldservice.models import (
    Equipment,
    EquipmentType,
    ExpertSkill,
    FieldVisit,
    InstalledProduct,
    ServicePlan,
    Skill,
)
from crm.products import services as product_services
from crm.products.models import UnitOfMeasure
from crm.service.tests.matrix_entries import CAN_VIEW, EDIT, SEES_WEST, SERVICE, VIEW
from crm.testing.matrix import EVERYONE, api, page, roles

CREATE = "create"
DELETE = "delete"
EDITORS = CREATORS = roles("admin", "agent")
ADMINS = DELETERS = roles("admin")
WRITES = (Equipment, InstalledProduct, ServicePlan, FieldVisit)


def west_customer(users: Any) -> Customer:
    return customer_services.customer_create(actor=users["rep_west_1"], name="成都蜀能石化有限公司")


def _reactor() -> EquipmentType:
    return EquipmentType.objects.get(name="反应器")


def west_equipment(users: Any) -> Equipment:
    return services.equipment_create(
        customer=west_customer(users), name="加氢反应器R-101", type=_reactor(), actor=users["agent"]
    )


def west_plan(users: Any) -> ServicePlan:
    return services.plan_create(
        equipment=west_equipment(users),
        name="催化剂年检",
        interval=6,
        interval_unit="months",
        next_due=timezone.localdate(),
        actor=users["agent"],
    )


def west_visit(users: Any) -> FieldVisit:
    plan = west_plan(users)
    services.schedule_visits(
        today=timezone.localdate(), horizon=timezone.localdate(), actor=users["agent"]
    )
    return FieldVisit.objects.get(plan=plan)


def west_equipment_with_visit(users: Any) -> Equipment:
    """Equipment with a planned visit, which a refused delete must leave planned."""
    return west_visit(users).equipment


def west_plan_with_visit(users: Any) -> ServicePlan:
    return west_visit(users).plan


def _product(users: Any) -> Any:
    return product_services.product_create(
        actor=users["admin"],
        code="CAT-H1",
        name="加氢催化剂",
        unit=UnitOfMeasure.objects.get(code="t"),
        list_price=Decimal("100"),
    )


def _equipment_href(e: Any) -> str:
    return f'href="/field/equipment/{e.pk}/"'


def _plan_href(p: Any) -> str:
    return f'href="/field/equipment/{p.equipment_id}/"'


def _visit_href(v: Any) -> str:
    return f'href="/field/visits/{v.pk}/"'


def _equipment_body(users: Any, t: Any) -> dict[str, Any]:
    return {"customer_id": t.pk, "name": "压缩机C-1", "type_id": _reactor().pk}


# --- API --------------------------------------------------------------------------------------

api(
    "field equipment list",
    "GET",
    "/api/v1/equipment?page_size=100",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_equipment,
    visible_to=SEES_WEST,
)
api(
    "field equipment create",
    "POST",
    "/api/v1/equipment",
    module=SERVICE,
    action=CREATE,
    allowed=CREATORS,
    forbidden=CAN_VIEW - CREATORS,
    target=west_customer,
    body=_equipment_body,
    tables=WRITES,
)
api(
    "field equipment detail",
    "GET",
    "/api/v1/equipment/{id}",
    module=SERVICE,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_equipment,
)
api(
    "field equipment update",
    "PATCH",
    "/api/v1/equipment/{id}",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_equipment,
    body=lambda users, t: {"version": t.version, "location": "罐区东侧"},
    tables=WRITES,
)
api(
    "field equipment install product",
    "PUT",
    "/api/v1/equipment/{id}/products",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_equipment,
    body=lambda users, t: {"product_id": _product(users).pk, "quantity": "2"},
    tables=WRITES,
)
api(
    "field equipment delete",
    "DELETE",
    "/api/v1/equipment/{id}",
    module=SERVICE,
    action=DELETE,
    allowed=DELETERS,
    forbidden=SEES_WEST - DELETERS,
    target=west_equipment_with_visit,
    tables=WRITES,
)
api(
    "field plan list",
    "GET",
    "/api/v1/service-plans?page_size=100",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_plan,
    visible_to=SEES_WEST,
)
api(
    "field plan create",
    "POST",
    "/api/v1/service-plans",
    module=SERVICE,
    action=CREATE,
    allowed=CREATORS,
    forbidden=CAN_VIEW - CREATORS,
    target=west_equipment,
    body=lambda users, t: {
        "equipment_id": t.pk,
        "name": "季度检查",
        "interval": 3,
        "next_due": "2030-01-01",
    },
    tables=WRITES,
)
api(
    "field plan update",
    "PATCH",
    "/api/v1/service-plans/{id}",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_plan,
    body=lambda users, t: {"version": t.version, "interval": 12},
    tables=WRITES,
)
api(
    "field plan schedule",
    "POST",
    "/api/v1/service-plans/schedule",
    module=SERVICE,
    action=CREATE,
    allowed=CREATORS,
    forbidden=CAN_VIEW - CREATORS,
    target=west_plan,
    body={"ahead_days": 30},
    tables=WRITES,
)
api(
    "field plan delete",
    "DELETE",
    "/api/v1/service-plans/{id}",
    module=SERVICE,
    action=DELETE,
    allowed=DELETERS,
    forbidden=SEES_WEST - DELETERS,
    target=west_plan_with_visit,
    tables=WRITES,
)
api(
    "field visit list",
    "GET",
    "/api/v1/field-visits?view=all&page_size=100",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_visit,
    visible_to=SEES_WEST,
)
api(
    "field visit detail",
    "GET",
    "/api/v1/field-visits/{id}",
    module=SERVICE,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_visit,
)
api(
    "field visit record",
    "POST",
    "/api/v1/field-visits/{id}/record",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_visit,
    body=lambda users, t: {"version": t.version, "outcome": "运行正常"},
    tables=WRITES,
)
api(
    "field visit cancel",
    "POST",
    "/api/v1/field-visits/{id}/cancel",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_visit,
    body=lambda users, t: {"version": t.version},
    tables=WRITES,
)

# --- pages ------------------------------------------------------------------------------------

page(
    "field equipment list",
    "GET",
    "/field/?page_size=100",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_equipment,
    visible_to=SEES_WEST,
    marker=_equipment_href,
)
page(
    "field equipment create",
    "POST",
    "/field/equipment/new/",
    module=SERVICE,
    action=CREATE,
    allowed=CREATORS,
    forbidden=CAN_VIEW - CREATORS,
    target=west_customer,
    body=lambda users, t: {
        "customer": t.pk,
        "name": "压缩机C-1",
        "type": _reactor().pk,
        "status": "running",
    },
    tables=WRITES,
)
page(
    "field equipment detail",
    "GET",
    "/field/equipment/{id}/",
    module=SERVICE,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_equipment,
)
page(
    "field equipment edit",
    "POST",
    "/field/equipment/{id}/edit/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_equipment,
    body=lambda users, t: {
        "name": "R-101",
        "type": t.type_id,
        "status": "stopped",
        "version": t.version,
    },
    tables=WRITES,
)
page(
    "field equipment products",
    "POST",
    "/field/equipment/{id}/products/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_equipment,
    body=lambda users, t: {"code": _product(users).code, "quantity": "1.5"},
    tables=WRITES,
)
page(
    "field equipment delete confirm",
    "GET",
    "/field/equipment/{id}/delete/",
    module=SERVICE,
    action=DELETE,
    allowed=DELETERS,
    forbidden=SEES_WEST - DELETERS,
    target=west_equipment_with_visit,
)
page(
    "field equipment delete",
    "POST",
    "/field/equipment/{id}/delete/",
    module=SERVICE,
    action=DELETE,
    allowed=DELETERS,
    forbidden=SEES_WEST - DELETERS,
    target=west_equipment_with_visit,
    tables=WRITES,
)
page(
    "field plan create",
    "POST",
    "/field/equipment/{id}/plans/",
    module=SERVICE,
    action=CREATE,
    allowed=CREATORS,
    forbidden=SEES_WEST - CREATORS,
    target=west_equipment,
    body={"name": "季度检查", "interval": "3", "interval_unit": "months", "next_due": "2030-01-01"},
    tables=WRITES,
)
page(
    "field plan list",
    "GET",
    "/field/plans/?page_size=100",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_plan,
    visible_to=SEES_WEST,
    marker=_plan_href,
)
page(
    "field plan schedule",
    "POST",
    "/field/plans/schedule/",
    module=SERVICE,
    action=CREATE,
    allowed=CREATORS,
    forbidden=CAN_VIEW - CREATORS,
    target=west_plan,
    tables=WRITES,
)
page(
    "field plan edit",
    "POST",
    "/field/plans/{id}/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_plan,
    body=lambda users, t: {
        "name": "催化剂半年检",
        "interval": "6",
        "interval_unit": "months",
        "next_due": "2030-01-01",
        "active": "on",
        "version": t.version,
    },
    tables=WRITES,
)
page(
    "field plan delete confirm",
    "GET",
    "/field/plans/{id}/delete/",
    module=SERVICE,
    action=DELETE,
    allowed=DELETERS,
    forbidden=SEES_WEST - DELETERS,
    target=west_plan_with_visit,
)
page(
    "field plan delete",
    "POST",
    "/field/plans/{id}/delete/",
    module=SERVICE,
    action=DELETE,
    allowed=DELETERS,
    forbidden=SEES_WEST - DELETERS,
    target=west_plan_with_visit,
    tables=WRITES,
)
page(
    "field visit list",
    "GET",
    "/field/visits/?view=all&page_size=100",
    module=SERVICE,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_visit,
    visible_to=SEES_WEST,
    marker=_visit_href,
)
page(
    "field visit detail",
    "GET",
    "/field/visits/{id}/",
    module=SERVICE,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_visit,
)
page(
    "field visit record",
    "POST",
    "/field/visits/{id}/record/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_visit,
    body=lambda users, t: {"version": t.version, "outcome": "运行正常"},
    tables=WRITES,
)
page(
    "field visit cancel",
    "POST",
    "/field/visits/{id}/cancel/",
    module=SERVICE,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_visit,
    body=lambda users, t: {"version": t.version},
    tables=WRITES,
)
page(
    "field skills",
    "POST",
    "/field/skills/",
    module=Module.SYSTEM.value,
    action="manage_system",
    allowed=ADMINS,
    forbidden=EVERYONE - ADMINS,
    body={"action": "skill", "name": "仪表"},
    tables=(Skill, EquipmentType, ExpertSkill),
)
