"""Rule precedence, marginal tiers and apportioning: pure functions, no database."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from crm.commissions import rules as R

D = Decimal


def spec(pk: int, **kw: object) -> R.RuleSpec:
    base: dict = {"kind": "rate", "rate": D(1), "valid_from": date(2026, 1, 1)}
    return R.RuleSpec(pk=pk, **{**base, **kw})


GROUP = R.Group(role_ids=frozenset({3}), series_id=7, rating_id=16, business_unit_id=5)


def test_most_specific_rule_wins() -> None:
    rules = [spec(1, role_id=3), spec(2, role_id=3, series_id=7), spec(3, series_id=8)]
    assert R.best_rule(rules, GROUP).pk == 2  # type: ignore[union-attr]


def test_ties_go_to_latest_start_then_newest() -> None:
    rules = [
        spec(1, role_id=3, valid_from=date(2026, 3, 1)),
        spec(2, series_id=7, valid_from=date(2026, 2, 1)),
        spec(3, rating_id=16, valid_from=date(2026, 3, 1)),
    ]
    assert R.best_rule(rules, GROUP).pk == 3  # type: ignore[union-attr]


def test_no_matching_rule() -> None:
    assert R.best_rule([spec(1, role_id=9), spec(2, business_unit_id=6)], GROUP) is None


def test_marginal_tiers() -> None:
    tiers = [(D(0), D(1)), (D(100000), D(2))]
    total, brackets = R.tiered_commission(D("150000"), tiers, 2)
    assert total == D("2000.00")
    assert [(b.amount, b.commission) for b in brackets] == [
        (D("100000"), D("1000.00")),
        (D("50000"), D("1000.00")),
    ]
    assert R.tiered_commission(D("80000"), tiers, 2)[0] == D("800.00")
    assert R.tiered_commission(D(0), tiers, 2) == (D(0), [])


def test_apportion_is_exact() -> None:
    assert R.apportion(D("1.00"), [D(1), D(1), D(1)], 2) == [D("0.34"), D("0.33"), D("0.33")]
    assert R.apportion(D("5.00"), [D(0), D(0)], 2) == [D("5.00"), D(0)]


@given(
    st.lists(st.decimals(min_value=0, max_value=10**6, places=6), min_size=1, max_size=20),
    st.integers(min_value=0, max_value=4),
)
def test_apportion_sums_to_total(weights: list[Decimal], places: int) -> None:
    from crm.core.fields import quantize

    total = quantize(sum(weights, D(0)), places)
    shares = R.apportion(total, weights, places)
    assert sum(shares, D(0)) == total
    assert all(s >= 0 for s in shares)
