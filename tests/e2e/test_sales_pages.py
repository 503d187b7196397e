"""Sales pages in the browser, each on its main path: the opportunity form's product picker,
the forecast (period, grouping, figures, export), targets (a manager sets one and sees the
achievement), the calendar (a rep's week; a manager's team) and the lead list (filter, sort,
pages, empty state)."""

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _seeded(e2e_demo: Any) -> None:
    """Stages and units come from data migrations; a transactional test's flush removes
    them, so they are seeded again (as the migrations do)."""
    from crm.products.models import UnitOfMeasure
    from crm.products.seed import seed_units
    from crm.sales.models import Stage
    from crm.sales.seed import seed_stages

    seed_stages(Stage)
    seed_units(UnitOfMeasure)


def _customer(owner: Any, name: str = "上海浦江化工有限公司") -> Any:
    from crm.customers.services import customer_create

    return customer_create(actor=owner, name=name)


def _stages() -> list[Any]:
    from crm.sales.models import Stage

    return list(Stage.objects.filter(business_unit__isnull=True).order_by("order"))


def _opportunity(owner: Any, customer: Any, name: str, amount: str, **fields: Any) -> Any:
    from crm.sales.services import opportunity_create

    fields.setdefault("expected_close", timezone.localdate())
    return opportunity_create(
        actor=owner, customer=customer, name=name, amount=Decimal(amount), **fields
    )


# --- the opportunity form's product picker -------------------------------------------------


def test_pick_products_for_an_opportunity(page: Page, e2e_demo: Any) -> None:
    from crm.products.models import UnitOfMeasure
    from crm.products.services import brand_create, product_create
    from crm.products.services_prices import customer_price_create
    from crm.sales.models import Opportunity

    admin, rep = e2e_demo["admin"], e2e_demo["rep_east_1"]
    ton = UnitOfMeasure.objects.get(code="t")
    wanhua = brand_create(actor=admin, name="万华")
    mdi = product_create(
        actor=admin, code="WH-MDI-100", name="纯MDI", unit=ton, brand=wanhua, list_price=4850
    )
    product_create(actor=admin, code="OLD-1", name="停产聚醚", unit=ton, list_price=1, active=False)
    customer = _customer(rep)
    customer_price_create(
        actor=admin, customer=customer, product=mdi, price="4321.5", valid_from=timezone.localdate()
    )

    sign_in(page, "rep_east_1")
    page.goto(f"/sales/opportunities/new/?customer={customer.pk}")
    page.fill("#id_name", "浦江 MDI 年度框架")
    page.select_option("#id_stage", label=_stages()[0].name)
    page.fill("#id_expected_close", (timezone.localdate() + timedelta(days=30)).isoformat())
    # the brand's pinyin finds the product, with its unit and this customer's price
    first = page.locator(".line-row").first
    first.locator(".line-product-text").press_sequentially("wanhua")
    option = first.locator(".product-option", has_text="WH-MDI-100")
    expect(option).to_contain_text("4321.50 / 吨")
    expect(option).to_contain_text("客户专属价")
    option.click()
    expect(first.locator(".line-product-text")).to_have_value("WH-MDI-100 纯MDI")
    expect(first.locator(".line-unit")).to_have_text("吨")
    expect(first.locator(".line-price")).to_have_value("4321.50")
    expect(first.locator(".line-quantity")).to_have_value("1")
    expect(first.locator(".line-product-options .product-option")).to_have_count(0)
    first.locator(".line-quantity").fill("2")
    # a retired product is not offered
    second = page.locator(".line-row").nth(1)
    second.locator(".line-product-text").press_sequentially("停产")
    expect(second.locator(".product-none")).to_contain_text("没有与“停产”匹配的在用产品")
    # typed and not picked: the server refuses the unknown code, in Chinese
    second.locator(".line-product-text").fill("NOPE-9")
    second.locator(".line-quantity").fill("1")
    page.click("#opportunity-save")
    expect(page.locator(".line-row").nth(1)).to_contain_text("没有与“NOPE-9”匹配的在用产品")
    # the picked line survived the round trip; clear the bad one, add none, save
    expect(page.locator(".line-row").first.locator(".line-unit")).to_have_text("吨")
    page.locator(".line-row").nth(1).locator(".line-product-text").fill("")
    page.click("#line-add")
    expect(page.locator(".line-row")).to_have_count(4)
    page.click("#opportunity-save")
    expect(page).to_have_url(re.compile(r"/sales/opportunities/\d+/$"))
    expect(page.locator("#line-list")).to_contain_text("WH-MDI-100")
    expect(page.locator("#line-list")).to_contain_text("8643.00")
    o = Opportunity.objects.get(name="浦江 MDI 年度框架")
    assert o.amount == Decimal("8643.00") and o.lines.count() == 1


