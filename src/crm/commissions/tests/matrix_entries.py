"""Commissions in the access matrix (see crm.testing.matrix).

The target statement is rep_west_1's for 2026-09, computed from a paid WEST invoice. Who
sees it (sales scope): admin, leader, agent and finance (all) and mgr_west (their subtree);
mgr_east and rep_east see the lists but not it (404 by id); marketer and general have no sales
right (404). Recompute and close are finance's and administrators' (admin and finance; other
sales viewers 403). Rules are for system managers (admin; everyone else 403, as SLA settings).
"""

from datetime import date
from decimal import Decimal
from typing import Any

from crm.commissions import services, services_compute
from crm.commissions.models import (
    CommissionLine,
    CommissionPeriod,
    CommissionRule,
    CommissionStatement,
    CommissionTier,
)
from crm.core.modules import Action, Module
from crm.customers import services as customer_services
from crm.products import services as product_services
from crm.products.models import UnitOfMeasure
from crm.testing.matrix import EVERYONE, api, page, roles

from .conftest import make_paid

SALES_VIEW = roles("admin", "leader", "mgr_east", "mgr_west", "rep_east", "agent", "finance")
SEES_WEST = roles("admin", "leader", "mgr_west", "agent", "finance")
COMPUTE = roles("admin", "finance")  # crm.orders.selectors.is_finance
NOT_COMPUTE = SALES_VIEW - COMPUTE
ADMINS = roles("admin")
NOT_ADMINS = EVERYONE - ADMINS
SALES, SYSTEM = Module.SALES.value, Module.SYSTEM.value
VIEW, EDIT, MANAGE = Action.VIEW.value, Action.EDIT.value, "manage_system"
RESULTS = (CommissionPeriod, CommissionStatement, CommissionLine)
RULES = (CommissionRule, CommissionTier)


def west_statement(users: Any) -> CommissionStatement:
    admin = users["admin"]
    brand = product_services.brand_create(actor=admin, name="矩阵品牌")
    series = product_services.series_create(actor=admin, brand=brand, name="矩阵系列")
    product = product_services.product_create(
        actor=admin,
        code="MX-1",
        name="矩阵产品",
        unit=UnitOfMeasure.objects.get(code="t"),
        list_price=Decimal(100),
        series=series,
    )
    rep = users["rep_west_1"]
    customer = customer_services.customer_create(actor=rep, name="成都蜀能贸易有限公司")
    make_paid(
        rep=rep,
        finance=admin,
        customer=customer,
        lines=[(product, "10", "100")],
        received_on=date(2026, 9, 10),
    )
    services_compute.period_recompute(period="2026-09", actor=admin)
    return CommissionStatement.objects.get(period__period="2026-09", rep=rep)


def open_period(users: Any) -> CommissionPeriod:
    return services_compute.period_recompute(period="2026-07", actor=users["admin"])


def rule(users: Any) -> CommissionRule:
    return services.rule_create(
        actor=users["admin"],
        name="矩阵规则",
        kind="tiered",
        valid_from=date(2026, 1, 1),
        tiers=[(Decimal(0), Decimal(1)), (Decimal(10000), Decimal(2))],
    )


def _href(t: Any) -> str:
    return f'href="/commissions/statements/{t.pk}/"'


# --- API ---------------------------------------------------------------------------------

api(
    "commission lines",
    "GET",
    "/api/v1/commissions?period=2026-09",
    module=SALES,
    action=VIEW,
    allowed=SALES_VIEW,
    target=west_statement,
)
api(
    "commission statements",
    "GET",
    "/api/v1/commissions/statements?period=2026-09",
    module=SALES,
    action=VIEW,
    allowed=SALES_VIEW,
    target=west_statement,
    visible_to=SEES_WEST,
)
api(
    "commission statement detail",
    "GET",
    "/api/v1/commissions/statements/{id}",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_statement,
)
api(
    "commission recompute",
    "POST",
    "/api/v1/commissions/recompute",
    module=SALES,
    action=EDIT,
    allowed=COMPUTE,
    forbidden=NOT_COMPUTE,
    body={"period": "2026-08"},
    tables=RESULTS,
)
api(
    "commission periods",
    "GET",
    "/api/v1/commission-periods",
    module=SALES,
    action=VIEW,
    allowed=SALES_VIEW,
    target=open_period,
    visible_to=SALES_VIEW,
)
api(
    "commission period close",
    "POST",
    "/api/v1/commission-periods/{id}/close",
    module=SALES,
    action=EDIT,
    allowed=COMPUTE,
    forbidden=NOT_COMPUTE,
    target=open_period,
    tables=RESULTS,
)
api(
    "commission rule list",
    "GET",
    "/api/v1/commission-rules",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
)
api(
    "commission rule detail",
    "GET",
    "/api/v1/commission-rules/{id}",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    target=rule,
)
api(
    "commission rule create",
    "POST",
    "/api/v1/commission-rules",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    tables=RULES,
    body={"name": "新规则", "rate": "1.5", "valid_from": "2026-01-01"},
)
api(
    "commission rule patch",
    "PATCH",
    "/api/v1/commission-rules/{id}",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    target=rule,
    tables=RULES,
    body=lambda users, t: {"version": t.version, "tiers": [{"lower": "0", "rate": "2"}]},
)
api(
    "commission rule delete",
    "DELETE",
    "/api/v1/commission-rules/{id}",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    target=rule,
    tables=RULES,
)

# --- pages -------------------------------------------------------------------------------

page(
    "commission statements",
    "GET",
    "/commissions/?period=2026-09",
    module=SALES,
    action=VIEW,
    allowed=SALES_VIEW,
    target=west_statement,
    visible_to=SEES_WEST,
    marker=_href,
)
page(
    "commission statement detail",
    "GET",
    "/commissions/statements/{id}/",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_statement,
)
page(
    "commission recompute",
    "POST",
    "/commissions/recompute/",
    module=SALES,
    action=EDIT,
    allowed=COMPUTE,
    forbidden=NOT_COMPUTE,
    body={"period": "2026-08"},
    tables=RESULTS,
)
page(
    "commission period close",
    "POST",
    "/commissions/periods/{id}/close/",
    module=SALES,
    action=EDIT,
    allowed=COMPUTE,
    forbidden=NOT_COMPUTE,
    target=open_period,
    tables=RESULTS,
)
for name, path, target in (
    ("commission rules", "/commissions/rules/", None),
    ("commission rule new", "/commissions/rules/new/", None),
    ("commission rule edit", "/commissions/rules/{id}/", rule),
    ("commission rule delete ask", "/commissions/rules/{id}/delete/", rule),
):
    page(
        name,
        "GET",
        path,
        module=SYSTEM,
        action=MANAGE,
        allowed=ADMINS,
        forbidden=NOT_ADMINS,
        target=target,
    )
page(
    "commission rule save",
    "POST",
    "/commissions/rules/{id}/",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    target=rule,
    tables=RULES,
    body=lambda users, t: {
        "version": t.version,
        "name": "改名",
        "kind": "rate",
        "rate": "2",
        "valid_from": "2026-01-01",
        "active": "on",
    },
)
page(
    "commission rule delete",
    "POST",
    "/commissions/rules/{id}/delete/",
    module=SYSTEM,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=NOT_ADMINS,
    target=rule,
    tables=RULES,
)
