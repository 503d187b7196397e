"""Every read of commissions, scoped to the user.

Statements follow the sales module's data scope on the rep (owner) and the rep's unit: a rep
sees their own, a manager their unit and below, finance, leadership and admins all. Lines are
read through their statement. Rules are for system managers only.
"""

from typing import Any

from django.db.models import QuerySet, Sum

from crm.core.access import get_in_scope, require, require_special, scoped
from crm.core.errors import Forbidden
from crm.core.modules import Action, Module, Special

from .models import CommissionLine, CommissionPeriod, CommissionRule, CommissionStatement
from .periods import month_bounds


def require_rule_admin(user: Any) -> None:
    require_special(user, Special.MANAGE_SYSTEM)


def can_compute(user: Any) -> bool:
    """Finance (the 财务 role) and administrators recompute and close months."""
    from crm.orders.selectors import is_finance

    return is_finance(user)


def require_compute(user: Any) -> None:
    """404 without the sales view right, 403 for anyone but finance and admins."""
    require(user, Module.SALES, Action.VIEW)
    if not can_compute(user):
        raise Forbidden()


def rules(user: Any) -> QuerySet[CommissionRule]:
    require_rule_admin(user)
    return CommissionRule.objects.select_related(
        "role", "series", "rating", "business_unit"
    ).prefetch_related("tiers")


def rule_get(*, user: Any, pk: Any) -> CommissionRule:
    return get_in_scope(rules(user), pk)


def periods(user: Any) -> QuerySet[CommissionPeriod]:
    require(user, Module.SALES, Action.VIEW)
    return CommissionPeriod.objects.select_related("computed_by", "closed_by")


def period_get(*, user: Any, pk: Any) -> CommissionPeriod:
    return get_in_scope(periods(user), pk)


def period_by_name(period: str) -> CommissionPeriod | None:
    month_bounds(period)
    return CommissionPeriod.objects.filter(period=period).first()


def statements_in_scope(user: Any) -> QuerySet[CommissionStatement]:
    return scoped(CommissionStatement.objects.all(), user, Module.SALES, owner_field="rep")


def statements_for_user(user: Any) -> QuerySet[CommissionStatement]:
    return statements_in_scope(user).select_related("period", "rep", "org_unit")


def statement_list(user: Any, period: str) -> QuerySet[CommissionStatement]:
    month_bounds(period)
    return statements_for_user(user).filter(period__period=period).order_by("-commission", "rep_id")


def statement_get(*, user: Any, pk: Any) -> CommissionStatement:
    return get_in_scope(statements_for_user(user), pk)


def statement_totals(qs: QuerySet[CommissionStatement]) -> dict[str, Any]:
    return qs.order_by().aggregate(basis=Sum("basis"), commission=Sum("commission"))


def lines_for_user(user: Any) -> QuerySet[CommissionLine]:
    qs = CommissionLine.objects.filter(statement__in=statements_in_scope(user).values("pk"))
    return qs.select_related(
        "statement__period", "statement__rep", "rule", "series", "rating", "org_unit"
    ).order_by("statement__rep_id", "id")


def line_list(user: Any, *, period: str, rep: int | None = None) -> QuerySet[CommissionLine]:
    month_bounds(period)
    qs = lines_for_user(user).filter(statement__period__period=period)
    if rep is not None:
        qs = qs.filter(statement__rep_id=rep)
    return qs


def lines_of(statement: CommissionStatement) -> QuerySet[CommissionLine]:
    return statement.lines.select_related("rule", "series", "rating", "org_unit")


def own_totals(user: Any, periods: list[str]) -> dict[str, Any]:
    """The user's own commission per period name (one query; missing periods are absent)."""
    rows = CommissionStatement.objects.filter(rep=user.pk, period__period__in=periods).values_list(
        "period__period", "commission"
    )
    return dict(rows)
