"""Which rule applies, and what it pays: pure functions over a few rows.

A rule matches a group of paid amounts when each criterion it sets equals the group's: one of
the rep's roles, the product series, the customer's rating, the business unit (the nearest
ancestor unit of kind "company" of the invoice's unit). More criteria set = more specific;
ties go to the latest `valid_from`, then the newest rule: the precedence
crm.products.pricing uses for price lists.

Tiers are marginal brackets: with 0 → 1 % and 100,000 → 2 %, a basis of 150,000 earns
1,000 + 1,000.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from crm.core.fields import quantize

HUNDRED = Decimal(100)
ZERO = Decimal(0)


@dataclass(frozen=True)
class RuleSpec:
    """What matching needs of a rule (read once per recompute)."""

    pk: int
    kind: str
    rate: Decimal
    valid_from: date
    role_id: int | None = None
    series_id: int | None = None
    rating_id: int | None = None
    business_unit_id: int | None = None
    # (lower, rate) ascending; tiered rules only
    tiers: tuple[tuple[Decimal, Decimal], ...] = ()

    @property
    def specificity(self) -> int:
        return sum(
            v is not None
            for v in (self.role_id, self.series_id, self.rating_id, self.business_unit_id)
        )


@dataclass(frozen=True)
class Group:
    role_ids: frozenset[int]
    series_id: int | None
    rating_id: int | None
    business_unit_id: int | None


def matches(rule: RuleSpec, group: Group) -> bool:
    return (
        (rule.role_id is None or rule.role_id in group.role_ids)
        and (rule.series_id is None or rule.series_id == group.series_id)
        and (rule.rating_id is None or rule.rating_id == group.rating_id)
        and (rule.business_unit_id is None or rule.business_unit_id == group.business_unit_id)
    )


def best_rule(rules: Iterable[RuleSpec], group: Group) -> RuleSpec | None:
    """The most specific matching rule; ties → latest valid_from, then the newest (highest
    id)."""
    found = [r for r in rules if matches(r, group)]
    if not found:
        return None
    return max(found, key=lambda r: (r.specificity, r.valid_from, r.pk))


def rate_commission(basis: Decimal, rate: Decimal, places: int) -> Decimal:
    return quantize(basis * rate / HUNDRED, places)


@dataclass(frozen=True)
class Bracket:
    lower: Decimal
    upper: Decimal | None  # None: open
    rate: Decimal
    amount: Decimal  # the part of the basis in this bracket
    commission: Decimal

    def as_json(self) -> dict[str, str | None]:
        return {
            "lower": str(self.lower),
            "upper": None if self.upper is None else str(self.upper),
            "rate": str(self.rate),
            "amount": str(self.amount),
            "commission": str(self.commission),
        }


def tiered_commission(
    basis: Decimal, tiers: Sequence[tuple[Decimal, Decimal]], places: int
) -> tuple[Decimal, list[Bracket]]:
    """Marginal brackets over `basis`; each bracket's commission is rounded, the total is
    their sum. Brackets the basis does not reach are left out."""
    out: list[Bracket] = []
    ordered = sorted(tiers)
    for i, (lower, rate) in enumerate(ordered):
        upper = ordered[i + 1][0] if i + 1 < len(ordered) else None
        if basis <= lower:
            break
        top = basis if upper is None else min(basis, upper)
        amount = top - lower
        out.append(Bracket(lower, upper, rate, amount, rate_commission(amount, rate, places)))
    return sum((b.commission for b in out), ZERO), out


def apportion(total: Decimal, weights: Sequence[Decimal], places: int) -> list[Decimal]:
    """Split `total` (already rounded to `places`) over `weights` in proportion, each share
    rounded, the shares summing exactly to `total` (largest remainder; ties to the earlier).
    All-zero weights: the whole to the first."""
    if not weights:
        return []
    unit = Decimal(1).scaleb(-places)
    whole = sum(weights, ZERO)
    if whole == 0:
        return [total] + [ZERO] * (len(weights) - 1)
    raw = [total * w / whole for w in weights]
    shares = [quantize(r, places + 12).quantize(unit, rounding="ROUND_FLOOR") for r in raw]
    left = int((total - sum(shares, ZERO)) / unit)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - shares[i]), i))
    for i in order[: max(0, left)]:
        shares[i] += unit
    return shares
