"""Orders, shipments, returns and receivables in the access matrix (see crm.testing.matrix).

The target is an order of a WEST customer owned by rep_west_1. Orders follow the sales scope:
admin, leader and agent see all, mgr_west the west subtree; mgr_east and rep_east see the list
but not the west order (404); marketer and general have no sales right (404). Orders are
changed by admin and mgr_west (leader and agent read only: 403). Invoices, payments and credit
limits are written by finance only: of the matrix roles, admin (the others who see: 403).
The finance role itself is tested in test_access_finance.py.
"""

from decimal import Decimal
from typing import Any

from crm.core.modules import Action, Module
from crm.customers import services as customer_services
from crm.customers.models import Customer
from crm.orders import services, services_receivables, services_shipping
from crm.orders.models import CreditLimit, OrderLine, OrderStatusChange, SalesOrder
from crm.orders.models_receivables import Invoice, Payment, PaymentAllocation, ReceivableEntry
from crm.orders.models_shipping import SalesReturn, Shipment, ShipmentEvent
from crm.products import services as product_services
from crm.products.models import UnitOfMeasure
from crm.testing.matrix import api, page, roles

SEES_WEST = roles("admin", "leader", "mgr_west", "agent", "finance")
CAN_VIEW = roles("admin", "leader", "mgr_east", "mgr_west", "rep_east", "agent", "finance")
EDITORS = roles("admin", "mgr_west")
CREATORS = roles("admin", "mgr_east", "mgr_west", "rep_east")
FINANCE = roles("admin", "finance")

SALES = Module.SALES.value
VIEW, CREATE, EDIT = (a.value for a in (Action.VIEW, Action.CREATE, Action.EDIT))
ORDER_TABLES = (SalesOrder, OrderLine, OrderStatusChange)
SHIP_TABLES = (SalesOrder, OrderLine, Shipment, ShipmentEvent)
MONEY_TABLES = (Invoice, Payment, PaymentAllocation, ReceivableEntry)


def west_customer(users: Any) -> Customer:
    return customer_services.customer_create(actor=users["rep_west_1"], name="成都蜀能贸易有限公司")


def _product(users: Any) -> Any:
    return product_services.product_create(
        actor=users["admin"],
        code="LUB-M1",
        name="工业润滑油",
        unit=UnitOfMeasure.objects.get(code="t"),
        list_price=Decimal("100"),
    )


def west_order(users: Any) -> SalesOrder:
    return services.order_create(
        actor=users["rep_west_1"],
        customer=west_customer(users),
        lines=[{"product": _product(users), "quantity": Decimal("10"), "unit_price": None}],
    )


def confirmed_order(users: Any) -> SalesOrder:
    o = west_order(users)
    return services.order_transition(
        order=o, to="confirmed", version=o.version, actor=users["rep_west_1"]
    )


def shipped_order(users: Any) -> SalesOrder:
    o = confirmed_order(users)
    line = o.lines.get()
    services_shipping.shipment_create(
        order=o, actor=users["rep_west_1"], quantities={line.pk: line.quantity}
    )
    return SalesOrder.objects.get(pk=o.pk)


def west_shipment(users: Any) -> Shipment:
    return Shipment.objects.get(order=shipped_order(users))


def west_return(users: Any) -> SalesReturn:
    o = shipped_order(users)
    return services_shipping.return_create(
        order=o,
        actor=users["rep_west_1"],
        quantities={o.lines.get().pk: Decimal("1")},
        reason="破损",
    )


def west_invoice(users: Any) -> Invoice:
    return services_receivables.invoice_create(order=shipped_order(users), actor=users["admin"])


def west_payment(users: Any) -> Payment:
    inv = west_invoice(users)
    return services_receivables.payment_create(
        customer=inv.customer, actor=users["admin"], amount=Decimal("100")
    )


def _line(o: SalesOrder) -> int:
    return o.lines.get().pk


def _href(prefix: str) -> Any:
    return lambda t: f'href="/orders/{prefix}{t.pk}/"'


def _order_body(users: Any, c: Customer) -> dict[str, Any]:
    return {
        "customer_id": c.pk,
        "lines": [{"product_id": _product(users).pk, "quantity": "2"}],
    }


# --- API: orders ---------------------------------------------------------------------------

