"""Every read of activities, scoped to the reader (Module.SALES, the activity's owner and
unit): lists, the agenda, the calendar, the visit achievement rate and the ICS feed."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from crm.core.access import get_access, get_in_scope, scope_q, scoped
from crm.core.modules import Action, Module, Scope
from crm.org.models import OrgUnit, User

from .models_activities import Activity, ActivityKind, ActivityStatus

ORDERINGS = {
    "planned_start",
    "-planned_start",
    "subject",
    "-subject",
    "kind",
    "-kind",
    "status",
    "-status",
    "updated_at",
    "-updated_at",
}
DEFAULT_ORDERING = "planned_start"
OVERDUE = "overdue"  # a status filter: planned and past its end


@dataclass
class ActivityFilters:
    search: str = ""
    kind: str = ""
    status: str = ""  # planned, done, cancelled or "overdue"
    owner: int | None = None
    unit: int | None = None  # the unit and its sub-units
    customer: int | None = None
    opportunity: int | None = None
    start_from: date | None = None
    start_to: date | None = None
    ordering: str = DEFAULT_ORDERING


def day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def overdue_q(now: datetime | None = None) -> Q:
    return Q(status=ActivityStatus.PLANNED, planned_end__lt=now or timezone.now())


def _scoped(user: Any) -> QuerySet[Activity]:
    return scoped(Activity.objects.all(), user, Module.SALES)


def _unit_path(unit_id: int) -> str | None:
    return OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first()


def activities_for_user(user: Any, filters: ActivityFilters | None = None) -> QuerySet[Activity]:
    f = filters or ActivityFilters()
    qs = _scoped(user).select_related("owner", "org_unit", "customer", "contact", "opportunity")
    if f.search:
        for term in f.search.split()[:5]:
            qs = qs.filter(
                Q(subject__icontains=term)
                | Q(customer__name__icontains=term)
                | Q(purpose__icontains=term)
            )
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status == OVERDUE:
        qs = qs.filter(overdue_q())
    elif f.status:
        qs = qs.filter(status=f.status)
    for name in ("owner", "customer", "opportunity"):
        value = getattr(f, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id": value})
    if f.unit is not None:
        path = _unit_path(f.unit)
        qs = qs.filter(org_unit__path__startswith=path) if path else qs.none()
    if f.start_from:
        qs = qs.filter(planned_start__gte=day_start(f.start_from))
    if f.start_to:
        qs = qs.filter(planned_start__lt=day_start(f.start_to + timedelta(days=1)))
    ordering = f.ordering if f.ordering in ORDERINGS else DEFAULT_ORDERING
    return qs.order_by(ordering, "id")


def activity_get_for_user(*, user: Any, pk: Any) -> Activity:
    """One activity in the user's scope; missing and out of scope are the same 404."""
    return get_in_scope(activities_for_user(user), pk)


def activities_of_customer(user: Any, customer: Any) -> QuerySet[Activity]:
    """The activities on a customer the caller has already read, that the user may see."""
    return (
        _scoped(user)
        .filter(customer=customer)
        .select_related("owner", "contact")
        .order_by("-planned_start", "-id")
    )


def activities_of_opportunity(user: Any, opportunity: Any) -> QuerySet[Activity]:
    """The activities on an opportunity the caller has already read, that the user may see."""
    return (
        _scoped(user)
        .filter(opportunity=opportunity)
        .select_related("owner", "customer", "contact")
        .order_by("-planned_start", "-id")
    )


# --- my week -----------------------------------------------------------------------------

AGENDA_DAYS = 7
AGENDA_LIMIT = 200
OVERDUE_LIMIT = 50


@dataclass
class Agenda:
    today: date
    overdue: list[Activity]
    overdue_count: int
    today_items: list[Activity]
    upcoming: list[Activity]


def agenda(
    user: Any, today: date | None = None, *, team: bool = False, days: int = AGENDA_DAYS
) -> Agenda:
    """The user's own activities (`team`: every activity in their sales scope): overdue
    (most recent first), today's, and the next days' planned ones. Three queries."""
    today = today or timezone.localdate()
    now = timezone.now()
    start, tomorrow = day_start(today), day_start(today + timedelta(days=1))
    end = day_start(today + timedelta(days=days + 1))
    base = _scoped(user) if team else Activity.objects.filter(owner_id=user.pk)
    base = base.select_related("customer", "contact", "owner")
    overdue = base.filter(overdue_q(now), planned_start__lt=start)
    rows = list(
        base.filter(planned_start__gte=start, planned_start__lt=end).order_by(
            "planned_start", "id"
        )[:AGENDA_LIMIT]
    )
    return Agenda(
        today=today,
        overdue=list(overdue.order_by("-planned_end", "-id")[:OVERDUE_LIMIT]),
        overdue_count=overdue.count(),
        today_items=[a for a in rows if a.planned_start < tomorrow],
        upcoming=[
            a for a in rows if a.planned_start >= tomorrow and a.status == ActivityStatus.PLANNED
        ],
    )


# --- calendar ----------------------------------------------------------------------------

