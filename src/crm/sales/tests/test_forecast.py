"""The forecast (SAL-11): weighted amounts by period and group, split by forecast category,
one aggregate query whatever the number of opportunities, scoped to the reader."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from crm.core.errors import ValidationFailed
from crm.sales import selectors, services
from crm.sales.forecast import default_range, period_label

pytestmark = pytest.mark.usefixtures("demo_once")


@pytest.fixture
def spread(
    rep_east: Any,
    rep_east_2: Any,
    rep_west: Any,
    pipeline_east_customer: Any,
    pipeline_west_customer: Any,
    make_opportunity: Any,
    default_stages: Any,
) -> dict[str, Any]:
    start, _end = default_range()
    month2 = date(start.year + start.month // 12, start.month % 12 + 1, 5)
    s = default_stages
    make_opportunity(rep_east, pipeline_east_customer, amount=1000, expected_close=start)  # 10 %
    make_opportunity(
        rep_east, pipeline_east_customer, amount=2000, stage=s[2], expected_close=start
    )  # best case 40 %
    make_opportunity(
        rep_east_2, pipeline_east_customer, amount=3000, stage=s[4], expected_close=month2
    )  # commit 80 %
    won = make_opportunity(rep_east, pipeline_east_customer, amount=500, expected_close=start)
    services.opportunity_close(
        opportunity=won, won=True, reason="", version=won.version, actor=rep_east
    )
    lost = make_opportunity(rep_east, pipeline_east_customer, amount=9999, expected_close=start)
    services.opportunity_close(
        opportunity=lost, won=False, reason="价格", version=lost.version, actor=rep_east
    )
    make_opportunity(rep_west, pipeline_west_customer, amount=7000, expected_close=start)
    return {"start": start, "month2": month2}


def test_by_owner_and_month(leader: Any, rep_east: Any, rep_east_2: Any, spread: Any) -> None:
    f = selectors.forecast(leader, "month", "owner")
    by = {(r.period, r.group): r for r in f.rows}
    chen = by[(spread["start"], str(rep_east))]
    assert chen.pipeline == Decimal("100.00") and chen.best_case == Decimal("800.00")
    assert chen.commit == 0 and chen.closed == Decimal("500.00")
    assert chen.weighted == Decimal("900.00") and chen.count == 3  # the lost one is left out
    liu = by[(spread["month2"].replace(day=1), str(rep_east_2))]
    assert liu.commit == Decimal("2400.00")
    assert f.total.weighted == Decimal("900.00") + Decimal("2400.00") + Decimal("700.00")


def test_by_quarter_and_business_unit(leader: Any, spread: Any) -> None:
    f = selectors.forecast(leader, "quarter", "business_unit")
    groups = {r.group for r in f.rows}
    assert groups == {"华东化工有限公司", "西南能源有限公司"}
    assert all(r.period.month in (1, 4, 7, 10) and r.period.day == 1 for r in f.rows)
    assert period_label(date(2026, 4, 1), "quarter") == "2026 Q2"


def test_by_unit_and_filters(leader: Any, rep_east: Any, east_co: Any, spread: Any) -> None:
    f = selectors.forecast(leader, "month", "unit", business_unit=east_co)
    assert {r.group for r in f.rows} == {"上海销售一组"}
    mine = selectors.forecast(leader, "month", "owner", owner=rep_east.pk)
    assert {r.group for r in mine.rows} == {str(rep_east)}


def test_scope_of_the_reader(rep_west: Any, spread: Any) -> None:
    f = selectors.forecast(rep_west, "month", "owner")
    assert f.total.weighted == Decimal("700.00")


def test_one_aggregate_query_whatever_the_rows(
    leader: Any, spread: Any, django_assert_max_num_queries: Any
) -> None:
    selectors.forecast(leader, "month", "owner")  # warm the access cache
    with django_assert_max_num_queries(2):
        selectors.forecast(leader, "month", "owner")
    with django_assert_max_num_queries(2):
        selectors.forecast(leader, "month", "business_unit")


def test_bad_arguments(leader: Any, spread: Any) -> None:
    with pytest.raises(ValidationFailed):
        selectors.forecast(leader, "week", "owner")
    with pytest.raises(ValidationFailed):
        selectors.forecast(leader, "month", "colour")
    empty = selectors.forecast(
        leader, "month", "owner", start=date(2026, 5, 1), end=date(2026, 1, 1)
    )
    assert empty.rows == []
