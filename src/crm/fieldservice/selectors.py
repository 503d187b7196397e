"""Every read of equipment, service plans and visits, scoped to the user.

A user sees equipment (and its plans and visits) when they may view the service module and
see the equipment's customer in the customers module: the rep their own customers', a manager
their units', the call centre and the leader every customer's. An expert also sees the visits
assigned to them. Missing and out of scope are the same 404.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Min, Q, QuerySet

from crm.core.access import Q_NONE, get_access, get_in_scope, scope_q
from crm.core.modules import Action, Module

from .models import (
    Equipment,
    EquipmentType,
    ExpertSkill,
    FieldVisit,
    InstalledProduct,
    ServicePlan,
    Skill,
    VisitStatus,
)


def _customer_q(user: Any, prefix: str = "customer__") -> Q:
    """The filter "the record's customer is one the user sees", if they have the service module."""
    if not get_access(user).can(Module.SERVICE, Action.VIEW):
        return Q_NONE
    return scope_q(
        user, Module.CUSTOMERS, owner_field=f"{prefix}owner", unit_field=f"{prefix}org_unit"
    )


def can_create(user: Any) -> bool:
    return get_access(user).can(Module.SERVICE, Action.CREATE)


def can_edit(user: Any) -> bool:
    return get_access(user).can(Module.SERVICE, Action.EDIT)


def can_delete(user: Any) -> bool:
    return get_access(user).can(Module.SERVICE, Action.DELETE)


# --- equipment ------------------------------------------------------------------------------


@dataclass
class EquipmentFilters:
    customer: int | None = None
    type: int | None = None
    status: str = ""
    search: str = ""


def equipment_for_user(user: Any) -> QuerySet[Equipment]:
    return Equipment.objects.filter(_customer_q(user), customer__is_deleted=False).select_related(
        "customer", "type", "type__skill"
    )


def equipment_list(user: Any, filters: EquipmentFilters) -> QuerySet[Equipment]:
    qs = equipment_for_user(user)
    if filters.customer:
        qs = qs.filter(customer=filters.customer)
    if filters.type:
        qs = qs.filter(type=filters.type)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.search:
        term = filters.search.strip()[:100]
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(model_number__icontains=term)
            | Q(location__icontains=term)
            | Q(customer__name__icontains=term)
        )
    return qs.order_by("-updated_at", "-id")


def equipment_get_for_user(*, user: Any, pk: Any) -> Equipment:
    return get_in_scope(equipment_for_user(user), pk)


def products_of(equipment: Equipment) -> QuerySet[InstalledProduct]:
    return equipment.products.select_related("product", "product__unit")


def plans_of(equipment: Equipment) -> QuerySet[ServicePlan]:
    return equipment.plans.select_related("skill").order_by("-active", "next_due", "id")


def visits_of(equipment: Equipment, limit: int = 50) -> list[FieldVisit]:
    """The equipment's visits, newest first (the history of the service it had)."""
    return list(
        equipment.visits.select_related("expert", "plan").order_by("-due_date", "-id")[:limit]
    )


def customer_equipment(user: Any, customer: int, limit: int) -> list[Equipment]:
    """A customer's equipment with each one's next plan date: one query, capped."""
    return list(
        equipment_for_user(user)
        .filter(customer=customer)
        .annotate(
            next_due=Min("plans__next_due", filter=Q(plans__active=True, plans__is_deleted=False))
        )
        .order_by("name", "id")[:limit]
    )


# --- plans ----------------------------------------------------------------------------------


def plans_for_user(user: Any) -> QuerySet[ServicePlan]:
    return ServicePlan.objects.filter(
        _customer_q(user), equipment__is_deleted=False
    ).select_related("equipment", "customer", "skill")


def plan_list(
    user: Any, *, due_by: date | None = None, active_only: bool = True
) -> QuerySet[ServicePlan]:
    qs = plans_for_user(user)
    if active_only:
        qs = qs.filter(active=True)
    if due_by:
        qs = qs.filter(next_due__lte=due_by)
    return qs.order_by("next_due", "id")


def plan_get_for_user(*, user: Any, pk: Any) -> ServicePlan:
    return get_in_scope(plans_for_user(user), pk)


# --- visits ---------------------------------------------------------------------------------

VISIT_VIEWS = ("mine", "open", "all")


def visits_for_user(user: Any) -> QuerySet[FieldVisit]:
    """Visits of equipment the user sees, and those assigned to them."""
    seen = _customer_q(user)
    if seen and get_access(user).can(Module.SERVICE, Action.VIEW):
        # An empty Q (scope "all") must stay empty: Q() | x would narrow it to x.
        seen |= Q(expert=user.pk)
    return FieldVisit.objects.filter(seen).select_related("equipment", "customer", "expert", "plan")


def visit_list(user: Any, *, view: str = "mine", status: str = "") -> QuerySet[FieldVisit]:
    """mine: the user's own visits; open: every planned visit; all: every visit. Planned ones
    first by due date; done and cancelled ones newest first."""
    qs = visits_for_user(user)
    if view == "mine":
        qs = qs.filter(expert=user.pk)
    if status:
        qs = qs.filter(status=status)
    elif view == "open":
        qs = qs.filter(status=VisitStatus.PLANNED)
    if status == VisitStatus.PLANNED or view == "open":
        return qs.order_by("due_date", "id")
    return qs.order_by("-due_date", "-id")


def visit_get_for_user(*, user: Any, pk: Any) -> FieldVisit:
    return get_in_scope(visits_for_user(user), pk)


def planned_visit_count(
    *, equipment: Equipment | None = None, plan: ServicePlan | None = None
) -> int:
    """The visits a delete of the equipment or the plan would cancel."""
    qs = FieldVisit.objects.filter(status=VisitStatus.PLANNED)
    if equipment is not None:
        qs = qs.filter(equipment=equipment)
    if plan is not None:
        qs = qs.filter(plan=plan)
    return qs.count()


# --- skills ---------------------------------------------------------------------------------


def skills(*, active_only: bool = True) -> QuerySet[Skill]:
    qs = Skill.objects.all()
    return qs.filter(active=True) if active_only else qs


def equipment_types(*, active_only: bool = True) -> QuerySet[EquipmentType]:
    qs = EquipmentType.objects.select_related("skill")
    return qs.filter(active=True) if active_only else qs


def experts() -> QuerySet[ExpertSkill]:
    return ExpertSkill.objects.select_related("user", "skill").order_by("skill__order", "user_id")


def open_visit_counts(user_ids: list[int]) -> dict[int, int]:
    """Planned visits per expert: the load the scheduler balances."""
    rows = (
        FieldVisit.objects.filter(status=VisitStatus.PLANNED, expert__in=user_ids)
        .values("expert")
        .annotate(n=Count("pk"))
    )
    return {r["expert"]: r["n"] for r in rows}
