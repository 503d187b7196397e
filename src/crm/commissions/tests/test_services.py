"""Computing commissions from paid amounts: ex-tax, split by series, the most specific rule,
tiers over the rep's basis, idempotent recompute, closed months, rule writes."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from crm.commissions import services, services_compute
from crm.commissions.errors import PeriodClosed
from crm.commissions.models import CommissionLine, CommissionRule, CommissionStatement
from crm.core.errors import StaleVersion, ValidationFailed
from crm.core.models import AuditEntry
from crm.org.models import Role

pytestmark = pytest.mark.usefixtures("demo_once")
SEPT = date(2026, 9, 15)


def _lines(period: str = "2026-09") -> list[tuple[Any, ...]]:
    return list(
        CommissionLine.objects.filter(statement__period__period=period)
        .order_by("statement__rep_id", "series_id", "rating_id", "org_unit_id")
        .values_list(
            "statement__rep_id",
            "series_id",
            "rating_id",
            "org_unit_id",
            "rule_id",
            "basis",
            "rate",
            "tier_detail",
            "commission",
        )
    )


def _sell(paid: Any, rep: Any, customer: Any, products: Any, **kw: Any) -> Any:
    a, b = products
    return paid(rep=rep, customer=customer, lines=[(a, "10", "100"), (b, "30", "100")], **kw)


def test_rate_rule_on_paid_ex_tax_amounts_split_by_series(
    paid: Any, rep_west: Any, west_customer: Any, products: Any, finance: Any
) -> None:
    # given an invoice of 4,000 net / 4,520 gross, half paid in September, and a payment
    # in October
    _sell(paid, rep_west, west_customer, products, received_on=SEPT, pay="2260")
    _sell(paid, rep_west, west_customer, products, received_on=date(2026, 10, 2))
    # when
    services_compute.period_recompute(period="2026-09", actor=finance)
    # then: 2,000 ex tax, 500 / 1,500 by series, at the seeded sales_rep 1 %
    st = CommissionStatement.objects.get(period__period="2026-09", rep=rep_west)
    assert (st.basis, st.commission) == (Decimal("2000.00"), Decimal("20.00"))
    by_series = {line.series_id: line for line in st.lines.all()}
    a, b = products
    assert by_series[a.series_id].basis == Decimal("500.00")
    assert by_series[b.series_id].commission == Decimal("15.00")
    assert str(by_series[a.series_id].rule) == "销售人员提成"


def test_most_specific_rule_wins_and_rating_matches(
    paid: Any,
    rep_west: Any,
    west_customer: Any,
    products: Any,
    finance: Any,
    admin: Any,
    rating_a: Any,
) -> None:
    a, b = products
    type(west_customer).objects.filter(pk=west_customer.pk).update(rating=rating_a)
    rep_role = Role.objects.get(code="sales_rep")
    services.rule_create(
        actor=admin,
        name="润滑脂",
        role=rep_role,
        series=b.series,
        kind="rate",
        rate=Decimal(3),
        valid_from=date(2026, 1, 1),
    )
    services.rule_create(
        actor=admin,
        name="A类润滑油",
        role=rep_role,
        series=a.series,
        rating=rating_a,
        rate=Decimal(5),
        valid_from=date(2026, 1, 1),
    )
    _sell(paid, rep_west, west_customer, products, received_on=SEPT, tax_rate="0")
    services_compute.period_recompute(period="2026-09", actor=finance)
    st = CommissionStatement.objects.get(period__period="2026-09", rep=rep_west)
    got = {str(line.rule): (line.basis, line.commission) for line in st.lines.all()}
    assert got == {
        "A类润滑油": (Decimal("1000.00"), Decimal("50.00")),
        "润滑脂": (Decimal("3000.00"), Decimal("90.00")),
    }


def test_tiered_rule_brackets_over_the_reps_basis(
    paid: Any, rep_west: Any, west_customer: Any, products: Any, finance: Any, admin: Any
) -> None:
    services.rule_create(
        actor=admin,
        name="阶梯",
        role=Role.objects.get(code="sales_rep"),
        kind="tiered",
        tiers=[(Decimal(0), Decimal(1)), (Decimal(1000), Decimal(2))],
        valid_from=date(2026, 9, 1),
    )
    _sell(paid, rep_west, west_customer, products, received_on=SEPT, tax_rate="0", pay="2000")
    services_compute.period_recompute(period="2026-09", actor=finance)
    st = CommissionStatement.objects.get(period__period="2026-09", rep=rep_west)
    # 1,000 at 1 % + 1,000 at 2 % = 30, shared 500 : 1,500
    assert st.commission == Decimal("30.00")
    assert sorted(line.commission for line in st.lines.all()) == [Decimal("7.50"), Decimal("22.50")]
    detail = st.lines.first().tier_detail  # type: ignore[union-attr]
    assert [b["commission"] for b in detail] == ["10.00", "20.00"]


def test_recompute_is_idempotent_and_follows_rule_changes(
    paid: Any,
    rep_west: Any,
    rep_east: Any,
    west_customer: Any,
    east_customer: Any,
    products: Any,
    finance: Any,
    admin: Any,
) -> None:
    _sell(paid, rep_west, west_customer, products, received_on=SEPT)
    _sell(paid, rep_east, east_customer, products, received_on=date(2026, 9, 30), pay="100")
    services_compute.period_recompute(period="2026-09", actor=finance)
    first = _lines()
    services_compute.period_recompute(period="2026-09", actor=finance)
    assert _lines() == first and len(first) == 4
    rule = CommissionRule.objects.get(name="销售人员提成")
    services.rule_update(rule=rule, version=rule.version, actor=admin, rate=Decimal(2))
    services_compute.period_recompute(period="2026-09", actor=finance)
    assert [r[-1] for r in _lines()] == [(r[5] * 2 / 100).quantize(Decimal("0.01")) for r in first]


def test_closed_month_refuses_recompute(
    paid: Any, rep_west: Any, west_customer: Any, products: Any, finance: Any
) -> None:
    _sell(paid, rep_west, west_customer, products, received_on=SEPT)
    row = services_compute.period_recompute(period="2026-09", actor=finance)
    services_compute.period_close(period=row, actor=finance)
    before = _lines()
    with pytest.raises(PeriodClosed):
        services_compute.period_recompute(period="2026-09", actor=finance)
    with pytest.raises(PeriodClosed):
        services_compute.period_close(period=row, actor=finance)
    assert _lines() == before
    with pytest.raises(ValidationFailed):
        services_compute.period_recompute(period="2026-13", actor=finance)


def test_empty_month_has_no_statements(finance: Any) -> None:
    row = services_compute.period_recompute(period="2020-02", actor=finance)
    assert row.computed_at is not None and not row.statements.exists()


def test_rule_writes_are_checked_versioned_and_audited(admin: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.rule_create(
            actor=admin,
            name="坏",
            kind="tiered",
            tiers=[(Decimal(5), Decimal(1))],
            valid_from=date(2026, 1, 1),
        )
    assert "tiers" in exc.value.fields
    with pytest.raises(ValidationFailed):
        services.rule_create(
            actor=admin,
            name="坏",
            rate=Decimal(1),
            valid_from=date(2026, 2, 1),
            valid_to=date(2026, 1, 1),
        )
    rule = services.rule_create(
        actor=admin,
        name="新",
        kind="tiered",
        valid_from=date(2026, 1, 1),
        tiers=[(Decimal(0), Decimal(1))],
    )
    rule = services.rule_update(
        rule=rule,
        version=rule.version,
        actor=admin,
        tiers=[(Decimal(0), Decimal(1)), (Decimal(500), Decimal(2))],
    )
    assert services.tiers_text(services.rule_tiers(rule)) == "0:1, 500:2"
    with pytest.raises(StaleVersion):
        services.rule_update(rule=rule, version=1, actor=admin, name="旧")
    services.rule_delete(rule=rule, actor=admin)
    assert not CommissionRule.objects.filter(pk=rule.pk).exists()
    assert AuditEntry.objects.filter(object_id=str(rule.pk)).count() >= 3
    assert services.parse_tiers("0:1，100000：2%") == [
        (Decimal(0), Decimal(1)),
        (Decimal(100000), Decimal(2)),
    ]