api(
    "orders list",
    "GET",
    "/api/v1/orders?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_order,
    visible_to=SEES_WEST,
)
api(
    "orders create",
    "POST",
    "/api/v1/orders",
    module=SALES,
    action=CREATE,
    allowed=roles("admin", "mgr_west"),
    forbidden=roles("leader", "agent", "finance"),
    target=west_customer,
    body=_order_body,
    tables=ORDER_TABLES,
)
api(
    "orders detail",
    "GET",
    "/api/v1/orders/{id}",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_order,
)
api(
    "orders patch",
    "PATCH",
    "/api/v1/orders/{id}",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_order,
    body=lambda users, t: {"version": t.version, "notes": "加急"},
    tables=ORDER_TABLES,
)
api(
    "orders transition",
    "POST",
    "/api/v1/orders/{id}/transition",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_order,
    body=lambda users, t: {"version": t.version, "to": "confirmed"},
    tables=ORDER_TABLES,
)
api(
    "orders shipments",
    "GET",
    "/api/v1/orders/{id}/shipments",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=shipped_order,
)
api(
    "orders shipment create",
    "POST",
    "/api/v1/orders/{id}/shipments",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=confirmed_order,
    body=lambda users, t: {"lines": [{"order_line_id": _line(t), "quantity": "1"}]},
    tables=SHIP_TABLES,
)
api(
    "orders shipment detail",
    "GET",
    "/api/v1/shipments/{id}",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_shipment,
)
api(
    "orders shipment event",
    "POST",
    "/api/v1/shipments/{id}/events",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_shipment,
    body={"status": "in_transit", "note": "已发车"},
    tables=SHIP_TABLES,
)
api(
    "orders returns",
    "GET",
    "/api/v1/returns?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_return,
    visible_to=SEES_WEST,
)
api(
    "orders return create",
    "POST",
    "/api/v1/returns",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=shipped_order,
    body=lambda users, t: {
        "order_id": t.pk,
        "reason": "破损",
        "lines": [{"order_line_id": _line(t), "quantity": "1"}],
    },
    tables=(SalesReturn, OrderLine, ReceivableEntry),
)

# --- API: receivables ----------------------------------------------------------------------

api(
    "receivables invoices",
    "GET",
    "/api/v1/invoices?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_invoice,
    visible_to=SEES_WEST,
)
api(
    "receivables invoice create",
    "POST",
    "/api/v1/invoices",
    module=SALES,
    action=CREATE,
    allowed=FINANCE,
    forbidden=SEES_WEST - FINANCE,
    target=shipped_order,
    body=lambda users, t: {"order_id": t.pk, "fapiao_type": "ordinary"},
    tables=MONEY_TABLES,
)
api(
    "receivables invoice detail",
    "GET",
    "/api/v1/invoices/{id}",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_invoice,
)
api(
    "receivables payments",
    "GET",
    "/api/v1/payments?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_payment,
    visible_to=SEES_WEST,
)
api(
    "receivables payment create",
    "POST",
    "/api/v1/payments",
    module=SALES,
    action=CREATE,
    allowed=FINANCE,
    forbidden=SEES_WEST - FINANCE,
    target=west_invoice,
    body=lambda users, t: {
        "customer_id": t.customer_id,
        "amount": "50",
        "allocations": [{"invoice_id": t.pk, "amount": "50"}],
    },
    tables=MONEY_TABLES,
)
api(
    "receivables payment detail",
    "GET",
    "/api/v1/payments/{id}",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_payment,
)
api(
    "receivables payment allocate",
    "POST",
    "/api/v1/payments/{id}/allocations",
    module=SALES,
    action=EDIT,
    allowed=FINANCE,
    forbidden=SEES_WEST - FINANCE,
    target=west_payment,
    body=lambda users, t: {
        "allocations": [
            {"invoice_id": Invoice.objects.get(customer=t.customer_id).pk, "amount": "10"}
        ]
    },
    tables=MONEY_TABLES,
)
api(
    "receivables aging",
    "GET",
    "/api/v1/receivables/aging",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
)
api(
    "receivables customer",
    "GET",
    "/api/v1/receivables/customers/{id}",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_customer,
)
api(
    "receivables credit detail",
    "GET",
    "/api/v1/credit-limits/{id}",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_customer,
)
api(
    "receivables credit put",
    "PUT",
    "/api/v1/credit-limits/{id}",
    module=SALES,
    action=EDIT,
    allowed=FINANCE,
    forbidden=SEES_WEST - FINANCE,
    target=west_customer,
    body={"amount": "5000", "payment_terms_days": 60},
    tables=(CreditLimit,),
)

