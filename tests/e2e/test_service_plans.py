"""Service plans in the browser: a manager generates next month's visits from the plans page
and they appear with the expert who has the skill; the expert records the outcome, which the
equipment's history then shows."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from .conftest import open_menu, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _skills(e2e_demo: Any) -> None:
    """The skills come from a data migration, which a transactional test's flush removes."""
    from crm.fieldservice.models import EquipmentType, Skill
    from crm.fieldservice.seed import seed_skills

    seed_skills(Skill, EquipmentType)


def test_manager_schedules_next_month_and_expert_records_outcome(
    page: Page, new_page: Any, e2e_demo: Any
) -> None:
    from crm.customers.services import customer_create
    from crm.fieldservice import services
    from crm.fieldservice.models import EquipmentType, FieldVisit, ServicePlan, Skill

    # given a customer's reactor with a plan due next month, and the agent as catalyst expert
    agent = e2e_demo["agent"]
    customer = customer_create(actor=e2e_demo["rep_west_1"], name="成都蜀能石化有限公司")
    reactor = EquipmentType.objects.get(name="反应器")
    equipment = services.equipment_create(
        customer=customer, name="加氢反应器R-101", type=reactor, actor=agent, location="二号装置区"
    )
    due = services.end_of_next_month(timezone.localdate()) - timedelta(days=3)
    services.plan_create(
        equipment=equipment,
        name="催化剂半年检",
        interval=6,
        interval_unit="months",
        next_due=due,
        actor=agent,
    )
    services.expert_add(user=agent, skill=Skill.objects.get(name="催化剂"), actor=None)

    # when the manager presses 生成下月计划 on the plans page
    sign_in(page, "admin")
    page.goto("/field/plans/")
    expect(page.locator("#plan-table")).to_contain_text("加氢反应器R-101")
    button = page.locator("#schedule-next-month")
    expect(button).to_have_text("生成下月计划")
    button.click()

    # then the visit appears among the planned visits, assigned to the expert
    expect(page.locator("#visit-table")).to_contain_text("加氢反应器R-101")
    expect(page.locator("#visit-table")).to_contain_text(str(agent))
    assert FieldVisit.objects.get().expert_id == agent.pk
    # pressing it again creates nothing new
    page.goto("/field/plans/")
    page.locator("#schedule-next-month").click()
    expect(page.locator("#visit-table tbody tr")).to_have_count(1)

    # when the expert opens their visits and records the outcome
    expert = new_page()
    sign_in(expert, "agent")
    open_menu(expert, "field_visits").click()
    expert.locator("#visit-table a").first.click()
    expect(expert.locator("#visit-status")).to_have_text("已计划")
    expert.fill("#id_outcome", "催化剂活性正常，已补充 2 吨")
    expert.fill("#id_findings", "床层压降略高")
    expert.locator("#visit-record").click()

    # then the visit is done, the plan moved on and the equipment history shows the outcome
    expect(expert.locator("#visit-status")).to_have_text("已完成")
    expect(expert.locator("#visit-outcome")).to_contain_text("催化剂活性正常")
    assert ServicePlan.objects.get().next_due > due
    expert.goto(f"/field/equipment/{equipment.pk}/")
    expect(expert.locator("#equipment-visits")).to_contain_text("床层压降略高")
    expect(expert.locator("#history")).to_contain_text("催化剂活性正常")
