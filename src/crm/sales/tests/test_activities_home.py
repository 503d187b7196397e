"""Home pages: a rep's day, target and pipeline; a manager's team rows; constant queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.customers.services import customer_create
from crm.org.models import OrgUnit, Role, User
from crm.sales import services_activities as services
from crm.sales import services_targets
from crm.sales.target_periods import period_of
from crm.web.home import Panel, panels_for, register_panel, unregister_panel

from .fixtures_activities import *  # noqa: F403
from .fixtures_activities import at

pytestmark = pytest.mark.usefixtures("demo_once")


def _panel(html, key):
    start = html.index(f'id="panel-{key}"')
    return html[start : html.index("</section>", start)]


def test_rep_home_shows_day_target_and_pipeline(
    page_client, plan, won, rep_west, mgr_west, west_customer
):
    from crm.sales.services import opportunity_create

    today = timezone.localdate()
    plan(rep_west, west_customer, start=at(today, 23, 0), subject="今日拜访")
    plan(
        rep_west,
        west_customer,
        start=at(today - timedelta(days=2)),
        subject="逾期任务",
        kind="task",
    )
    opportunity_create(
        actor=rep_west,
        customer=west_customer,
        name="润滑油年度合同",
        expected_close=today + timedelta(days=30),
        amount=Decimal("120000"),
    )
    won(rep_west, west_customer, "20000", today)
    services_targets.target_create(
        actor=mgr_west, period_kind="month", period_start=today, amount="80000", rep=rep_west
    )

    html = page_client(rep_west).get("/").content.decode()

    day = _panel(html, "sales_day")
    assert "今日拜访" in day and "逾期任务" in day
    assert 'id="home-overdue-count">1<' in day
    assert "0.0%" in day  # one planned visit this month, none done yet
    target = _panel(html, "sales_target")
    assert 'id="home-target-percent">25.0%<' in target and 'data-echarts="chart-target"' in target
    pipeline = _panel(html, "sales_pipeline")
    assert "初步接触" in pipeline and "120000.00" in pipeline
    assert 'id="panel-sales_team"' not in html  # a rep has no team panel
    assert "vendor/echarts.min.js" in html
    assert 'id="me-username"' in html  # who I am stays on the page


def test_manager_home_has_a_row_per_rep(page_client, plan, won, rep_west, mgr_west, west_customer):
    today = timezone.localdate()
    v = plan(rep_west, west_customer, start=at(today, 0, 5))
    services.activity_complete(activity=v, version=v.version, actor=rep_west, notes="好")
    plan(rep_west, west_customer, start=at(today, 0, 10))
    won(rep_west, west_customer, "30000", today)
    services_targets.target_create(
        actor=mgr_west, period_kind="month", period_start=today, amount="60000", rep=rep_west
    )

    html = page_client(mgr_west).get("/").content.decode()

    team = _panel(html, "sales_team")
    row = team[team.index('id="team-row-rep_west_1"') :]
    row = row[: row.index("</tr>")]
    assert "1 / 2" in row and "50.0%" in row and "30000.00" in row
    assert "rep_east_1" not in team
    target = _panel(html, "sales_target")  # no branch target: the reps' targets summed
    assert 'id="home-target-percent">50.0%<' in target


@pytest.mark.parametrize("username", ["marketer", "agent"])
def test_no_sales_panels_without_selling_or_leading_rights(page_client, demo, username):
    # the marketer has no sales rights; the call centre may look sales records up, no more
    html = page_client(demo[username]).get("/").content.decode()

    assert 'id="home-panels"' not in html and "echarts" not in html
    assert 'id="me-username"' in html


def test_leader_sees_the_whole_picture(page_client, leader):
    html = page_client(leader).get("/").content.decode()

    assert 'id="panel-sales_team"' in html and 'id="team-row-rep_west_1"' in html


def test_panel_registry_order_visibility_and_opt_out(rep_west, marketer):
    register_panel(Panel("zz_test", "T", "web/_pagination.html", lambda u: {"x": 1}, order=1))
    register_panel(Panel("zz_none", "N", "web/_pagination.html", lambda u: None, order=2))
    register_panel(Panel("zz_hidden", "H", "x.html", lambda u: {}, visible=lambda access: False))
    try:
        keys = [p["key"] for p in panels_for(rep_west)]
        assert keys[0] == "zz_test" and "zz_none" not in keys and "zz_hidden" not in keys
        assert [p["key"] for p in panels_for(marketer)] == ["zz_test"]
    finally:
        for key in ("zz_test", "zz_none", "zz_hidden"):
            unregister_panel(key)


def test_home_query_count_does_not_grow(
    page_client, plan, won, rep_west, mgr_west, west_customer, django_assert_max_num_queries
):
    from crm.sales.services import opportunity_create

    today = timezone.localdate()
    team = OrgUnit.objects.get(name="成都销售一组")
    rep_role = Role.objects.get(code="sales_rep")

    def add_data(n):
        for i in range(n):
            rep = User.objects.create(username=f"rep_cd_{n}_{i}", name=f"成都{i}", unit=team)
            rep.roles.set([rep_role])
            customer = customer_create(actor=rep, name=f"成都测试客户{n}{i}有限公司")
            plan(rep, customer, start=at(today, 1, i))
            plan(rep, customer, start=at(today - timedelta(days=3), 1, i), kind="task")
            opportunity_create(
                actor=rep,
                customer=customer,
                name=f"项目{i}",
                expected_close=today,
                amount=Decimal("1000"),
            )
            won(rep, customer, "500", today)
            services_targets.target_create(
                actor=mgr_west, period_kind="month", period_start=today, amount="900", rep=rep
            )

    def count(user):
        client = page_client(user)
        client.get("/")
        with django_assert_max_num_queries(40) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    add_data(1)
    before = (count(rep_west), count(mgr_west))
    add_data(6)
    assert (count(rep_west), count(mgr_west)) == before


def test_month_period_helper_is_calendar_month():
    p = period_of("month", timezone.localdate())
    assert p.start.day == 1 and p.end > p.start
