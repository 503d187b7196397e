"""Computing a month's commissions from PAID amounts, and closing a month.

The basis of a month is what payments received in it allocated to invoices, taken ex-tax
(allocation × invoice net / invoice gross) and split over the invoice's order lines' product
series in proportion to the lines' net amounts. The rep is the invoice's owner; the rating is
the customer's when computed. One SQL aggregate groups it by (rep, unit, series, rating); the
few groups are then matched to rules in Python and paid in Decimal.

Returns (credit notes) reduce the basis of the month they are issued in: a return's ex-tax
value (returned quantity × the order line's net unit value) times the share of its order that
had been paid (ex-tax) by the end of that month, capped at 1 — the part the rep was already
paid commission on (or is paid in that month). The unpaid part needs no deduction: the customer
pays that much less. Grouped the same way (the order's owner and unit, the line's series, the
customer's rating), a deduction can make a line's basis and commission negative (a claw-back).

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

from django.db import IntegrityError, connection, transaction
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
    allocation × invoice net / invoice gross × line net / order net.

    SQLite has no exact decimal arithmetic: it stores whole amounts as integers and divides
    them as integers (100 × 300 × 300 / (339 × 300) gives 88, not 88.4955…), the others as
    floats. There the same rows are read and summed in Decimal here instead (SQLite is the
    trial database; PostgreSQL does it in one exact aggregate)."""
    from crm.orders.models_receivables import PaymentAllocation

    start, end = month_bounds(period)
    paid = PaymentAllocation.objects.filter(
        payment__received_on__gte=start,
        payment__received_on__lt=end,
        payment__is_deleted=False,
        invoice__is_deleted=False,
    )
    keys = {
        "rep_id": F("invoice__owner_id"),
        "unit_id": F("invoice__org_unit_id"),
        "series_id": F("invoice__order__lines__product__series_id"),
        "rating_id": F("invoice__customer__rating_id"),
    }
    order = ("rep_id", "unit_id", "series_id", "rating_id")
    if connection.vendor == "sqlite":
        sums: dict[tuple[Any, ...], Decimal | None] = {}
        flat = paid.annotate(**keys).order_by(*order, "id")
        for *key, a, n, g, ln, on in flat.values_list(
            *order,
            "amount",
            "invoice__net_amount",
            "invoice__gross_amount",
            "invoice__order__lines__net_amount",
            "invoice__order__net_total",
        ):
            part = a * n * ln / (g * on) if g and on and ln is not None else None
            if part is not None:
                sums[tuple(key)] = (sums.get(tuple(key)) or Decimal(0)) + part
            else:
                sums.setdefault(tuple(key), None)
        return [dict(zip(order, key, strict=True), raw=raw) for key, raw in sums.items()]
    money = DecimalField(max_digits=38, decimal_places=EXACT)
    share = ExpressionWrapper(
        F("amount")
        * F("invoice__net_amount")
        * F("invoice__order__lines__net_amount")
        / (NullIf(F("invoice__gross_amount"), 0) * NullIf(F("invoice__order__net_total"), 0)),
        output_field=money,
    )
    rows: Any = paid.values(**keys).annotate(raw=Sum(share)).order_by(*order)
    return list(rows)


def returned_groups(period: str) -> list[dict[str, Any]]:
    """The month's returns as negative ex-tax amounts by (rep, unit, series, rating), each
    scaled by the share of its order paid by the month's end.

    Two queries (the month's return lines; the allocations to those orders' invoices); the
    divisions are done in Decimal here, not in SQL, where SQLite would divide integers."""
    from crm.orders.models_receivables import PaymentAllocation
    from crm.orders.models_shipping import ReturnLine, SalesReturn

    start, end = month_bounds(period)
    returns = SalesReturn.objects.filter(
        returned_on__gte=start, returned_on__lt=end, is_deleted=False
    )
    lines = list(
        ReturnLine.objects.filter(sales_return__in=returns)
        .order_by("sales_return_id", "id")
        .values_list(
            "sales_return__order_id",
            "sales_return__order__net_total",
            "sales_return__order__owner_id",
            "sales_return__order__org_unit_id",
            "order_line__product__series_id",
            "sales_return__customer__rating_id",
            "order_line__net_amount",
            "order_line__quantity",
            "quantity",
        )
    )
    if not lines:
        return []
    paid: dict[int, Decimal] = defaultdict(Decimal)
    for order_id, amount, net, gross in PaymentAllocation.objects.filter(
        invoice__order_id__in=returns.values("order_id"),
        payment__received_on__lt=end,
        payment__is_deleted=False,
        invoice__is_deleted=False,
    ).values_list("invoice__order_id", "amount", "invoice__net_amount", "invoice__gross_amount"):
        if gross:
            paid[order_id] += amount * net / gross
    out = []
    for order_id, order_net, rep, unit, series, rating, net, qty, returned in lines:
        if not order_net or not qty or paid[order_id] <= 0:
            continue
        share = min(Decimal(1), paid[order_id] / order_net)
        out.append(
            {
                "rep_id": rep,
                "unit_id": unit,
                "series_id": series,
                "rating_id": rating,
                "raw": -(net * returned / qty) * share,
            }
        )
    return out


def commission_groups(period: str) -> list[dict[str, Any]]:
    """The month's paid groups less its returns' paid share, merged by group key (the paid
    groups' order first, then groups only returns have)."""
    merged: dict[tuple[Any, ...], Decimal] = {}
    for g in [*paid_groups(period), *returned_groups(period)]:
        if g["raw"] is None:
            continue
        key = (g["rep_id"], g["unit_id"], g["series_id"], g["rating_id"])
        merged[key] = merged.get(key, Decimal(0)) + Decimal(str(g["raw"]))
    return [
        {"rep_id": k[0], "unit_id": k[1], "series_id": k[2], "rating_id": k[3], "raw": raw}
        for k, raw in merged.items()
    ]


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
    groups = commission_groups(period)
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
        basis = sum((m.basis for m in members), Decimal(0))
        amount, brackets = R.tiered_commission(basis, spec.tiers, places)
        if basis < 0 and spec.tiers:  # returns exceed the month's payments: claw back
            amount = R.rate_commission(basis, min(spec.tiers)[1], places)
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
