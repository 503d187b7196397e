"""Activity reads: scope, filters, the agenda, the calendar and the visit achievement rate."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crm.sales import selectors_activities as sel
from crm.sales import services_activities as services

from .fixtures_activities import *  # noqa: F403
from .fixtures_activities import at

pytestmark = pytest.mark.usefixtures("demo_once")


def test_scope_own_unit_tree_and_all(
    plan, rep_west, rep_east, mgr_west, mgr_east, leader, agent, marketer, west_customer
):
    a = plan(rep_west, west_customer)

    def sees(user):
        return sel.activities_for_user(user).filter(pk=a.pk).exists()

    assert sees(rep_west) and sees(mgr_west) and sees(leader) and sees(agent)
    assert not sees(rep_east) and not sees(mgr_east) and not sees(marketer)


def test_filters(plan, rep_west, west_customer):
    now = timezone.now()
    overdue = plan(rep_west, west_customer, start=now - timedelta(hours=3), subject="逾期拜访")
    call = plan(rep_west, west_customer, kind="call", subject="电话跟进")
    done = plan(rep_west, west_customer, start=now - timedelta(hours=1), subject="已完成")
    services.activity_complete(activity=done, version=done.version, actor=rep_west, notes="好")

    def ids(**kw):
        return set(
            sel.activities_for_user(rep_west, sel.ActivityFilters(**kw)).values_list(
                "pk", flat=True
            )
        )

    assert ids(status="overdue") == {overdue.pk}
    assert ids(kind="call") == {call.pk}
    assert ids(status="done") == {done.pk}
    assert ids(search="跟进") == {call.pk}
    assert ids(search="蜀能") == {overdue.pk, call.pk, done.pk}
    assert ids(unit=rep_west.unit_id) == {overdue.pk, call.pk, done.pk}
    assert ids(unit=999999) == set()


def test_agenda_splits_overdue_today_and_upcoming(plan, rep_west, mgr_west, west_customer):
    today = timezone.localdate()
    old = plan(rep_west, west_customer, start=at(today - timedelta(days=3)), subject="上周")
    done_old = plan(rep_west, west_customer, start=at(today - timedelta(days=2)), subject="完成")
    services.activity_complete(
        activity=done_old, version=done_old.version, actor=rep_west, notes="好"
    )
    now_item = plan(rep_west, west_customer, start=at(today, 23, 0), subject="今天")
    soon = plan(rep_west, west_customer, start=at(today + timedelta(days=2)), subject="后天")
    later = plan(rep_west, west_customer, start=at(today + timedelta(days=20)), subject="以后")
    plan(mgr_west, west_customer, start=at(today, 23, 30), subject="经理的")

    agenda = sel.agenda(rep_west, today)

    assert [a.pk for a in agenda.overdue] == [old.pk] and agenda.overdue_count == 1
    assert [a.pk for a in agenda.today_items] == [now_item.pk]
    assert [a.pk for a in agenda.upcoming] == [soon.pk]
    assert later.pk not in {a.pk for a in agenda.upcoming}
    team = sel.agenda(mgr_west, today, team=True)
    assert {a.subject for a in team.today_items} == {"今天", "经理的"}


def test_calendar_items_of_a_rep_or_a_team(plan, rep_west, mgr_west, west_customer):
    today = timezone.localdate()
    mine = plan(rep_west, west_customer, start=at(today))
    boss = plan(mgr_west, west_customer, start=at(today))
    start, end = today - timedelta(days=1), today + timedelta(days=1)

    assert [a.pk for a in sel.calendar_items(rep_west, start, end)] == [mine.pk]
    assert [a.pk for a in sel.calendar_items(mgr_west, start, end, owner=rep_west.pk)] == [mine.pk]
    team = sel.calendar_items(mgr_west, start, end, unit=mgr_west.unit_id)
    assert {a.pk for a in team} == {mine.pk, boss.pk}
    # a rep cannot look at the manager's calendar: out of scope, nothing
    assert sel.calendar_items(rep_west, start, end, owner=mgr_west.pk) == []


def test_visit_rate_counts_planned_visits_only(
    plan, rep_west, rep_east, mgr_west, west_customer, east_customer, django_assert_num_queries
):
    today = timezone.localdate()
    day = at(today, 0, 0)  # already past whenever the test runs: one is logged afterwards
    visits = [plan(rep_west, west_customer, start=day + timedelta(minutes=i)) for i in range(4)]
    for v in visits[:2]:
        services.activity_complete(activity=v, version=v.version, actor=rep_west, notes="好")
    services.activity_cancel(activity=visits[2], version=visits[2].version, actor=rep_west)
    plan(rep_west, west_customer, start=day, kind="call")  # not a visit
    services.activity_create(  # logged afterwards: not planned
        actor=rep_west, subject="顺路", customer=west_customer, planned_start=day, is_planned=False
    )
    plan(rep_west, west_customer, start=day + timedelta(days=40))  # another period
    plan(rep_east, east_customer, start=day)

    sel.visit_rates(mgr_west, today, today)  # the user's grants and unit, read once
    with django_assert_num_queries(1):
        rates = sel.visit_rates(mgr_west, today, today + timedelta(days=1))

    assert [(r.owner_id, r.planned, r.done, r.rate) for r in rates] == [(rep_west.pk, 4, 2, 50.0)]
    everyone = sel.visit_rates(rep_east, today, today + timedelta(days=1))
    assert [(r.owner_id, r.planned, r.done) for r in everyone] == [(rep_east.pk, 1, 0)]
    assert sel.visit_total([]).rate is None


def test_assignable_owners_and_sales_people(rep_west, mgr_west, mgr_east, rep_east, rep_east_2):
    assert list(sel.assignable_owners(rep_west)) == [rep_west]
    west = set(sel.assignable_owners(mgr_west))
    assert rep_west in west and rep_east not in west
    people = set(sel.sales_people(mgr_east))
    assert {rep_east, rep_east_2, mgr_east} <= people and rep_west not in people