# --- forecast ------------------------------------------------------------------------------


def test_forecast_by_period_and_group_with_export(page: Page, e2e_demo: Any) -> None:
    from crm.sales.forecast import period_label

    rep1, rep2 = e2e_demo["rep_east_1"], e2e_demo["rep_east_2"]
    stages = {s.name: s for s in _stages()}
    today = timezone.localdate()
    later = today + timedelta(days=40)
    # commit 80 % of 100,000 this month; best case 40 % of 50,000 in a later month; lost: out
    _opportunity(rep1, _customer(rep1), "浦江 MDI", "100000", stage=stages["合同签订"])
    _opportunity(
        rep2,
        _customer(rep2, "苏州工业园区化工有限公司"),
        "苏州 TDI",
        "50000",
        stage=stages["方案/报价"],
        expected_close=later,
    )
    _opportunity(
        rep1, _customer(rep1, "无锡输单化工有限公司"), "输单", "70000", stage=stages["输单"]
    )

    sign_in(page, "mgr_east")
    page.goto("/sales/forecast/")
    expect(page.locator("#forecast-weighted")).to_have_text("¥100000.00")
    table = page.locator("#forecast-table")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="陈晓明")).to_contain_text(period_label(today, "month"))
    expect(rows.filter(has_text="陈晓明")).to_contain_text("80000.00")
    expect(rows.filter(has_text="刘芳")).to_contain_text(period_label(later, "month"))
    expect(rows.filter(has_text="刘芳")).to_contain_text("20000.00")
    expect(table.locator("tfoot")).to_contain_text("100000.00")

    # by quarter and by unit: both reps' figures land in their team's row(s)
    page.select_option("#forecast-filters select[name=period]", "quarter")
    page.select_option("#forecast-filters select[name=group_by]", "unit")
    page.click("#forecast-filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"period=quarter.*group_by=unit"))
    quarters = sorted({period_label(today, "quarter"), period_label(later, "quarter")})
    expect(rows).to_have_count(len(quarters))
    for label in quarters:
        expect(rows.filter(has_text=label)).to_contain_text("上海销售一组")
    expect(table).not_to_contain_text("陈晓明")
    if len(quarters) == 1:
        expect(rows.first).to_contain_text("100000.00")
    expect(page.locator("#forecast-weighted")).to_have_text("¥100000.00")

    # the export carries the same view
    with page.expect_download() as download:
        page.click("#forecast-csv")
    assert download.value.suggested_filename.endswith(".csv")
    text = download.value.path().read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert "上海销售一组" in text and quarters[0] in text and "陈晓明" not in text
    assert lines[-1].startswith("合计") and "100000" in lines[-1]


# --- targets -------------------------------------------------------------------------------


def test_a_manager_sets_a_target_and_sees_the_achievement(page: Page, e2e_demo: Any) -> None:
    from crm.sales.services import opportunity_close

    rep = e2e_demo["rep_east_1"]
    won = _opportunity(rep, _customer(rep), "浦江 MDI 首单", "25000")
    opportunity_close(opportunity=won, won=True, reason="", version=won.version, actor=rep)

    sign_in(page, "mgr_east")
    page.goto("/sales/targets/")
    row = page.locator(f"#target-tree tr.target-rep[data-rep='{rep.pk}']")
    expect(row).to_contain_text("25000.00")  # won, no target yet
    row.locator("a", has_text="设定").click()
    expect(page.locator("#id_rep")).to_have_value(str(rep.pk))
    page.fill("#id_amount", "100000")
    page.click("#target-save")
    expect(page).to_have_url(re.compile(r"/sales/targets/\?period=month"))
    row = page.locator(f"#target-tree tr.target-rep[data-rep='{rep.pk}']")
    expect(row).to_contain_text("100000.00")
    expect(row).to_contain_text("25.0%")
    # the rep's team is measured against the sum of its reps' targets
    team = page.locator("#target-tree tr.target-unit", has_text="上海销售一组")
    expect(team).to_contain_text("25.0%")


# --- calendar ------------------------------------------------------------------------------


def _visit(owner: Any, subject: str, hour: int, customer: Any) -> Any:
    from crm.sales.services_activities import activity_create

    start = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
    return activity_create(
        actor=owner,
        subject=subject,
        customer=customer,
        planned_start=start + timedelta(hours=hour),
    )


def test_a_reps_week_and_the_managers_team_view(
    new_page: Callable[..., Page], e2e_demo: Any
) -> None:
    rep1, rep2 = e2e_demo["rep_east_1"], e2e_demo["rep_east_2"]
    _visit(rep1, "介绍新品润滑油", 10, _customer(rep1))
    _visit(rep2, "回访苏州客户", 15, _customer(rep2, "苏州工业园区化工有限公司"))
    today = timezone.localdate().isoformat()

    page = new_page()
    sign_in(page, "rep_east_1")
    page.goto("/sales/calendar/")
    expect(page.locator(f"#calendar-grid td[data-day='{today}']")).to_contain_text(
        "10:00 介绍新品润滑油"
    )
    page.click("#view-week")
    day = page.locator(f"#calendar-grid section[data-day='{today}']")
    expect(day).to_contain_text("10:00 介绍新品润滑油")
    expect(day).to_contain_text("上海浦江化工有限公司")
    expect(page.locator("#calendar-grid")).not_to_contain_text("回访苏州客户")

    boss = new_page()
    sign_in(boss, "mgr_east")
    boss.goto("/sales/calendar/?view=week")
    expect(boss.locator("#calendar-grid")).not_to_contain_text("介绍新品润滑油")  # own: none
    boss.select_option("#calendar-filter select[name=unit]", label="上海销售一组")
    expect(boss).to_have_url(re.compile(r"unit=\d+"))
    day = boss.locator(f"#calendar-grid section[data-day='{today}']")
    expect(day).to_contain_text("介绍新品润滑油 · 陈晓明")
    expect(day).to_contain_text("回访苏州客户 · 刘芳")


# --- leads ---------------------------------------------------------------------------------


def test_the_lead_list_filters_sorts_pages_and_says_when_empty(page: Page, e2e_demo: Any) -> None:
    from crm.sales.services_leads import lead_create, lead_set_status

    rep = e2e_demo["rep_east_1"]
    leads = [lead_create(actor=rep, company=f"测试线索{i:02d}化工有限公司") for i in range(23)]
    for lead in leads[3:5]:
        lead_set_status(lead=lead, status="contacted", version=lead.version, actor=rep)
    lead_create(actor=e2e_demo["rep_west_1"], company="成都别人的线索有限公司")

    sign_in(page, "rep_east_1")
    page.goto("/sales/leads/")
    body = page.locator("#lead-table tbody tr")
    # newest changes first, 20 to a page; only the rep's own leads
    expect(body).to_have_count(20)
    expect(body.first).to_contain_text("测试线索04")
    expect(page.locator("#lead-table")).not_to_contain_text("成都别人的线索")
    page.locator(".pagination a", has_text="下一页").click()
    expect(body).to_have_count(3)

    # sort by company (the column head), then page back
    page.goto("/sales/leads/")
    page.locator("#lead-table thead a", has_text="公司").click()
    expect(body.first).to_contain_text("测试线索00")
    expect(body.nth(19)).to_contain_text("测试线索19")
    page.locator(".pagination a", has_text="下一页").click()
    expect(body.first).to_contain_text("测试线索20")
    expect(body.last).to_contain_text("测试线索22")

    # filter by status and by search
    page.goto("/sales/leads/")
    page.select_option("#lead-filters select[name=status]", "contacted")
    page.click("#lead-filters button[type=submit]")
    expect(body).to_have_count(2)
    expect(page.locator("#lead-table")).to_contain_text("测试线索03")
    expect(page.locator("#lead-table")).to_contain_text("测试线索04")
    page.fill("#lead-search", "测试线索07")
    page.select_option("#lead-filters select[name=status]", "")
    page.click("#lead-filters button[type=submit]")
    expect(body).to_have_count(1)

    # nothing matches: the empty state, and the way back
    page.fill("#lead-search", "没有这家公司")
    page.click("#lead-filters button[type=submit]")
    expect(page.locator("#lead-empty")).to_contain_text("没有符合")
    page.locator("#lead-empty a").click()
    expect(body).to_have_count(20)
