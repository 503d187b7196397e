"""Reads of targets and their achievement, and the pipeline figures of the home pages.

Achievement = amount won (opportunities won with `closed_on` in the period; of the rep, or of
the unit and every unit below it) / target. Won amounts are read through
`selectors.opportunities_for_user` as ONE grouped query per view (by owner and unit); the sums
per target and the roll-up over the org tree are done over those grouped rows.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, QuerySet, Sum

from crm.core.access import get_access, get_in_scope, require, scope_q, scoped
from crm.core.errors import Forbidden
from crm.core.modules import Action, Module, Scope
from crm.org.models import OrgUnit, User

from .models_activities import Target
from .target_periods import Period

TARGET_ORDERINGS = {"period_start", "-period_start", "amount", "-amount"}


def targets_for_user(user: Any, *, period: Period | None = None) -> QuerySet[Target]:
    """Targets in the user's sales scope: a rep sees their own; a manager those of the reps
    and units in their scope."""
    qs = scoped(Target.objects.all(), user, Module.SALES, owner_field="rep").select_related(
        "rep", "org_unit"
    )
    if period is not None:
        qs = qs.filter(period_kind=period.kind, period_start=period.start)
    return qs.order_by("-period_start", "period_kind", "org_unit__path", "rep__name", "id")


def target_get_for_user(*, user: Any, pk: Any) -> Target:
    return get_in_scope(targets_for_user(user), pk)


def can_manage_targets(user: Any, action: str = Action.EDIT) -> bool:
    access = get_access(user)
    scope = access.scope(Module.SALES)
    return access.can(Module.SALES, action) and scope not in (None, Scope.OWN)


def require_target_manager(user: Any, action: str = Action.EDIT) -> None:
    """Targets are set by managers (sales rights over more than their own records) and
    admins; a rep may see their target but not change it."""
    require(user, Module.SALES, action)
    if not can_manage_targets(user, action):
        raise Forbidden()


def target_reps(user: Any) -> QuerySet[User]:
    """Reps a target may be set for by `user`: active employees in their sales scope."""
    return (
        User.objects.filter(
            scope_q(user, Module.SALES, owner_field="pk", unit_field="unit"), is_active=True
        )
        .select_related("unit")
        .order_by("unit__path", "name", "username")
    )


def target_units(user: Any) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(
        scope_q(user, Module.SALES, owner_field=None, unit_field="")
    ).order_by("path")


def target_subject(user: Any, *, rep_id: Any = None, unit_id: Any = None) -> dict[str, Any]:
    """The rep or unit a new target is for; one outside the user's sales scope is a 404,
    like any record out of scope."""
    if rep_id not in (None, ""):
        return {"rep": get_in_scope(target_reps(user), rep_id)}
    if unit_id not in (None, ""):
        return {"org_unit": get_in_scope(target_units(user), unit_id)}
    return {}


# --- won amounts and achievement -----------------------------------------------------------


@dataclass
class WonRows:
    """Won amounts grouped by (owner, unit path, month closed): the input of every sum."""

    rows: list[tuple[int, str, date, Decimal]]

    def _sum(self, keep: Any, start: date | None, end: date | None) -> Decimal:
        return sum(
            (
                a
                for o, p, m, a in self.rows
                if keep(o, p) and (start is None or m >= start) and (end is None or m < end)
            ),
            Decimal(0),
        )

    def of_rep(self, rep_id: int, start: date | None = None, end: date | None = None) -> Decimal:
        return self._sum(lambda o, _p: o == rep_id, start, end)

    def of_unit(self, path: str, start: date | None = None, end: date | None = None) -> Decimal:
        return self._sum(lambda _o, p: p.startswith(path), start, end)

    def total(self) -> Decimal:
        return self._sum(lambda _o, _p: True, None, None)

    def owners(self) -> set[int]:
        return {o for o, _p, _m, _a in self.rows}


def won_rows(user: Any, start: date, end: date) -> WonRows:
    """One grouped query: won amount per owner, unit and month, closed_on in [start, end).
    Periods start on the first of a month, so a period is a set of whole months."""
    from django.db.models.functions import TruncMonth

    from .models import OpportunityStatus
    from .selectors import opportunities_for_user

    qs = (
        opportunities_for_user(user)
        .filter(status=OpportunityStatus.WON, closed_on__gte=start, closed_on__lt=end)
        .order_by()
        .annotate(month=TruncMonth("closed_on"))
        .values("owner_id", "org_unit__path", "month")
        .annotate(total=Sum("amount"))
    )
    return WonRows(
        [
            (r["owner_id"], r["org_unit__path"], _as_date(r["month"]), r["total"] or Decimal(0))
            for r in qs
        ]
    )


def _as_date(value: Any) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def percent(actual: Decimal, target: Decimal | None) -> float | None:
    if not target:
        return None
    return round(float(actual * 100 / target), 1)


@dataclass
class Achievement:
    target: Target
    actual: Decimal

    @property
    def percent(self) -> float | None:
        return percent(self.actual, self.target.amount)


def achievements(targets: list[Target], won: WonRows) -> list[Achievement]:
    """Each target with its won amount; `won` must cover every target's period."""
    from .target_periods import period_at

    out = []
    for t in targets:
        p = period_at(t.period_kind, t.period_start)
        if t.rep_id:
            actual = won.of_rep(t.rep_id, p.start, p.end)
        else:
            actual = won.of_unit(t.org_unit.path, p.start, p.end)
        out.append(Achievement(target=t, actual=actual))
    return out


