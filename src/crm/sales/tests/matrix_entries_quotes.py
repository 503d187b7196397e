"""Quotes and approvals in the access matrix (see crm.testing.matrix).

The target quote belongs to the WEST (rep_west_1, 成都销售一组); it sees and is changed by the
same roles as the west's opportunities: admin, leader and agent read it (sales scope "all"),
finance reads and edits it (sales view/create/edit, "all"; no delete: 403), mgr_west reads,
edits and deletes it (subtree); mgr_east and rep_east (other unit / own only), marketer and
general (no sales right) get 404.

The target approval request is that quote sent with a 20 % discount: it waits for mgr_west
(the manager above rep_west_1). Only its approver and administrators see it (404 for everyone
else, whatever their module rights); the inbox itself is open to every signed-in user.
Approval rules are system configuration: administrators only (403 for the others).
"""

import itertools
from decimal import Decimal
from typing import Any

from crm.core.modules import Action, Module
from crm.org.models import Role
from crm.sales import approvals, services_quotes
from crm.sales.models_approvals import ApprovalRequest, ApprovalRule
from crm.sales.models_quotes import Quote, QuoteLine
from crm.testing.matrix import EVERYONE, api, page, roles

from .matrix_entries import (  # noqa: F401 - CAN_CREATE documents the creators
    CAN_CREATE,
    CAN_VIEW,
    DELETERS,
    EDITORS,
    SEES_WEST,
    west_customer,
    west_opportunity,
)

SALES = Module.SALES.value
VIEW, CREATE, EDIT, DELETE = (
    a.value for a in (Action.VIEW, Action.CREATE, Action.EDIT, Action.DELETE)
)
MANAGE = "manage_system"
DECIDERS = roles("admin", "mgr_west")
ADMINS = roles("admin")
QUOTE_TABLES = (Quote, QuoteLine, ApprovalRequest)
_codes = itertools.count(1)


def _product(users: Any) -> Any:
    from crm.products import services as product_services
    from crm.products.models import UnitOfMeasure

    return product_services.product_create(
        actor=users["admin"],
        code=f"MX-Q-{next(_codes)}",
        name="润滑油",
        unit=UnitOfMeasure.objects.get(code="t"),
        list_price=Decimal("8000"),
    )


def west_quote(users: Any, discount: str = "5") -> Quote:
    return services_quotes.quote_create(
        actor=users["rep_west_1"],
        customer=west_customer(users),
        lines=[
            {
                "product": _product(users),
                "quantity": Decimal("2"),
                "discount_pct": Decimal(discount),
            }
        ],
    )


def west_sent_quote(users: Any) -> Quote:
    q = west_quote(users)
    return services_quotes.quote_send(quote=q, version=q.version, actor=users["rep_west_1"])


def west_request(users: Any) -> ApprovalRequest:
    q = west_quote(users, "20")
    services_quotes.quote_send(quote=q, version=q.version, actor=users["rep_west_1"])
    request = approvals.approval_pending_for(q)
    assert request is not None
    return request


def _rule(users: Any) -> ApprovalRule:
    return ApprovalRule.objects.filter(kind="quote").first() or ApprovalRule.objects.create(
        name="折扣",
        kind="quote",
        condition="discount_above",
        threshold=Decimal("15"),
        approver_role=Role.objects.get(code="sales_manager"),
    )


def _href(q: Any) -> str:
    return f'href="/sales/quotes/{q.pk}/"'


# --- quotes API ------------------------------------------------------------------------------

api(
    "quote list",
    "GET",
    "/api/v1/quotes?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_quote,
    visible_to=SEES_WEST,
)
# mgr_east and rep_east may create, but not for a customer they cannot see: 404.
api(
    "quote create",
    "POST",
    "/api/v1/quotes",
    module=SALES,
    action=CREATE,
    allowed=roles("admin", "mgr_west"),
    forbidden=CAN_VIEW - CAN_CREATE,
    target=west_customer,
    body=lambda users, c: {"customer_id": c.pk},
    tables=QUOTE_TABLES,
)
api(
    "quote create from opportunity",
    "POST",
    "/api/v1/quotes",
    module=SALES,
    action=CREATE,
    allowed=roles("admin", "mgr_west"),
    forbidden=roles("leader", "agent", "finance"),
    target=west_opportunity,
    body=lambda users, o: {"opportunity_id": o.pk},
    tables=QUOTE_TABLES,
)
api(
    "quote detail",
    "GET",
    "/api/v1/quotes/{id}",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_quote,
)
api(
    "quote patch",
    "PATCH",
    "/api/v1/quotes/{id}",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_quote,
    body=lambda users, q: {"version": q.version, "title": "改"},
    tables=QUOTE_TABLES,
)
api(
    "quote transition",
    "POST",
    "/api/v1/quotes/{id}/transition",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_quote,
    body=lambda users, q: {"version": q.version, "to": "sent"},
    tables=QUOTE_TABLES,
)
api(
    "quote revise",
    "POST",
    "/api/v1/quotes/{id}/revise",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_sent_quote,
    body=lambda users, q: {"version": q.version},
    tables=QUOTE_TABLES,
)
api(
    "quote delete",
    "DELETE",
    "/api/v1/quotes/{id}",
    module=SALES,
    action=DELETE,
    allowed=DELETERS,
    forbidden=SEES_WEST - DELETERS,
    target=west_quote,
    tables=QUOTE_TABLES,
)
api(
    "quote pdf",
    "GET",
    "/api/v1/quotes/{id}/pdf",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_quote,
)

# --- approvals API ---------------------------------------------------------------------------

