"""Writes of field service: the scheduler's window, idempotency and choice of expert, visit
outcomes moving the plan and feeding the equipment history, the command."""

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from crm.core.audit import history_for
from crm.core.errors import Conflict, StaleVersion, ValidationFailed
from crm.fieldservice import services
from crm.fieldservice.models import (
    Equipment,
    EquipmentStatus,
    FieldVisit,
    ServicePlan,
    Skill,
    VisitStatus,
)

pytestmark = pytest.mark.usefixtures("demo_once")


def _run(days: int = 31, actor: Any = None) -> services.ScheduleResult:
    today = timezone.localdate()
    return services.schedule_visits(today=today, horizon=today + timedelta(days=days), actor=actor)


def _plan(equipment: Equipment, actor: Any, due: date, skill: Skill | None = None) -> ServicePlan:
    return services.plan_create(
        equipment=equipment,
        name="保养",
        interval=3,
        interval_unit="months",
        next_due=due,
        skill=skill,
        actor=actor,
    )


def _done(visit: FieldVisit, actor: Any, day: date | None = None) -> FieldVisit:
    return services.visit_record(
        visit=visit, version=visit.version, outcome="更换催化剂", done_on=day, actor=actor
    )


@pytest.mark.parametrize(
    ("start", "interval", "unit", "expected"),
    [
        (date(2026, 1, 31), 1, "months", date(2026, 2, 28)),
        (date(2024, 1, 31), 1, "months", date(2024, 2, 29)),
        (date(2026, 11, 15), 3, "months", date(2027, 2, 15)),
        (date(2026, 12, 31), 12, "months", date(2027, 12, 31)),
        (date(2026, 3, 1), 10, "days", date(2026, 3, 11)),
    ],
)
def test_add_interval(start: date, interval: int, unit: str, expected: date) -> None:
    assert services.add_interval(start, interval, unit) == expected


def test_end_of_next_month() -> None:
    assert services.end_of_next_month(date(2026, 11, 30)) == date(2026, 12, 31)
    assert services.end_of_next_month(date(2026, 12, 5)) == date(2027, 1, 31)
    assert services.end_of_next_month(date(2027, 1, 10)) == date(2027, 2, 28)


def test_plan_takes_the_type_skill(west_plan: ServicePlan, catalyst: Skill) -> None:
    assert west_plan.skill == catalyst
    assert west_plan.customer_id == west_plan.equipment.customer_id


def test_scheduler_creates_due_visits_once(
    agent: Any, west_plan: ServicePlan, west_equipment: Equipment, make_expert: Any, catalyst: Skill
) -> None:
    # given a plan due today, one due beyond the window and an expert with the skill
    expert = make_expert("fs_expert_a", catalyst)
    later = _plan(west_equipment, agent, timezone.localdate() + timedelta(days=60))
    # when the scheduler runs twice
    first = _run(31)
    second = _run(31)
    # then only the due plan got a visit, once, assigned to the expert
    assert (first.created, first.assigned, first.warnings) == (1, 1, [])
    assert second.created == 0
    visit = FieldVisit.objects.get()
    assert (visit.plan_id, visit.expert, visit.due_date) == (
        west_plan.pk,
        expert,
        west_plan.next_due,
    )
    assert visit.customer_id == west_equipment.customer_id
    assert not FieldVisit.objects.filter(plan=later).exists()
    assert history_for(visit).count() == 1


def test_unique_plan_and_due_date(west_plan: ServicePlan) -> None:
    _run()
    visit = FieldVisit.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        FieldVisit.objects.create(
            plan=west_plan,
            equipment_id=visit.equipment_id,
            customer_id=visit.customer_id,
            due_date=visit.due_date,
        )


def test_no_expert_leaves_the_visit_unassigned_with_a_warning(west_plan: ServicePlan) -> None:
    result = _run()
    assert result.created == 1 and result.assigned == 0
    assert [p for p, _m in result.warnings] == [west_plan.pk]
    assert "催化剂年检" in result.warnings[0][1]
    assert FieldVisit.objects.get().expert is None


