"""Every read of leads, opportunities and stages, scoped to the reader (Module.SALES).

Leads and opportunities are visible when `scoped(…, Module.SALES)` lets them through (their
owner and unit); stages are configuration, visible to every reader of the sales module.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from crm.core.access import Q_NONE, get_in_scope, scoped
from crm.core.modules import Module
from crm.customers.models import Customer
from crm.customers.selectors import search_q
from crm.org.models import OrgUnit, User

from .forecast import (
    forecast,  # noqa: F401 - the forecast selector other modules read
    summed,
)
from .models import Lead, Opportunity, OpportunityStatus, Stage, StageChange
from .scoping import opportunities_in_scope
from .stages import business_unit_of, business_units, stage_set

OPPORTUNITY_ORDERINGS = {
    "name",
    "-name",
    "amount",
    "-amount",
    "expected_close",
    "-expected_close",
    "probability",
    "-probability",
    "updated_at",
    "-updated_at",
    "created_at",
    "-created_at",
    "stage__order",
    "-stage__order",
}
DEFAULT_OPPORTUNITY_ORDERING = "-updated_at"
LEAD_ORDERINGS = {
    "company",
    "-company",
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "status",
    "-status",
}
DEFAULT_LEAD_ORDERING = "-updated_at"
BOARD_CARDS = 20  # cards per board column; the column's "more" link opens the list

_MONEY = DecimalField(max_digits=18, decimal_places=4)


@dataclass
class OpportunityFilters:
    search: str = ""
    owner: int | None = None
    unit: int | None = None  # the unit and its sub-units
    customer: int | None = None
    stage: int | None = None
    status: str = ""
    close_from: date | None = None
    close_to: date | None = None
    ordering: str = DEFAULT_OPPORTUNITY_ORDERING


@dataclass
class LeadFilters:
    search: str = ""
    owner: int | None = None
    unit: int | None = None
    status: str = ""
    source: int | None = None
    ordering: str = DEFAULT_LEAD_ORDERING


def _unit_path(unit_id: int) -> str | None:
    return OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first()


def _scoped_opportunities(user: Any) -> QuerySet[Opportunity]:
    return opportunities_in_scope(user)


def _shared_q(f: OpportunityFilters) -> Q:
    """The filters on what the opportunities share with the forecast cells: owner, stage,
    unit (and its sub-units)."""
    q = Q()
    if f.owner is not None:
        q &= Q(owner_id=f.owner)
    if f.stage is not None:
        q &= Q(stage_id=f.stage)
    if f.unit is not None:
        path = _unit_path(f.unit)
        q &= Q(org_unit__path__startswith=path) if path else Q_NONE
    return q


def _filter_opportunities(
    qs: QuerySet[Opportunity], f: OpportunityFilters
) -> QuerySet[Opportunity]:
    if f.search:
        for term in f.search.replace("\x00", "").split()[:8]:
            qs = qs.filter(Q(name__icontains=term) | Q(customer__name__icontains=term))
    qs = qs.filter(_shared_q(f))
    if f.customer is not None:
        qs = qs.filter(customer_id=f.customer)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.close_from:
        qs = qs.filter(expected_close__gte=f.close_from)
    if f.close_to:
        qs = qs.filter(expected_close__lte=f.close_to)
    return qs


def opportunities_for_user(
    user: Any, filters: OpportunityFilters | None = None
) -> QuerySet[Opportunity]:
    """The opportunities `user` may see in the sales module, filtered and ordered."""
    f = filters or OpportunityFilters()
    qs = _filter_opportunities(_scoped_opportunities(user), f).select_related(
        "customer", "contact", "owner", "org_unit", "stage"
    )
    ordering = f.ordering if f.ordering in OPPORTUNITY_ORDERINGS else DEFAULT_OPPORTUNITY_ORDERING
    return qs.order_by(ordering, "-id")


def opportunity_get_for_user(*, user: Any, pk: Any) -> Opportunity:
    """One opportunity in the user's scope; missing and out-of-scope are the same 404."""
    return get_in_scope(opportunities_for_user(user), pk)


def opportunities_by_ids_for_user(user: Any, ids: list[int]) -> QuerySet[Opportunity]:
    return opportunities_for_user(user).filter(pk__in=ids)


def lines_of(opportunity: Opportunity) -> QuerySet[Any]:
    return opportunity.lines.select_related("product", "product__unit").order_by("sort_order", "id")


def stage_history_of(opportunity: Opportunity) -> QuerySet[StageChange]:
    return StageChange.objects.filter(opportunity=opportunity).select_related(
        "from_stage", "to_stage", "changed_by"
    )


# --- leads ---------------------------------------------------------------------------------