api(
    "approval inbox",
    "GET",
    "/api/v1/approvals?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=EVERYONE,
    target=west_request,
    visible_to=DECIDERS,
)
api(
    "approval detail",
    "GET",
    "/api/v1/approvals/{id}",
    module=SALES,
    action=VIEW,
    allowed=DECIDERS,
    target=west_request,
)
api(
    "approval decide",
    "POST",
    "/api/v1/approvals/{id}/decide",
    module=SALES,
    action=EDIT,
    allowed=DECIDERS,
    target=west_request,
    body={"approve": True, "comment": "同意"},
    tables=QUOTE_TABLES,
)
api(
    "approval rule list",
    "GET",
    "/api/v1/approval-rules",
    module=SALES,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=EVERYONE - ADMINS,
)
api(
    "approval rule create",
    "POST",
    "/api/v1/approval-rules",
    module=SALES,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=EVERYONE - ADMINS,
    tables=(ApprovalRule,),
    body=lambda users, t: {
        "name": "大额",
        "kind": "quote",
        "condition": "amount_above",
        "threshold": "1000000",
        "approver_role_id": Role.objects.get(code="leader").pk,
    },
)
api(
    "approval rule patch",
    "PATCH",
    "/api/v1/approval-rules/{id}",
    module=SALES,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=EVERYONE - ADMINS,
    target=_rule,
    body=lambda users, r: {"version": r.version, "threshold": "20"},
)
api(
    "approval rule delete",
    "DELETE",
    "/api/v1/approval-rules/{id}",
    module=SALES,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=EVERYONE - ADMINS,
    target=_rule,
)

# --- pages -----------------------------------------------------------------------------------

page(
    "quote list",
    "GET",
    "/sales/quotes/?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_quote,
    visible_to=SEES_WEST,
    marker=_href,
)
page(
    "quote create",
    "GET",
    "/sales/quotes/new/?customer={id}",
    module=SALES,
    action=CREATE,
    allowed=roles("admin", "mgr_west"),
    forbidden=roles("leader", "agent", "finance"),
    target=west_customer,
)
page(
    "quote detail",
    "GET",
    "/sales/quotes/{id}/",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_quote,
)
page(
    "quote edit",
    "POST",
    "/sales/quotes/{id}/edit/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_quote,
    tables=QUOTE_TABLES,
    body=lambda users, q: {
        "version": q.version,
        "title": "改",
        "valid_until": q.valid_until.isoformat(),
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
    },
)
page(
    "quote transition",
    "POST",
    "/sales/quotes/{id}/transition/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_quote,
    tables=QUOTE_TABLES,
    body=lambda users, q: {"version": q.version, "to": "sent"},
)
page(
    "quote revise",
    "POST",
    "/sales/quotes/{id}/revise/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_sent_quote,
    tables=QUOTE_TABLES,
    body=lambda users, q: {"version": q.version},
)
page(
    "quote delete",
    "POST",
    "/sales/quotes/{id}/delete/",
    module=SALES,
    action=DELETE,
    allowed=DELETERS,
    forbidden=SEES_WEST - DELETERS,
    target=west_quote,
    tables=QUOTE_TABLES,
)
page(
    "quote pdf",
    "GET",
    "/sales/quotes/{id}/pdf/",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_quote,
)
page(
    "approval inbox",
    "GET",
    "/sales/approvals/",
    module=SALES,
    action=VIEW,
    allowed=EVERYONE,
    target=west_request,
    visible_to=DECIDERS,
    marker=lambda r: f'href="/sales/approvals/{r.pk}/"',
)
page(
    "approval detail",
    "GET",
    "/sales/approvals/{id}/",
    module=SALES,
    action=VIEW,
    allowed=DECIDERS,
    target=west_request,
)
page(
    "approval decide",
    "POST",
    "/sales/approvals/{id}/decide/",
    module=SALES,
    action=EDIT,
    allowed=DECIDERS,
    target=west_request,
    body={"decision": "approve"},
    tables=QUOTE_TABLES,
)
page(
    "approval rules",
    "GET",
    "/sales/approvals/rules/",
    module=SALES,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=EVERYONE - ADMINS,
)
page(
    "approval rule edit",
    "POST",
    "/sales/approvals/rules/{id}/",
    module=SALES,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=EVERYONE - ADMINS,
    target=_rule,
    tables=(ApprovalRule,),
    body=lambda users, r: {
        "name": r.name,
        "kind": r.kind,
        "condition": r.condition,
        "threshold": "25",
        "approver_kind": r.approver_kind,
        "approver_role": r.approver_role_id,
        "active": "on",
        "sort_order": r.sort_order,
        "version": r.version,
    },
)
page(
    "approval rule create",
    "POST",
    "/sales/approvals/rules/new/",
    module=SALES,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=EVERYONE - ADMINS,
    tables=(ApprovalRule,),
    body=lambda users, t: {
        "name": "大额报价",
        "kind": "quote",
        "condition": "amount_above",
        "threshold": "1000000",
        "approver_kind": "role",
        "approver_role": Role.objects.get(code="leader").pk,
        "active": "on",
        "sort_order": "10",
    },
)
page(
    "approval rule delete",
    "POST",
    "/sales/approvals/rules/{id}/delete/",
    module=SALES,
    action=MANAGE,
    allowed=ADMINS,
    forbidden=EVERYONE - ADMINS,
    target=_rule,
    tables=(ApprovalRule,),
)
page(
    "quote from opportunity",
    "POST",
    "/sales/opportunities/{id}/quote/",
    module=SALES,
    action=CREATE,
    allowed=roles("admin", "mgr_west"),
    forbidden=roles("leader", "agent", "finance"),
    target=west_opportunity,
    tables=QUOTE_TABLES,
)
page(
    "quote totals preview",
    "POST",
    "/sales/quotes/preview/",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    body={"lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"},
)
