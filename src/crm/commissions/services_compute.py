"""Computing a month's commissions from PAID amounts, and closing a month.

The basis of a month is what payments received in it allocated to invoices, taken ex-tax
(allocation × invoice net / invoice gross) and split over the invoice's order lines' product
series in proportion to the lines' net amounts. The rep is the invoice's owner; the rating is
the customer's when computed. One SQL aggregate groups it by (rep, unit, series, rating); the
few groups are then matched to rules in Python and paid in Decimal.

Rounding (documented in docs/commissions.md): the groups' exact sums are taken to 12 places;
the month's total basis is their sum rounded to the amount places, and the lines' bases are
that total apportioned over the groups (largest remainder), so they add up to it exactly.
A rate line's commission is basis × rate, rounded; a tiered rule's commission is the sum of
its rounded brackets over the rep's basis under the rule, apportioned over the rule's lines
the same way.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.audit import audit_log
from crm.core.fields import quantize
from crm.core.models import AuditAction

from . import rules as R
from .errors import PeriodClosed
from .models import CommissionLine, CommissionPeriod, CommissionRule, CommissionStatement, RuleKind
from .periods import month_bounds

EXACT = 12  # places kept of a group's exact sum before apportioning


def amount_places() -> int:
    from crm.org.selectors import parameter_get

    return int(parameter_get("amount_decimal_places"))


def paid_groups(period: str) -> list[dict[str, Any]]:
    """The month's paid ex-tax amounts by (rep, unit, series, rating): one aggregate query.

    Each allocation is joined to its invoice's order lines; a line contributes
    allocation × invoice net / invoice gross × line net / order net."""
    from crm.orders.models_receivables import PaymentAllocation

    start, end = month_bounds(period)
    money = DecimalField(max_digits=38, decimal_places=EXACT)
    share = ExpressionWrapper(
        F("amount")
        * F("invoice__net_amount")
        * F("invoice__order__lines__net_amount")
        / (NullIf(F("invoice__gross_amount"), 0) * NullIf(F("invoice__order__net_total"), 0)),
        output_field=money,
    )
    rows: Any = (
        PaymentAllocation.objects.filter(
            payment__received_on__gte=start,
            payment__received_on__lt=end,
            payment__is_deleted=False,
            invoice__is_deleted=False,
        )
        .values(
            rep_id=F("invoice__owner_id"),
            unit_id=F("invoice__org_unit_id"),
            series_id=F("invoice__order__lines__product__series_id"),
            rating_id=F("invoice__customer__rating_id"),
        )
        .annotate(raw=Sum(share))
        .order_by("rep_id", "unit_id", "series_id", "rating_id")
    )
    return list(rows)


def _rules_for(period: str) -> list[R.RuleSpec]:
    """Active rules whose validity overlaps the month, with their tiers (two queries)."""
    start, end = month_bounds(period)
    rows = list(
        CommissionRule.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=start),
            active=True,
            valid_from__lt=end,
        ).prefetch_related("tiers")
    )
    return [
        R.RuleSpec(
            pk=r.pk,
            kind=r.kind,
            rate=r.rate,
            valid_from=r.valid_from,
            role_id=r.role_id,
            series_id=r.series_id,
            rating_id=r.rating_id,
            business_unit_id=r.business_unit_id,
            tiers=tuple((t.lower, t.rate) for t in r.tiers.all()),
        )
        for r in rows
    ]


def _context(
    groups: list[dict[str, Any]],
) -> tuple[dict[int, frozenset[int]], dict[int, int | None]]:
    """The reps' roles and each invoice unit's business unit (three queries)."""
    from crm.org.models import OrgUnit, UnitKind, User

    reps = {g["rep_id"] for g in groups}
    roles: dict[int, set[int]] = defaultdict(set)
    for user_id, role_id in User.roles.through.objects.filter(
        user_id__in=reps, role__is_deleted=False
    ).values_list("user_id", "role_id"):
        roles[user_id].add(role_id)
    units = {g["unit_id"] for g in groups}
    paths = dict(OrgUnit.all_objects.filter(pk__in=units).values_list("pk", "path"))
    ancestors = {int(p) for path in paths.values() for p in path.strip("/").split("/") if p}
    companies = dict(
        OrgUnit.all_objects.filter(pk__in=ancestors | units, kind=UnitKind.COMPANY).values_list(
            "pk", "depth"
        )
    )
    business: dict[int, int | None] = {}
    for unit_id, path in paths.items():
        chain = [int(p) for p in path.strip("/").split("/") if p] or [unit_id]
        business[unit_id] = next((u for u in reversed(chain) if u in companies), None)
    return {k: frozenset(v) for k, v in roles.items()}, business


@dataclass
class _Line:
    rep_id: int
    unit_id: int
    series_id: int | None
    rating_id: int | None
    basis: Decimal
    rule: R.RuleSpec | None
    rate: Decimal | None = None
    tier_detail: list[dict[str, Any]] = field(default_factory=list)
    commission: Decimal = Decimal(0)


def compute(period: str) -> list[_Line]:
    """The month's lines, not stored: bases apportioned, rules matched, commissions paid."""
    places = amount_places()
    groups = [g for g in paid_groups(period) if g["raw"] is not None]
    if not groups:
        return []
    raws = [quantize(Decimal(str(g["raw"])), EXACT) for g in groups]
    total = quantize(sum(raws, Decimal(0)), places)
    bases = R.apportion(total, raws, places)
    roles, business = _context(groups)
    specs = _rules_for(period)
    lines = []
    for g, basis in zip(groups, bases, strict=True):
        group = R.Group(
            role_ids=roles.get(g["rep_id"], frozenset()),
            series_id=g["series_id"],
            rating_id=g["rating_id"],
            business_unit_id=business.get(g["unit_id"]),
        )
        rule = R.best_rule(specs, group)
        line = _Line(g["rep_id"], g["unit_id"], g["series_id"], g["rating_id"], basis, rule)
        if rule is not None and rule.kind == RuleKind.RATE:
            line.rate = rule.rate
            line.commission = R.rate_commission(basis, rule.rate, places)
        lines.append(line)
    # Tiered rules: brackets over each rep's basis under the rule, shared by its lines.
    tiered: dict[tuple[int, int], list[_Line]] = defaultdict(list)
    for line in lines:
        if line.rule is not None and line.rule.kind == RuleKind.TIERED:
            tiered[(line.rep_id, line.rule.pk)].append(line)
    for (_rep, _rule), members in tiered.items():
        spec = members[0].rule
        assert spec is not None
        amount, brackets = R.tiered_commission(
            sum((m.basis for m in members), Decimal(0)), spec.tiers, places
        )
        detail = [b.as_json() for b in brackets]
        shares = R.apportion(amount, [m.basis for m in members], places)
        for m, share in zip(members, shares, strict=True):
            m.commission, m.tier_detail = share, detail
    return lines