# --- pages ---------------------------------------------------------------------------------

page(
    "orders list page",
    "GET",
    "/orders/",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_order,
    visible_to=SEES_WEST,
    marker=_href(""),
)
page(
    "orders create page",
    "GET",
    "/orders/new/",
    module=SALES,
    action=CREATE,
    allowed=CREATORS,
    forbidden=roles("leader", "agent", "finance"),
)
page(
    "orders detail page",
    "GET",
    "/orders/{id}/",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_order,
)
page(
    "orders edit page",
    "GET",
    "/orders/{id}/edit/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_order,
)
page(
    "orders transition page",
    "POST",
    "/orders/{id}/transition/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_order,
    body=lambda users, t: {"to": "confirmed", "version": t.version},
    tables=ORDER_TABLES,
)
page(
    "orders ship page",
    "POST",
    "/orders/{id}/ship/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=confirmed_order,
    body=lambda users, t: {f"ship-{_line(t)}": "1", "shipped_on": "2026-01-05"},
    tables=SHIP_TABLES,
)
page(
    "orders return page",
    "POST",
    "/orders/{id}/return/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=shipped_order,
    body=lambda users, t: {f"ret-{_line(t)}": "1", "reason": "破损", "returned_on": "2026-01-06"},
    tables=(SalesReturn, ReceivableEntry),
)
page(
    "orders invoice page",
    "POST",
    "/orders/{id}/invoice/",
    module=SALES,
    action=CREATE,
    allowed=FINANCE,
    forbidden=SEES_WEST - FINANCE,
    target=shipped_order,
    body={"fapiao_type": "special", "issue_date": "2026-01-07"},
    tables=MONEY_TABLES,
)
page(
    "orders shipment event page",
    "POST",
    "/orders/shipments/{id}/events/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_shipment,
    body={"status": "delivered"},
    tables=SHIP_TABLES,
)
page(
    "receivables invoice list page",
    "GET",
    "/orders/invoices/",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_invoice,
    visible_to=SEES_WEST,
    marker=_href("invoices/"),
)
page(
    "receivables invoice detail page",
    "GET",
    "/orders/invoices/{id}/",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_invoice,
)
page(
    "receivables payment list page",
    "GET",
    "/orders/payments/",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
)
page(
    "receivables payment create page",
    "GET",
    "/orders/payments/new/",
    module=SALES,
    action=CREATE,
    allowed=FINANCE,
    forbidden=CAN_VIEW - FINANCE,
)
page(
    "receivables aging page",
    "GET",
    "/orders/receivables/aging/",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
)
page(
    "receivables overdue page",
    "GET",
    "/orders/receivables/overdue/",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
)
page(
    "receivables credit page",
    "GET",
    "/orders/credit/{id}/",
    module=SALES,
    action=EDIT,
    allowed=FINANCE,
    forbidden=SEES_WEST - FINANCE,
    target=west_customer,
)


# --- orders from an accepted quote / an active contract ---------------------------------------


def accepted_quote(users: Any) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    from crm.sales import services_quotes

    rep = users["rep_west_1"]
    q = services_quotes.quote_create(
        actor=rep,
        customer=west_customer(users),
        valid_until=timezone.localdate() + timedelta(days=20),
        lines=[{"product": _product(users), "quantity": Decimal("2")}],
    )
    for to in ("sent", "accepted"):
        q = services_quotes.quote_transition(quote=q, to=to, version=q.version, actor=rep)
    return q


def active_contract(users: Any) -> Any:
    from crm.sales import services_contracts

    rep = users["rep_west_1"]
    c = services_contracts.contract_from_quote(actor=rep, quote=accepted_quote(users))
    return services_contracts.contract_transition(
        contract=c, to="active", version=c.version, actor=rep
    )


for kind, target in (("quote", accepted_quote), ("contract", active_contract)):
    api(
        f"orders from {kind}",
        "POST",
        f"/api/v1/orders/from-{kind}/{{id}}",
        module=SALES,
        action=CREATE,
        allowed=EDITORS,
        forbidden=roles("leader", "agent", "finance"),
        target=target,
        tables=ORDER_TABLES,
    )
    page(
        f"order from {kind}",
        "POST",
        f"/orders/from-{kind}/{{id}}/",
        module=SALES,
        action=CREATE,
        allowed=EDITORS,
        forbidden=roles("leader", "agent", "finance"),
        target=target,
        tables=ORDER_TABLES,
    )