def won_for_targets(user: Any, targets: list[Target]) -> WonRows:
    """The won rows covering the periods of `targets` (one query; none without targets)."""
    from .target_periods import period_at

    if not targets:
        return WonRows([])
    periods = [period_at(t.period_kind, t.period_start) for t in targets]
    return won_rows(user, min(p.start for p in periods), max(p.end for p in periods))


@dataclass
class TreeRow:
    """One row of the roll-up: a unit (rep None) or a rep under their unit."""

    depth: int
    unit: OrgUnit
    rep: User | None
    target: Target | None
    # A unit without a target of its own: the sum of the rep targets set below it.
    rolled_up_target: Decimal
    actual: Decimal
    children: list["TreeRow"] = field(default_factory=list)

    @property
    def goal(self) -> Decimal | None:
        if self.target is not None:
            return self.target.amount
        return self.rolled_up_target or None

    @property
    def percent(self) -> float | None:
        return percent(self.actual, self.goal)


def achievement_tree(user: Any, period: Period) -> list[TreeRow]:
    """The units of the user's sales scope in tree order, each with its target (its own, or
    the sum of the rep targets below it) and won amount (its whole subtree), and under each
    unit one row per rep who has a target or won something. A fixed number of queries."""
    units = list(target_units(user))
    targets = list(targets_for_user(user, period=period))
    won = won_rows(user, period.start, period.end)
    unit_targets = {t.org_unit_id: t for t in targets if t.rep_id is None}
    rep_targets = {t.rep_id: t for t in targets if t.rep_id is not None}
    rep_ids = set(rep_targets) | won.owners()
    reps = list(target_reps(user).filter(pk__in=rep_ids)) if rep_ids else []
    reps_by_unit: dict[int, list[User]] = defaultdict(list)
    for r in reps:
        if r.unit_id is not None:
            reps_by_unit[r.unit_id].append(r)
    base = min((u.depth for u in units), default=0)
    out: list[TreeRow] = []
    for u in units:
        below = sum(
            (t.amount for t in rep_targets.values() if t.org_unit.path.startswith(u.path)),
            Decimal(0),
        )
        out.append(
            TreeRow(
                depth=u.depth - base,
                unit=u,
                rep=None,
                target=unit_targets.get(u.pk),
                rolled_up_target=below,
                actual=won.of_unit(u.path),
            )
        )
        for r in reps_by_unit.get(u.pk, []):
            t = rep_targets.get(r.pk)
            out.append(
                TreeRow(
                    depth=u.depth - base + 1,
                    unit=u,
                    rep=r,
                    target=t,
                    rolled_up_target=Decimal(0),
                    actual=won.of_rep(r.pk),
                )
            )
    return out


def my_target(user: Any, periods: list[Period]) -> tuple[Target | None, Period]:
    """The user's own target for the first of `periods` that has one (a rep: their target;
    a manager: their unit's). One query."""
    candidates = Target.objects.filter(
        period_start__in=[p.start for p in periods], period_kind__in=[p.kind for p in periods]
    ).select_related("org_unit")
    if is_manager_scope(user) and user.unit_id:
        candidates = candidates.filter(rep__isnull=True, org_unit_id=user.unit_id)
    else:
        candidates = candidates.filter(rep_id=user.pk)
    found = {(t.period_kind, t.period_start): t for t in candidates}
    for p in periods:
        t = found.get((p.kind, p.start))
        if t is not None:
            return t, p
    return None, periods[0]


def is_manager_scope(user: Any) -> bool:
    scope = get_access(user).scope(Module.SALES)
    return scope is not None and scope != Scope.OWN


# --- pipeline ----------------------------------------------------------------------------


@dataclass
class StageRow:
    name: str
    count: int
    amount: Decimal


def pipeline_by_stage(user: Any) -> list[StageRow]:
    """Open opportunities the user may see, by stage name (stages of several business units
    with the same name are one row), in stage order. One grouped query."""
    from .models import OpportunityStatus
    from .selectors import opportunities_for_user

    rows = (
        opportunities_for_user(user)
        .filter(status=OpportunityStatus.OPEN)
        .order_by()
        .values("stage__name")
        .annotate(n=Count("id"), total=Sum("amount"), first=Min("stage__order"))
        .order_by("first", "stage__name")
    )
    return [StageRow(r["stage__name"], r["n"], r["total"] or Decimal(0)) for r in rows]


def open_pipeline_by_owner(user: Any) -> dict[int, tuple[int, Decimal]]:
    """Open opportunities per owner: (count, amount). One grouped query."""
    from .models import OpportunityStatus
    from .selectors import opportunities_for_user

    rows = (
        opportunities_for_user(user)
        .filter(status=OpportunityStatus.OPEN)
        .order_by()
        .values("owner_id")
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    return {r["owner_id"]: (r["n"], r["total"] or Decimal(0)) for r in rows}
