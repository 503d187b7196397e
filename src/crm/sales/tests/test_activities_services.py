"""Activity services: planning, check-in, outcome (on the customer's timeline), reschedule,
cancel, soft delete, history, and the calendar feed token."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crm.core.audit import history_for
from crm.core.errors import Conflict, StaleVersion, ValidationFailed
from crm.customers.models import Channel, Interaction
from crm.sales import services_activities as services
from crm.sales.models_activities import Activity, ActivityStatus

from .fixtures_activities import *  # noqa: F403

pytestmark = pytest.mark.usefixtures("demo_once")


def test_plan_a_visit_defaults_owner_unit_and_one_hour(rep_west, west_customer):
    start = timezone.now() + timedelta(days=1)

    a = services.activity_create(
        actor=rep_west,
        kind="visit",
        subject="季度回访",
        customer=west_customer,
        planned_start=start,
    )

    assert a.owner == rep_west and a.org_unit == rep_west.unit
    assert a.planned_end - a.planned_start == timedelta(hours=1)
    assert a.status == ActivityStatus.PLANNED and a.is_planned
    assert history_for(a).filter(action="create").exists()


def test_a_visit_needs_a_customer_and_a_task_does_not(rep_west):
    start = timezone.now()
    with pytest.raises(ValidationFailed) as exc:
        services.activity_create(actor=rep_west, kind="visit", subject="拜访", planned_start=start)
    assert "customer" in exc.value.fields

    task = services.activity_create(
        actor=rep_west, kind="task", subject="准备报价", planned_start=start
    )
    assert task.planned_end == task.planned_start


def test_contact_of_another_customer_and_end_before_start_are_refused(
    rep_west, west_customer, east_customer, west_contact
):
    start = timezone.now()
    with pytest.raises(ValidationFailed) as exc:
        services.activity_create(
            actor=rep_west,
            subject="拜访",
            customer=east_customer,
            contact=west_contact,
            planned_start=start,
            planned_end=start - timedelta(minutes=1),
        )
    assert set(exc.value.fields) == {"contact", "planned_end"}
    assert not Activity.objects.exists()


def test_check_in_then_complete_writes_a_visit_on_the_customer_timeline(
    plan, rep_west, west_customer, west_contact
):
    a = plan(rep_west, west_customer, contact=west_contact, purpose="介绍新产品")

    a = services.activity_check_in(activity=a, version=a.version, actor=rep_west)
    assert a.checked_in_at is not None
    a = services.activity_complete(
        activity=a, version=a.version, actor=rep_west, notes="客户有意向", next_step="下周报价"
    )

    assert a.status == ActivityStatus.DONE and a.completed_at is not None
    item = Interaction.objects.get(customer=west_customer)
    assert item.channel == Channel.VISIT
    assert item.contact == west_contact and item.author == rep_west
    assert "客户有意向" in item.summary and "下周报价" in item.summary
    assert item.occurred_at == a.checked_in_at
    assert Activity.objects.get(pk=a.pk).interaction == item


def test_a_completed_task_writes_no_timeline_entry(plan, rep_west, west_customer):
    a = plan(rep_west, west_customer, kind="task")

    services.activity_complete(activity=a, version=a.version, actor=rep_west, notes="已完成")

    assert not Interaction.objects.exists()


def test_state_rules(plan, rep_west, west_customer):
    call = plan(rep_west, west_customer, kind="call")
    with pytest.raises(Conflict) as exc:
        services.activity_check_in(activity=call, version=call.version, actor=rep_west)
    assert exc.value.code == "no_check_in"

    visit = plan(rep_west, west_customer)
    visit = services.activity_check_in(activity=visit, version=visit.version, actor=rep_west)
    with pytest.raises(Conflict):
        services.activity_check_in(activity=visit, version=visit.version, actor=rep_west)
    with pytest.raises(ValidationFailed):
        services.activity_complete(activity=visit, version=visit.version, actor=rep_west, notes=" ")
    done = services.activity_complete(
        activity=visit, version=visit.version, actor=rep_west, notes="ok"
    )
    for act in (
        lambda: services.activity_complete(
            activity=done, version=done.version, actor=rep_west, notes="again"
        ),
        lambda: services.activity_cancel(activity=done, version=done.version, actor=rep_west),
        lambda: services.activity_reschedule(
            activity=done, version=done.version, actor=rep_west, planned_start=timezone.now()
        ),
    ):
        with pytest.raises(Conflict) as exc:
            act()
        assert exc.value.code == "not_planned"
    assert Interaction.objects.count() == 1


def test_stale_version_is_refused_and_changes_nothing(plan, rep_west, west_customer):
    a = plan(rep_west, west_customer)
    services.activity_update(activity=a, version=a.version, actor=rep_west, subject="改期前")

    with pytest.raises(StaleVersion):
        services.activity_complete(activity=a, version=a.version, actor=rep_west, notes="旧版本")

    fresh = Activity.objects.get(pk=a.pk)
    assert fresh.status == ActivityStatus.PLANNED and fresh.subject == "改期前"
    assert not Interaction.objects.exists()


def test_reschedule_keeps_the_length_and_records_history(plan, rep_west, west_customer):
    start = timezone.now() + timedelta(days=1)
    a = plan(rep_west, west_customer, start=start, planned_end=start + timedelta(hours=2))

    moved = services.activity_reschedule(
        activity=a, version=a.version, actor=rep_west, planned_start=start + timedelta(days=2)
    )

    assert moved.planned_end - moved.planned_start == timedelta(hours=2)
    change = history_for(moved).filter(action="update").first()
    assert change is not None and "planned_start" in change.changes


def test_cancel_keeps_the_reason(plan, rep_west, west_customer):
    a = plan(rep_west, west_customer)

    a = services.activity_cancel(activity=a, version=a.version, actor=rep_west, reason="客户出差")

    assert a.status == ActivityStatus.CANCELLED and a.notes == "客户出差"


def test_log_a_visit_afterwards_is_done_and_on_the_timeline(rep_west, west_customer):
    start = timezone.now() - timedelta(hours=3)

    a = services.activity_create(
        actor=rep_west,
        subject="顺路拜访",
        customer=west_customer,
        planned_start=start,
        notes="聊了新项目",
        is_planned=False,
    )

    assert a.status == ActivityStatus.DONE and not a.is_planned
    assert Interaction.objects.get(customer=west_customer).occurred_at == start
    with pytest.raises(ValidationFailed):
        services.activity_create(
            actor=rep_west,
            subject="未来",
            customer=west_customer,
            planned_start=timezone.now() + timedelta(hours=1),
            is_planned=False,
        )


def test_new_owner_takes_the_unit_along(plan, rep_west, mgr_west, west_customer):
    a = plan(rep_west, west_customer)

    a = services.activity_update(activity=a, version=a.version, actor=mgr_west, owner=mgr_west)

    assert a.owner == mgr_west and a.org_unit == mgr_west.unit


def test_delete_and_restore(plan, rep_west, mgr_west, west_customer):
    a = plan(rep_west, west_customer)

    services.activity_delete(activity=a, actor=mgr_west)
    assert not Activity.objects.filter(pk=a.pk).exists()
    services.activity_restore(activity=Activity.all_objects.get(pk=a.pk), actor=mgr_west)
    assert Activity.objects.filter(pk=a.pk).exists()


def test_calendar_feed_token_rotates(rep_west, rep_east):
    first = services.calendar_feed_rotate(user=rep_west)
    assert services.calendar_feed_user(first) == rep_west

    second = services.calendar_feed_rotate(user=rep_west)

    assert services.calendar_feed_user(first) is None
    assert services.calendar_feed_user(second) == rep_west
    assert services.calendar_feed_user("x" * 43) is None
    rep_west.is_active = False
    rep_west.save()
    assert services.calendar_feed_user(second) is None