CALENDAR_LIMIT = 1000


def calendar_items(
    user: Any, start: date, end: date, *, owner: int | None = None, unit: int | None = None
) -> list[Activity]:
    """Activities starting in [start, end) that the user may see, of one owner or one unit
    and its sub-units (default: the user's own)."""
    qs = _scoped(user).filter(planned_start__gte=day_start(start), planned_start__lt=day_start(end))
    if unit is not None:
        path = _unit_path(unit)
        qs = qs.filter(org_unit__path__startswith=path) if path else qs.none()
    else:
        qs = qs.filter(owner_id=owner or user.pk)
    return list(
        qs.select_related("owner", "customer").order_by("planned_start", "id")[:CALENDAR_LIMIT]
    )


def is_manager(user: Any) -> bool:
    """Whether the user's sales scope reaches beyond their own records."""
    scope = get_access(user).scope(Module.SALES)
    return scope is not None and scope != Scope.OWN


def sales_people(user: Any) -> QuerySet[User]:
    """Active employees in the user's sales scope who sell (a role that may create sales
    records), by unit and name."""
    return (
        User.objects.filter(
            scope_q(user, Module.SALES, owner_field="pk", unit_field="unit"),
            is_active=True,
            roles__grants__module=Module.SALES,
            roles__grants__can_create=True,
            roles__is_deleted=False,
        )
        .distinct()
        .select_related("unit")
        .order_by("unit__path", "name", "username")
    )


def assignable_owners(user: Any) -> QuerySet[User]:
    """Whom the user may give an activity to: themself, or anyone active in their sales
    scope (a rep: only themself)."""
    if not get_access(user).can(Module.SALES, Action.VIEW):
        return User.objects.none()
    return (
        User.objects.filter(
            Q(pk=user.pk) | scope_q(user, Module.SALES, owner_field="pk", unit_field="unit"),
            is_active=True,
        )
        .select_related("unit")
        .order_by("unit__path", "name", "username")
    )


def sales_units(user: Any) -> QuerySet[OrgUnit]:
    """The units whose sales records the user sees (the calendar's and reports' unit
    choice)."""
    return OrgUnit.objects.filter(
        scope_q(user, Module.SALES, owner_field=None, unit_field="")
    ).order_by("path")


# --- visit achievement rate --------------------------------------------------------------


@dataclass
class VisitRate:
    owner_id: int
    name: str
    unit: str
    planned: int
    done: int

    @property
    def rate(self) -> float | None:
        """Completed planned visits / planned visits, as a percentage (None: none planned)."""
        return round(self.done * 100 / self.planned, 1) if self.planned else None


def visit_rates(
    user: Any, start: date, end: date, *, owner: int | None = None, unit: int | None = None
) -> list[VisitRate]:
    """Per rep: visits planned ahead with a start in [start, end), and how many of them are
    done. One grouped query over the visits the user may see. A cancelled plan counts as
    planned and not done; visits logged afterwards do not count."""
    qs = _scoped(user).filter(
        kind=ActivityKind.VISIT,
        is_planned=True,
        planned_start__gte=day_start(start),
        planned_start__lt=day_start(end),
    )
    if owner is not None:
        qs = qs.filter(owner_id=owner)
    if unit is not None:
        path = _unit_path(unit)
        qs = qs.filter(org_unit__path__startswith=path) if path else qs.none()
    rows = (
        qs.order_by()
        .values("owner_id", "owner__name", "owner__username", "owner__unit__name")
        .annotate(planned=Count("id"), done=Count("id", filter=Q(status=ActivityStatus.DONE)))
        .order_by("owner__unit__name", "owner__name", "owner_id")
    )
    return [
        VisitRate(
            owner_id=r["owner_id"],
            name=r["owner__name"] or r["owner__username"],
            unit=r["owner__unit__name"] or "",
            planned=r["planned"],
            done=r["done"],
        )
        for r in rows
    ]


def visit_total(rates: list[VisitRate]) -> VisitRate:
    return VisitRate(
        owner_id=0,
        name="",
        unit="",
        planned=sum(r.planned for r in rates),
        done=sum(r.done for r in rates),
    )


# --- ICS feed ----------------------------------------------------------------------------

FEED_WEEKS_BACK = 4
FEED_WEEKS_AHEAD = 12
FEED_KINDS = (ActivityKind.VISIT, ActivityKind.MEETING)


def feed_items(owner: Any, now: datetime | None = None) -> QuerySet[Activity]:
    """The feed of one user: their own visits and meetings from some weeks back to some
    weeks ahead, cancelled ones left out. Reached by the secret token only, never by scope."""
    now = now or timezone.now()
    return (
        Activity.objects.filter(
            owner_id=owner.pk,
            kind__in=FEED_KINDS,
            planned_start__gte=now - timedelta(weeks=FEED_WEEKS_BACK),
            planned_start__lt=now + timedelta(weeks=FEED_WEEKS_AHEAD),
        )
        .exclude(status=ActivityStatus.CANCELLED)
        .select_related("customer", "contact")
        .order_by("planned_start", "id")
    )