def test_least_loaded_expert_gets_the_visit(
    agent: Any, west_equipment: Equipment, make_expert: Any, catalyst: Skill
) -> None:
    # given two experts; a has two planned visits, b one
    a = make_expert("fs_a", catalyst)
    b = make_expert("fs_b", catalyst)
    make_expert("fs_other", Skill.objects.get(name="润滑"))  # wrong skill: never chosen
    today = timezone.localdate()
    plans = [_plan(west_equipment, agent, today + timedelta(days=i)) for i in range(3)]
    _run()
    FieldVisit.objects.filter(plan=plans[0]).update(expert=a)
    FieldVisit.objects.filter(plan=plans[1]).update(expert=a)
    FieldVisit.objects.filter(plan=plans[2]).update(expert=b)
    # when a new plan of other equipment nobody served falls due
    other = services.equipment_create(
        customer=west_equipment.customer, name="R-102", type=west_equipment.type, actor=agent
    )
    services.equipment_update(
        equipment=other, version=other.version, changes={"location": "东区"}, actor=agent
    )
    new = _plan(other, agent, today)
    _run()
    # then the less loaded expert b gets it (no one served the site: load decides)
    assert FieldVisit.objects.get(plan=new).expert == b


def test_expert_who_served_the_equipment_is_preferred(
    agent: Any, west_plan: ServicePlan, make_expert: Any, catalyst: Skill
) -> None:
    # given a served the equipment before, and a is busier than b
    a = make_expert("fs_served", catalyst)
    b = make_expert("fs_idle", catalyst)
    _run()
    visit = FieldVisit.objects.get()
    FieldVisit.objects.filter(pk=visit.pk).update(expert=a)
    visit.refresh_from_db()
    _done(visit, agent, timezone.localdate())
    assert ServicePlan.objects.get(pk=west_plan.pk).next_due > timezone.localdate()
    services.equipment_create(
        customer=west_plan.customer, name="x", type=west_plan.equipment.type, actor=agent
    )
    busy = _plan(west_plan.equipment, agent, timezone.localdate() + timedelta(days=1))
    FieldVisit.objects.create(
        plan=busy,
        equipment=busy.equipment,
        customer=busy.customer,
        due_date=date(2030, 1, 1),
        expert=a,
    )
    assert b.pk  # b has no visits at all
    # when the plan falls due again (moved into the window)
    plan = ServicePlan.objects.get(pk=west_plan.pk)
    services.plan_update(
        plan=plan,
        version=plan.version,
        changes={"next_due": timezone.localdate() + timedelta(days=2)},
        actor=agent,
    )
    _run()
    # then a, who served this equipment, gets it despite the higher load
    assert FieldVisit.objects.get(plan=west_plan, status=VisitStatus.PLANNED).expert == a


def test_expert_who_served_the_customer_is_preferred(
    agent: Any, west_plan: ServicePlan, make_expert: Any, catalyst: Skill
) -> None:
    # given a served another equipment of this customer
    a = make_expert("fs_site", catalyst)
    make_expert("fs_fresh", catalyst)
    _run()
    visit = FieldVisit.objects.get()
    FieldVisit.objects.filter(pk=visit.pk).update(expert=a)
    visit.refresh_from_db()
    _done(visit, agent)
    FieldVisit.objects.create(  # a is now busier than fs_fresh
        plan=west_plan,
        equipment=west_plan.equipment,
        customer=west_plan.customer,
        due_date=date(2031, 1, 1),
        expert=a,
    )
    other = services.equipment_create(
        customer=west_plan.customer, name="R-201", type=west_plan.equipment.type, actor=agent
    )
    new = _plan(other, agent, timezone.localdate())
    # when the new equipment's plan is scheduled
    _run()
    # then the expert who knows the site gets it
    assert FieldVisit.objects.get(plan=new).expert == a


def test_retired_equipment_and_inactive_plans_are_skipped(
    agent: Any, west_plan: ServicePlan, west_equipment: Equipment
) -> None:
    inactive = _plan(west_equipment, agent, timezone.localdate())
    services.plan_update(
        plan=inactive, version=inactive.version, changes={"active": False}, actor=agent
    )
    services.equipment_update(
        equipment=west_equipment,
        version=west_equipment.version,
        changes={"status": EquipmentStatus.RETIRED},
        actor=agent,
    )
    assert _run().created == 0


