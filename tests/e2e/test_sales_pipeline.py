"""The sales pipeline in the browser: convert a lead; drag an opportunity to the next stage and
see the column totals change; a stale drag is refused with a message and the card goes back;
an admin renames and reorders one business unit's stages without touching another's."""

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _default_stages(e2e_demo: Any) -> None:
    """The default stages come from a data migration; a transactional test's flush removes
    them, so they are seeded again (as the migration does)."""
    from crm.sales.models import Stage
    from crm.sales.seed import seed_stages

    seed_stages(Stage)


def _drag(page: Page, source: Locator, target: Locator) -> None:
    """Drag with the mouse, as a person does (SortableJS runs in fallback mode)."""
    a = source.bounding_box()
    b = target.bounding_box()
    assert a and b
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(a["x"] + a["width"] / 2 + 10, a["y"] + a["height"] / 2 + 10, steps=5)
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + 30, steps=15)
    page.mouse.up()


def _opportunity(owner: Any, **fields: Any) -> Any:
    from crm.customers.services import customer_create
    from crm.sales.services import opportunity_create

    customer = customer_create(actor=owner, name="上海浦江化工有限公司")
    return opportunity_create(
        actor=owner,
        customer=customer,
        name="浦江 MDI 年度采购",
        expected_close=timezone.localdate() + timedelta(days=30),
        amount=Decimal("120000"),
        **fields,
    )


def _stages() -> list[Any]:
    from crm.sales.models import Stage

    return list(Stage.objects.filter(business_unit__isnull=True).order_by("order"))


def test_convert_a_lead(page: Page, e2e_demo: Any) -> None:
    from crm.sales.models import Lead, Opportunity
    from crm.sales.services_leads import lead_create

    lead = lead_create(
        actor=e2e_demo["rep_east_1"],
        company="杭州龙井新材料有限公司",
        contact_name="王强",
        mobile="13912345678",
    )
    sign_in(page, "rep_east_1")
    page.goto(f"/sales/leads/{lead.pk}/")
    page.click("#lead-convert")
    page.fill("#id_opportunity_name", "龙井 MDI 首单")
    page.fill("#id_amount", "50000")
    page.click("#convert-submit")
    expect(page).to_have_url(re.compile(r"/sales/opportunities/\d+/$"))
    expect(page.locator("#opportunity-name")).to_contain_text("龙井 MDI 首单")
    expect(page.locator("#source-lead")).to_contain_text("杭州龙井新材料有限公司")
    lead.refresh_from_db()
    o = Opportunity.objects.get(source_lead=lead)
    assert lead.status == "converted" and lead.customer_id == o.customer_id
    assert lead.contact is not None and lead.contact.name == "王强"
    # the lead page links to what it became
    page.goto(f"/sales/leads/{lead.pk}/")
    expect(page.locator("#lead-converted")).to_contain_text("杭州龙井新材料有限公司")
    assert Lead.objects.get(pk=lead.pk).status == "converted"


def test_drag_to_the_next_stage_changes_the_totals(page: Page, e2e_demo: Any) -> None:
    from crm.sales.models import Opportunity

    o = _opportunity(e2e_demo["rep_east_1"])
    first, second = _stages()[:2]
    sign_in(page, "rep_east_1")
    page.goto("/sales/board/")
    head1, head2 = page.locator(f"#col-head-{first.pk}"), page.locator(f"#col-head-{second.pk}")
    expect(head1.locator(".col-count")).to_have_text("1")
    expect(head2.locator(".col-count")).to_have_text("0")
    expect(head1.locator(".col-amount")).to_contain_text("120")
    _drag(page, page.locator(f"#opp-card-{o.pk}"), page.locator(f"#col-cards-{second.pk}"))
    expect(head2.locator(".col-count")).to_have_text("1")
    expect(head1.locator(".col-count")).to_have_text("0")
    expect(head2.locator(".col-amount")).to_contain_text("120")
    expect(head1.locator(".col-amount")).to_have_text("¥0.00")
    expect(page.locator(f"#col-cards-{second.pk} #opp-card-{o.pk}")).to_have_attribute(
        "data-version", str(o.version + 1)
    )
    assert Opportunity.objects.get(pk=o.pk).stage_id == second.pk


def test_a_stale_drag_is_refused_and_the_card_goes_back(page: Page, e2e_demo: Any) -> None:
    from crm.sales.models import Opportunity
    from crm.sales.services import opportunity_update

    rep = e2e_demo["rep_east_1"]
    o = _opportunity(rep)
    first, second = _stages()[:2]
    sign_in(page, "rep_east_1")
    page.goto("/sales/board/")
    expect(page.locator(f"#opp-card-{o.pk}")).to_be_visible()
    # meanwhile someone changes the opportunity elsewhere
    opportunity_update(opportunity=o, version=o.version, actor=rep, next_step="提交报价")
    _drag(page, page.locator(f"#opp-card-{o.pk}"), page.locator(f"#col-cards-{second.pk}"))
    expect(page.locator("#board-message")).to_be_visible()
    expect(page.locator("#board-message")).to_contain_text("其他人已修改")
    expect(page.locator(f"#col-cards-{first.pk} #opp-card-{o.pk}")).to_be_visible()
    expect(page.locator(f"#col-head-{second.pk} .col-count")).to_have_text("0")
    assert Opportunity.objects.get(pk=o.pk).stage_id == first.pk


def test_admin_renames_and_reorders_one_units_stages(page: Page, e2e_demo: Any) -> None:
    from crm.org.models import OrgUnit
    from crm.sales.stages import stage_set

    east = OrgUnit.objects.get(name="华东化工有限公司")
    west = OrgUnit.objects.get(name="西南能源有限公司")
    defaults = [s.name for s in _stages()]
    sign_in(page, "admin")
    page.goto(f"/sales/stages/?bu={east.pk}")
    expect(page.locator("#stage-default-note")).to_be_visible()
    first_row = page.locator(".stage-row").first
    first_row.locator("input[name$='-name']").fill("初次拜访")
    first_row.locator(".stage-save").click()
    expect(page.locator(".stage-row").first).to_have_attribute("data-name", "初次拜访")
    expect(page.locator("#stage-default-note")).to_have_count(0)
    # drag the second stage above the first
    rows = page.locator(".stage-row")
    _drag(page, rows.nth(1).locator(".stage-handle"), rows.nth(0))
    expect(page.locator(".stage-row").first).to_have_attribute("data-name", "需求确认")
    expect(page.locator(".stage-row").nth(1)).to_have_attribute("data-name", "初次拜访")
    assert [s.name for s in stage_set(east)][:2] == ["需求确认", "初次拜访"]
    # the west and the default set are as they were
    assert [s.name for s in stage_set(west)] == defaults
    assert [s.name for s in stage_set(None)] == defaults
    page.goto(f"/sales/stages/?bu={west.pk}")
    expect(page.locator(".stage-row").first).to_have_attribute("data-name", "初步接触")