def leads_for_user(user: Any, filters: LeadFilters | None = None) -> QuerySet[Lead]:
    f = filters or LeadFilters()
    qs = scoped(Lead.objects.all(), user, Module.SALES).select_related(
        "owner", "org_unit", "source", "customer"
    )
    if f.search:
        qs = qs.filter(search_q(f.search))
    for name in ("owner", "source"):
        value = getattr(f, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id": value})
    if f.unit is not None:
        path = _unit_path(f.unit)
        qs = qs.filter(org_unit__path__startswith=path) if path else qs.none()
    if f.status:
        qs = qs.filter(status=f.status)
    ordering = f.ordering if f.ordering in LEAD_ORDERINGS else DEFAULT_LEAD_ORDERING
    return qs.order_by(ordering, "-id")


def lead_get_for_user(*, user: Any, pk: Any) -> Lead:
    return get_in_scope(leads_for_user(user).select_related("contact"), pk)


# --- stages --------------------------------------------------------------------------------


def stages_for(business_unit: OrgUnit | None, *, active_only: bool = False) -> QuerySet[Stage]:
    """The stages `business_unit` uses (its own set, else the default set), in order."""
    return stage_set(business_unit, active_only=active_only)


def stage_get(pk: Any) -> Stage:
    return get_in_scope(Stage.objects.select_related("business_unit"), pk)


def business_unit_choices() -> list[OrgUnit]:
    return list(business_units())


def user_business_unit(user: Any) -> OrgUnit | None:
    return business_unit_of(getattr(user, "unit", None))


# --- board ---------------------------------------------------------------------------------


@dataclass
class BoardColumn:
    stage: Stage
    count: int = 0
    amount: Decimal = Decimal(0)
    cards: list[Any] = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.cards))


def column_totals(
    user: Any, stage_ids: list[int], filters: OpportunityFilters | None = None
) -> dict[int, tuple[int, Decimal]]:
    """{stage id: (count, amount)} of the user's opportunities in those stages: one query.

    Unless filtered by what only the opportunities carry (search, customer, status), the
    totals come from the forecast summary (whole months of the close period; its cut months'
    days from the opportunities)."""
    f = filters or OpportunityFilters()
    if not (f.search or f.customer is not None or f.status):
        where = _shared_q(f) & Q(stage_id__in=stage_ids)
        sums = summed(user, f.close_from, f.close_to, where, lambda _day: {"s": F("stage_id")})
        return {s: (n, amount) for (s,), (_weighted, amount, n) in sums.items()}
    qs = _filter_opportunities(_scoped_opportunities(user), f)
    rows = (
        qs.filter(stage_id__in=stage_ids)
        .order_by()
        .values("stage_id")
        # COUNT(*), not COUNT(id): with (stage, amount) in the board index the totals come
        # from an index-only scan
        .annotate(n=Count("*"), total=Coalesce(Sum("amount"), Decimal(0), output_field=_MONEY))
    )
    return {r["stage_id"]: (r["n"], r["total"]) for r in rows}


@dataclass
class Card:
    """What a board card shows (the opportunity's own columns plus two names)."""

    pk: int
    version: int
    name: str
    amount: Decimal
    probability: int
    expected_close: date
    customer: Any  # .name
    owner: str


_CARD_FIELDS = (
    "id",
    "version",
    "name",
    "amount",
    "probability",
    "expected_close",
    "customer_id",
    "owner_id",
)


def board_for_user(
    user: Any,
    business_unit: OrgUnit | None,
    filters: OpportunityFilters | None = None,
    *,
    cards: int = BOARD_CARDS,
) -> list[BoardColumn]:
    """The kanban board of a business unit's stage set: one column per active stage with its
    count and amount, and its largest `cards` opportunities.

    Queries, whatever the rows: the stages, one aggregate for the totals, one per column (its
    top cards straight from the (scope, stage, amount) indexes, no join before the limit),
    one for the customers' names and one for the owners'."""
    f = filters or OpportunityFilters()
    stages = list(stage_set(business_unit, active_only=True))
    totals = column_totals(user, [s.pk for s in stages], f)
    base = _filter_opportunities(_scoped_opportunities(user), f)
    columns, rows = [], []
    for stage in stages:
        n, amount = totals.get(stage.pk, (0, Decimal(0)))
        column = BoardColumn(stage=stage, count=n, amount=amount)
        if n:
            top = base.filter(stage_id=stage.pk).order_by("-amount", "-id")
            column.cards = list(top.values(*_CARD_FIELDS)[:cards])
            rows += column.cards
        columns.append(column)
    customers = dict(
        Customer.all_objects.filter(pk__in={r["customer_id"] for r in rows}).values_list(
            "id", "name"
        )
    )
    owners = {u.pk: str(u) for u in User.objects.filter(pk__in={r["owner_id"] for r in rows})}
    for column in columns:
        column.cards = [
            Card(
                pk=r["id"],
                version=r["version"],
                name=r["name"],
                amount=r["amount"],
                probability=r["probability"],
                expected_close=r["expected_close"],
                customer=SimpleNamespace(name=customers.get(r["customer_id"], "")),
                owner=owners.get(r["owner_id"], ""),
            )
            for r in column.cards
        ]
    return columns


def card_for_user(user: Any, pk: Any) -> Opportunity:
    return opportunity_get_for_user(user=user, pk=pk)


# --- the customer 360° tab -----------------------------------------------------------------


def customer_summary(user: Any, customer: Any) -> dict[str, Any]:
    """The user's opportunities of one customer: open count and amount, weighted pipeline,
    won amount (one aggregate query)."""
    weighted = F("amount") * F("probability") / 100
    open_ = Q(status=OpportunityStatus.OPEN)
    row = (
        _scoped_opportunities(user)
        .filter(customer=customer)
        .aggregate(
            open_count=Count("id", filter=open_),
            open_amount=Coalesce(Sum("amount", filter=open_), Decimal(0), output_field=_MONEY),
            weighted=Coalesce(
                Sum(weighted, filter=open_, output_field=_MONEY), Decimal(0), output_field=_MONEY
            ),
            won_amount=Coalesce(
                Sum("amount", filter=Q(status=OpportunityStatus.WON)),
                Decimal(0),
                output_field=_MONEY,
            ),
        )
    )
    return row