def _lock(period: str) -> CommissionPeriod:
    """The period's row, created if missing, locked for this transaction: a second
    recompute or a close of the same month waits here (PostgreSQL; SQLite has one writer)."""
    row = CommissionPeriod.objects.select_for_update().filter(period=period).first()
    if row is None:
        try:
            with transaction.atomic():
                CommissionPeriod.objects.create(period=period)
        except IntegrityError:
            pass  # created by a concurrent call meanwhile
        row = CommissionPeriod.objects.select_for_update().get(period=period)
    return row


@transaction.atomic
def period_recompute(*, period: str, actor: Any) -> CommissionPeriod:
    """Replace the month's statements with freshly computed ones. Idempotent: the same
    payments and rules give the same rows. Refused once the month is closed."""
    month_bounds(period)
    row = _lock(period)
    if row.is_closed:
        raise PeriodClosed()
    CommissionLine.objects.filter(statement__period=row).delete()
    CommissionStatement.objects.filter(period=row).delete()
    lines = compute(period)
    rep_units = _rep_units({line.rep_id for line in lines})
    by_rep: dict[int, list[_Line]] = defaultdict(list)
    for line in lines:
        by_rep[line.rep_id].append(line)
    statements = CommissionStatement.objects.bulk_create(
        [
            CommissionStatement(
                period=row,
                rep_id=rep,
                org_unit_id=rep_units.get(rep) or members[0].unit_id,
                basis=sum((m.basis for m in members), Decimal(0)),
                commission=sum((m.commission for m in members), Decimal(0)),
            )
            for rep, members in sorted(by_rep.items())
        ]
    )
    ids = {s.rep_id: s.pk for s in statements}
    if any(pk is None for pk in ids.values()):  # a backend without RETURNING
        ids = dict(CommissionStatement.objects.filter(period=row).values_list("rep_id", "pk"))
    CommissionLine.objects.bulk_create(
        [
            CommissionLine(
                statement_id=ids[line.rep_id],
                rule_id=line.rule.pk if line.rule else None,
                series_id=line.series_id,
                rating_id=line.rating_id,
                org_unit_id=line.unit_id,
                basis=line.basis,
                rate=line.rate,
                tier_detail=line.tier_detail,
                commission=line.commission,
            )
            for rep in sorted(by_rep)
            for line in by_rep[rep]
        ],
        batch_size=1000,
    )
    row.computed_at = timezone.now()
    row.computed_by = actor
    row.save(update_fields=["computed_at", "computed_by"])
    audit_log(
        instance=row,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={
            "computed_at": {
                "label": str(_("Computed at")),
                "old": "",
                "new": _("%(lines)s lines") % {"lines": len(lines)},
            }
        },
    )
    return row


def _rep_units(reps: set[int]) -> dict[int, int | None]:
    from crm.org.models import User

    return dict(User.objects.filter(pk__in=reps).values_list("pk", "unit_id"))


@transaction.atomic
def period_close(*, period: CommissionPeriod, actor: Any) -> CommissionPeriod:
    """Finance closes a month: its statements are final (recompute is refused after)."""
    row = CommissionPeriod.objects.select_for_update().get(pk=period.pk)
    if row.is_closed:
        raise PeriodClosed()
    row.closed_at = timezone.now()
    row.closed_by = actor
    row.save(update_fields=["closed_at", "closed_by"])
    audit_log(
        instance=row,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={"closed_at": {"label": str(_("Closed at")), "old": "", "new": str(row.closed_at)}},
    )
    return row
