"""Sales targets: periods, who may set them, achievement and the roll-up over the org tree."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from crm.core.errors import Forbidden, NotFound, StaleVersion, ValidationFailed
from crm.org.models import OrgUnit
from crm.sales import selectors_targets as tsel
from crm.sales import services_targets as services
from crm.sales.models_activities import Target
from crm.sales.target_periods import is_period_start, parse_period, period_at, period_of

from .fixtures_activities import *  # noqa: F403

pytestmark = pytest.mark.usefixtures("demo_once")


@pytest.mark.parametrize(
    ("kind", "day", "fiscal", "start", "end"),
    [
        ("month", date(2026, 2, 17), 1, date(2026, 2, 1), date(2026, 3, 1)),
        ("quarter", date(2026, 5, 31), 1, date(2026, 4, 1), date(2026, 7, 1)),
        ("year", date(2026, 12, 31), 1, date(2026, 1, 1), date(2027, 1, 1)),
        ("quarter", date(2026, 3, 5), 4, date(2026, 1, 1), date(2026, 4, 1)),
        ("year", date(2026, 3, 5), 4, date(2025, 4, 1), date(2026, 4, 1)),
    ],
)
def test_periods_follow_the_fiscal_year(kind, day, fiscal, start, end):
    p = period_of(kind, day, fiscal)

    assert (p.start, p.end) == (start, end)
    assert is_period_start(kind, start, fiscal)
    assert is_period_start(kind, day, fiscal) == (day == start)
    assert p.next().start == end and p.previous().end == start


def test_period_labels_and_bad_query_values():
    with translation.override("en"):
        assert period_of("quarter", date(2026, 5, 1), 4).label == "2026 Q1"  # fiscal Q1
        assert period_of("quarter", date(2026, 2, 1), 4).label == "2025 Q4"
    with translation.override("zh-hans"):
        assert period_of("year", date(2026, 2, 1), 1).label == "2026年度"
    p = parse_period("bogus", "not-a-date", date(2026, 2, 9), 1)
    assert (p.kind, p.start) == ("month", date(2026, 2, 1))
    assert parse_period("year", "3000-01-01", date(2026, 2, 9), 1).start == date(2026, 1, 1)
    assert period_at("quarter", date(2026, 4, 1)).end == date(2026, 7, 1)


def test_create_moves_to_the_period_start_and_refuses_a_second(mgr_west, rep_west):
    t = services.target_create(
        actor=mgr_west,
        period_kind="quarter",
        period_start=date(2026, 5, 20),
        amount="300000",
        rep=rep_west,
    )

    assert t.period_start == date(2026, 4, 1) and t.org_unit == rep_west.unit
    with pytest.raises(ValidationFailed) as exc:
        services.target_create(
            actor=mgr_west,
            period_kind="quarter",
            period_start=date(2026, 4, 1),
            amount="1",
            rep=rep_west,
        )
    assert "rep" in exc.value.fields
    # the same period for the unit is another target
    services.target_create(
        actor=mgr_west,
        period_kind="quarter",
        period_start=date(2026, 4, 1),
        amount="900000",
        org_unit=rep_west.unit,
    )
    assert Target.objects.count() == 2


@pytest.mark.parametrize("amount", ["0", "-5", "NaN", "1e20"])
def test_amount_must_be_positive(mgr_west, rep_west, amount):
    with pytest.raises(ValidationFailed) as exc:
        services.target_create(
            actor=mgr_west,
            period_kind="month",
            period_start=date(2026, 5, 1),
            amount=amount,
            rep=rep_west,
        )
    assert "amount" in exc.value.fields


def test_update_is_version_checked(mgr_west, rep_west):
    t = services.target_create(
        actor=mgr_west,
        period_kind="month",
        period_start=date(2026, 5, 1),
        amount="100",
        rep=rep_west,
    )
    services.target_update(target=t, version=t.version, actor=mgr_west, amount="200")

    with pytest.raises(StaleVersion):
        services.target_update(target=t, version=t.version, actor=mgr_west, amount="300")
    assert Target.objects.get(pk=t.pk).amount == Decimal("200")


def test_who_may_set_targets(admin, leader, mgr_west, rep_west, agent, marketer):
    tsel.require_target_manager(admin)
    tsel.require_target_manager(mgr_west)
    for user in (leader, rep_west, agent):
        with pytest.raises(Forbidden):
            tsel.require_target_manager(user)
    assert tsel.target_subject(mgr_west, rep_id=rep_west.pk) == {"rep": rep_west}
    east = OrgUnit.objects.get(name="上海销售一组")
    with pytest.raises(NotFound):
        tsel.target_subject(mgr_west, unit_id=east.pk)


def test_targets_are_seen_in_scope(mgr_west, rep_west, rep_east, mgr_east, leader):
    t = services.target_create(
        actor=mgr_west,
        period_kind="month",
        period_start=date(2026, 5, 1),
        amount="100",
        rep=rep_west,
    )

    def sees(user):
        return tsel.targets_for_user(user).filter(pk=t.pk).exists()

    assert sees(rep_west) and sees(mgr_west) and sees(leader)
    assert not sees(rep_east) and not sees(mgr_east)


def test_achievement_of_rep_and_unit_targets(
    mgr_west, rep_west, west_customer, won, django_assert_max_num_queries
):
    month = period_of("month", timezone.localdate(), 1)
    won(rep_west, west_customer, "30000", month.start)
    won(mgr_west, west_customer, "50000", month.start)
    won(rep_west, west_customer, "99999", month.previous().start)  # another month
    rep_t = services.target_create(
        actor=mgr_west,
        period_kind="month",
        period_start=month.start,
        amount="60000",
        rep=rep_west,
    )
    unit_t = services.target_create(
        actor=mgr_west,
        period_kind="month",
        period_start=month.start,
        amount="100000",
        org_unit=mgr_west.unit,
    )
    targets = list(tsel.targets_for_user(mgr_west, period=month))

    # one grouped query (the opportunities' selector may look the scope's units up first)
    with django_assert_max_num_queries(2):
        result = {
            a.target.pk: a
            for a in tsel.achievements(targets, tsel.won_for_targets(mgr_west, targets))
        }

    assert result[rep_t.pk].actual == Decimal("30000") and result[rep_t.pk].percent == 50.0
    # the branch counts its own and the team's below it
    assert result[unit_t.pk].actual == Decimal("80000") and result[unit_t.pk].percent == 80.0


def test_tree_rolls_rep_targets_up_to_units_without_their_own(
    mgr_west, rep_west, west_customer, won, django_assert_max_num_queries
):
    month = period_of("month", timezone.localdate(), 1)
    won(rep_west, west_customer, "45000", month.start)
    services.target_create(
        actor=mgr_west,
        period_kind="month",
        period_start=month.start,
        amount="90000",
        rep=rep_west,
    )
    tsel.achievement_tree(mgr_west, month)

    with django_assert_max_num_queries(5):
        rows = tsel.achievement_tree(mgr_west, month)

    by_name = {(r.rep.username if r.rep else r.unit.name): r for r in rows}
    assert [r.unit.name for r in rows if r.rep is None][:2] == ["成都分公司", "成都销售一组"]
    team = by_name["成都销售一组"]
    assert team.target is None and team.goal == Decimal("90000") and team.percent == 50.0
    assert by_name["rep_west_1"].percent == 50.0 and by_name["rep_west_1"].depth == 2
    assert by_name["成都分公司"].actual == Decimal("45000")


def test_my_target_prefers_month_then_quarter(mgr_west, rep_west):
    today = timezone.localdate()
    periods = [period_of(k, today, 1) for k in ("month", "quarter", "year")]
    assert tsel.my_target(rep_west, periods)[0] is None
    q = services.target_create(
        actor=mgr_west, period_kind="quarter", period_start=today, amount="5", rep=rep_west
    )
    assert tsel.my_target(rep_west, periods) == (q, periods[1])
    m = services.target_create(
        actor=mgr_west, period_kind="month", period_start=today, amount="5", rep=rep_west
    )
    assert tsel.my_target(rep_west, periods)[0] == m
    unit_t = services.target_create(
        actor=mgr_west, period_kind="year", period_start=today, amount="5", org_unit=mgr_west.unit
    )
    assert tsel.my_target(mgr_west, periods)[0] == unit_t


def test_the_target_form_gives_the_date_input_an_iso_value(page_client, mgr_west):
    # <input type="date"> shows a localised value ("2026/05/01") as blank: saving then fails.
    html = page_client(mgr_west).get("/sales/targets/new/?period=month&date=2026-05-17")
    assert 'name="period_start" value="2026-05-01"' in html.content.decode()