def test_record_outcome_moves_plan_and_feeds_history(
    agent: Any, west_plan: ServicePlan, west_equipment: Equipment
) -> None:
    _run()
    visit = FieldVisit.objects.get()
    day = timezone.localdate()
    done = services.visit_record(
        visit=visit,
        version=visit.version,
        outcome="催化剂活性正常",
        findings="床层压降略高",
        actor=agent,
    )
    assert (done.status, done.done_on, done.expert) == (VisitStatus.DONE, day, agent)
    assert ServicePlan.objects.get(pk=west_plan.pk).next_due == services.add_interval(
        day, 6, "months"
    )
    texts = [str(h.changes) for h in history_for(west_equipment)]
    assert any("催化剂活性正常" in t and "床层压降略高" in t for t in texts)
    # a second recording is refused; so is a stale version
    with pytest.raises(Conflict):
        services.visit_record(visit=done, version=done.version, outcome="again", actor=agent)
    # the next run schedules the following visit at the new due date only if in the window
    assert _run(days=400).created == 1


def test_record_needs_an_outcome_and_the_current_version(
    agent: Any, west_plan: ServicePlan
) -> None:
    _run()
    visit = FieldVisit.objects.get()
    with pytest.raises(ValidationFailed):
        services.visit_record(visit=visit, version=visit.version, outcome="  ", actor=agent)
    with pytest.raises(StaleVersion):
        services.visit_record(visit=visit, version=visit.version + 1, outcome="ok", actor=agent)
    with pytest.raises(ValidationFailed):
        services.visit_record(
            visit=visit,
            version=visit.version,
            outcome="ok",
            done_on=timezone.localdate() + timedelta(days=2),
            actor=agent,
        )


def test_cancelled_visit_is_not_recreated(agent: Any, west_plan: ServicePlan) -> None:
    _run()
    visit = FieldVisit.objects.get()
    services.visit_cancel(visit=visit, version=visit.version, actor=agent)
    assert _run().created == 0
    assert FieldVisit.objects.get().status == VisitStatus.CANCELLED


def test_installed_products(agent: Any, west_equipment: Equipment) -> None:
    from crm.products.models import Product

    product = Product.objects.first()
    if product is None:
        from crm.products.demo import load_products

        load_products(customers=0)
        product = Product.objects.first()
    assert product is not None
    services.installed_product_set(
        equipment=west_equipment, product=product, quantity="2.5", actor=agent
    )
    line = services.installed_product_set(
        equipment=west_equipment, product=product, quantity="3", actor=agent
    )
    assert west_equipment.products.get().quantity == 3
    with pytest.raises(ValidationFailed):
        services.installed_product_set(
            equipment=west_equipment, product=product, quantity="0", actor=agent
        )
    services.installed_product_remove(equipment=west_equipment, line_id=line.pk, actor=agent)
    assert not west_equipment.products.exists()
    assert history_for(west_equipment).count() == 4  # created, installed, changed, removed


def test_command_is_idempotent(west_plan: ServicePlan, make_expert: Any, catalyst: Skill) -> None:
    make_expert("fs_cmd", catalyst)
    out = StringIO()
    call_command("schedule_service_visits", "--ahead-days", "10", stdout=out)
    assert "created 1" in out.getvalue()
    out = StringIO()
    call_command("schedule_service_visits", stdout=out)
    assert "created 0" in out.getvalue()
    assert FieldVisit.objects.count() == 1


def test_command_warns_about_unassigned(west_plan: ServicePlan) -> None:
    out, err = StringIO(), StringIO()
    call_command("schedule_service_visits", stdout=out, stderr=err)
    assert "unassigned 1" in out.getvalue()
    assert f"plan {west_plan.pk}" in err.getvalue()


def test_demo_is_idempotent(demo: Any) -> None:
    from crm.customers.demo import load_customers
    from crm.fieldservice.demo import load_equipment
    from crm.fieldservice.models import ExpertSkill

    load_customers(60)
    first = load_equipment(customers=60)
    assert first["equipment"] > 0 and first["plans"] == first["equipment"]
    assert ExpertSkill.objects.filter(user__username="agent").count() == Skill.objects.count()
    assert load_equipment(customers=60) == {"equipment": 0, "plans": 0, "expert_skills": 0}
