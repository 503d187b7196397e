"""Field service in the browser: an administrator deletes equipment (asked first; gone from the
list, its planned visit cancelled); and "plan a visit" on a customer's activities tab leads back
to the customer's 360° page, not to the tab's own address."""

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _skills(e2e_demo: Any) -> None:
    """The skills come from a data migration, which a transactional test's flush removes."""
    from crm.fieldservice.models import EquipmentType, Skill
    from crm.fieldservice.seed import seed_skills

    seed_skills(Skill, EquipmentType)


def test_admin_deletes_equipment_after_confirming(page: Page, e2e_demo: Any) -> None:
    from crm.customers.services import customer_create
    from crm.fieldservice import services
    from crm.fieldservice.models import Equipment, EquipmentType, FieldVisit, VisitStatus

    # given a customer's two reactors, one with a plan whose visit is planned
    agent = e2e_demo["agent"]
    customer = customer_create(actor=e2e_demo["rep_west_1"], name="成都蜀能石化有限公司")
    reactor = EquipmentType.objects.get(name="反应器")
    doomed = services.equipment_create(
        customer=customer, name="加氢反应器R-101", type=reactor, actor=agent
    )
    services.equipment_create(customer=customer, name="重整反应器R-201", type=reactor, actor=agent)
    services.plan_create(
        equipment=doomed,
        name="催化剂半年检",
        interval=6,
        interval_unit="months",
        next_due=timezone.localdate(),
        actor=agent,
    )
    today = timezone.localdate()
    services.schedule_visits(today=today, horizon=today, actor=agent)

    # when the administrator opens the equipment and presses Delete
    sign_in(page, "admin")
    page.goto("/field/")
    page.locator("#equipment-table a", has_text="加氢反应器R-101").click()
    page.click("#equipment-delete")

    # then they are asked first, told the planned visit will be cancelled; Cancel changes nothing
    expect(page.locator("main")).to_contain_text("将设备“加氢反应器R-101”移入回收站？")
    expect(page.locator("main")).to_contain_text("1 个待执行的服务任务将被取消")
    page.locator("#confirm-delete a", has_text="取消").click()
    expect(page).to_have_url(re.compile(rf"/field/equipment/{doomed.pk}/$"))
    page.click("#equipment-delete")

    # when they confirm
    page.locator("#confirm-delete button[type=submit]").click()

    # then they are on the equipment list, where the reactor is gone and the other one stays
    expect(page).to_have_url(re.compile(r"/field/$"))
    expect(page.locator(".alert-success")).to_contain_text("已移入回收站")
    expect(page.locator("#equipment-table")).to_contain_text("重整反应器R-201")
    expect(page.locator("#equipment-table")).not_to_contain_text("加氢反应器R-101")
    assert Equipment.all_objects.get(pk=doomed.pk).is_deleted
    assert FieldVisit.objects.get().status == VisitStatus.CANCELLED


def test_plan_a_visit_from_the_activities_tab_returns_to_the_customer(
    page: Page, e2e_demo: Any
) -> None:
    from crm.customers.services import customer_create
    from crm.sales.models_activities import Activity

    # given a rep's customer, opened on its 360° page, on the activities tab (loaded by htmx)
    customer = customer_create(actor=e2e_demo["rep_east_1"], name="宁波港联化工有限公司")
    sign_in(page, "rep_east_1")
    page.goto(f"/customers/{customer.pk}/")
    page.click("#tab-activities-button")

    # when the rep plans a visit from the tab and saves it
    page.locator("#tab-activities #customer-plan-visit").click()
    expect(page.locator("#picked-customer")).to_have_text("宁波港联化工有限公司")
    page.fill("#id_subject", "年度用量沟通")
    page.fill("#id_planned_start", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.click("#activity-save")

    # then they are back on the customer's 360° page (at its activities tab), not on the bare
    # tab fragment, and the tab lists the new visit
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/#tab-activities$"))
    expect(page.locator("#customer-tabs")).to_be_visible()
    expect(page.locator("#tab-activities-button")).to_have_class(re.compile(r"\bactive\b"))
    expect(page.locator("#tab-activities #customer-activities")).to_contain_text("年度用量沟通")
    assert Activity.objects.get().customer_id == customer.pk
