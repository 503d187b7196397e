"""Every read of orders, shipments and returns, scoped to the user.

Orders carry owner and unit and follow the sales module's data scope, as opportunities do
(rep: own; manager: unit and below; finance, leader, agent: all). Shipments, returns and
invoices are read through their order, so they follow the same scope.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from crm.core.access import get_access, get_in_scope, scoped, scoped_by_unit_ids
from crm.core.modules import Action, Module, Special

from .models import CreditLimit, OrderLine, OrderStatus, OrderStatusChange, SalesOrder
from .models_shipping import SalesReturn, Shipment, ShipmentEvent

ORDERINGS = {
    "updated": "-updated_at",
    "date": "-order_date",
    "number": "-number",
    "amount": "-gross_total",
}
OPEN_STATUSES = [
    OrderStatus.DRAFT,
    OrderStatus.PENDING,
    OrderStatus.CONFIRMED,
    OrderStatus.PARTLY_SHIPPED,
]
FINANCE_ROLE = "finance"


def is_finance(user: Any) -> bool:
    """Finance keeps invoices, payments and credit limits: the 财务 role or an administrator."""
    if not getattr(user, "is_authenticated", False):
        return False
    if get_access(user).has(Special.MANAGE_SYSTEM):
        return True
    cached = getattr(user, "_crm_is_finance", None)
    if cached is None:
        cached = user.roles.filter(code=FINANCE_ROLE, is_deleted=False).exists()
        user._crm_is_finance = cached
    return bool(cached)


def orders_in_scope(user: Any) -> QuerySet[SalesOrder]:
    return scoped_by_unit_ids(SalesOrder.objects.all(), user, Module.SALES)


def orders_for_user(user: Any) -> QuerySet[SalesOrder]:
    return orders_in_scope(user).select_related("customer", "owner", "org_unit", "opportunity")


@dataclass
class OrderFilters:
    mine: bool = False
    status: str = ""
    open_only: bool = False
    customer: int | None = None
    search: str = ""
    date_from: Any = None
    date_to: Any = None
    ordering: str = "updated"


def order_list(user: Any, filters: OrderFilters) -> QuerySet[SalesOrder]:
    qs = orders_for_user(user)
    if filters.mine:
        qs = qs.filter(owner=user.pk)
    if filters.status:
        qs = qs.filter(status=filters.status)
    elif filters.open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if filters.customer:
        qs = qs.filter(customer=filters.customer)
    if filters.date_from:
        qs = qs.filter(order_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(order_date__lte=filters.date_to)
    if filters.search:
        term = filters.search.strip()[:100]
        qs = qs.filter(Q(number__icontains=term) | Q(customer__name__icontains=term))
    order = ORDERINGS.get(filters.ordering, ORDERINGS["updated"])
    return qs.order_by(order, "-id")


def order_get_for_user(*, user: Any, pk: Any) -> SalesOrder:
    return get_in_scope(orders_for_user(user), pk)


def can_edit(user: Any, order: SalesOrder) -> bool:
    """The sales edit right; the order is already in the user's scope (read via a selector)."""
    return get_access(user).can(Module.SALES, Action.EDIT)


def can_create(user: Any) -> bool:
    return get_access(user).can(Module.SALES, Action.CREATE)


def lines_of(order: SalesOrder) -> QuerySet[OrderLine]:
    return order.lines.select_related("product", "unit").order_by("sort_order", "id")


def status_changes_of(order: SalesOrder) -> QuerySet[OrderStatusChange]:
    return order.status_changes.select_related("changed_by")


def shipments_of(order: SalesOrder) -> QuerySet[Shipment]:
    return order.shipments.prefetch_related("lines", "events").order_by("-shipped_on", "-id")


def returns_of(order: SalesOrder) -> QuerySet[SalesReturn]:
    return order.returns.prefetch_related("lines").order_by("-returned_on", "-id")


def shipments_for_user(user: Any) -> QuerySet[Shipment]:
    return Shipment.objects.filter(order__in=orders_in_scope(user).values("pk")).select_related(
        "order", "customer"
    )


def shipment_get_for_user(*, user: Any, pk: Any) -> Shipment:
    return get_in_scope(shipments_for_user(user), pk)


def events_of(shipment: Shipment) -> QuerySet[ShipmentEvent]:
    return shipment.events.select_related("created_by")


def returns_for_user(user: Any) -> QuerySet[SalesReturn]:
    return SalesReturn.objects.filter(order__in=orders_in_scope(user).values("pk")).select_related(
        "order", "customer"
    )


def return_get_for_user(*, user: Any, pk: Any) -> SalesReturn:
    return get_in_scope(returns_for_user(user), pk)


def credit_limits_for_user(user: Any) -> QuerySet[CreditLimit]:
    """Credit rows of the customers the user sees."""
    from crm.customers.models import Customer

    customers = scoped(Customer.objects.all(), user, Module.CUSTOMERS)
    return CreditLimit.objects.filter(customer__in=customers.values("pk")).select_related(
        "customer"
    )
