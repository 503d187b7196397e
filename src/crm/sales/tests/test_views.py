"""Pipeline pages: lists, forms, conversion, the board (htmx moves, stale refusal, constant
query count), stage settings, the forecast page and the customer 360° tab."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from crm.sales.models import Lead, LeadStatus, Opportunity, Stage
from crm.sales.stages import stage_set

from .conftest import in_days

pytestmark = pytest.mark.usefixtures("demo_once")

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_lead_pages(page_client: Any, rep_east: Any, east_lead: Any) -> None:
    client = page_client(rep_east)
    html = client.get("/sales/leads/", {"q": "hzlj"}).content.decode()
    assert f'href="/sales/leads/{east_lead.pk}/"' in html
    empty = client.get("/sales/leads/", {"q": "不存在"}).content.decode()
    assert 'id="lead-empty"' in empty
    assert client.get("/sales/leads/", {"owner": "x", "sort": "bogus"}).status_code == 200
    detail = client.get(f"/sales/leads/{east_lead.pk}/").content.decode()
    assert 'id="lead-convert"' in detail and 'id="history"' in detail
    bad = client.post("/sales/leads/new/", {"company": "x", "mobile": "12"})
    assert bad.status_code == 422 and "11" in bad.content.decode()


def test_lead_status_page(page_client: Any, rep_east: Any, east_lead: Any) -> None:
    client = page_client(rep_east)
    url = f"/sales/leads/{east_lead.pk}/status/"
    r = client.post(url, {"status": "disqualified", "version": east_lead.version}, follow=True)
    assert Lead.objects.get(pk=east_lead.pk).status == LeadStatus.NEW
    assert r.status_code == 200
    client.post(url, {"status": "disqualified", "reason": "重复", "version": east_lead.version})
    assert Lead.objects.get(pk=east_lead.pk).status == LeadStatus.DISQUALIFIED


def test_convert_page(page_client: Any, rep_east: Any, east_lead: Any) -> None:
    client = page_client(rep_east)
    assert client.get(f"/sales/leads/{east_lead.pk}/convert/").status_code == 200
    r = client.post(
        f"/sales/leads/{east_lead.pk}/convert/",
        {
            "customer_choice": "new",
            "create_contact": "on",
            "opportunity_name": "龙井首单",
            "amount": "30000",
            "expected_close": in_days(60).isoformat(),
            "version": east_lead.version,
        },
    )
    assert r.status_code == 302
    o = Opportunity.objects.get(source_lead=east_lead)
    assert r.url == f"/sales/opportunities/{o.pk}/"
    page = client.get(r.url).content.decode()
    assert 'id="source-lead"' in page


def test_opportunity_create_page_with_picker_and_lines(
    page_client: Any, rep_east: Any, pipeline_east_customer: Any, product: Any, default_stages: Any
) -> None:
    client = page_client(rep_east)
    options = client.get("/sales/opportunities/customers/", {"customer": "pujiang"})
    assert pipeline_east_customer.code in options.content.decode()
    form = client.get(f"/sales/opportunities/new/?customer={pipeline_east_customer.pk}")
    assert pipeline_east_customer.code in form.content.decode()
    data = {
        "name": "MDI 年度框架",
        "customer": f"{pipeline_east_customer.code} {pipeline_east_customer.name}",
        "stage": default_stages[1].pk,
        "amount": "0",
        "expected_close": in_days(30).isoformat(),
        "owner": rep_east.pk,
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": product.pk,
        "lines-0-quantity": "2",
        "lines-0-unit_price": "5000",
    }
    r = client.post("/sales/opportunities/new/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    o = Opportunity.objects.get(name="MDI 年度框架")
    assert o.amount == Decimal("10000") and o.stage == default_stages[1]
    bad = client.post("/sales/opportunities/new/", {**data, "customer": "C99999999"})
    assert bad.status_code == 422


def test_opportunity_detail_edit_and_stale_edit(
    page_client: Any, rep_east: Any, east_opportunity: Any
) -> None:
    client = page_client(rep_east)
    html = client.get(f"/sales/opportunities/{east_opportunity.pk}/").content.decode()
    assert 'id="stage-history"' in html and 'id="history"' in html
    data = {
        "name": "改名",
        "customer": east_opportunity.customer.code,
        "amount": "200",
        "expected_close": in_days(20).isoformat(),
        "owner": rep_east.pk,
        "version": east_opportunity.version,
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
    }
    url = f"/sales/opportunities/{east_opportunity.pk}/edit/"
    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "name": "又改名"})
    assert stale.status_code == 409 and "其他人已修改" in stale.content.decode()
    assert Opportunity.objects.get(pk=east_opportunity.pk).name == "改名"


def test_board_and_constant_queries(
    page_client: Any,
    rep_east: Any,
    pipeline_east_customer: Any,
    make_opportunity: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = page_client(rep_east)
    make_opportunity(rep_east, pipeline_east_customer, name="第一个")
    client.get("/sales/board/")
    with django_assert_max_num_queries(30) as few:
        r = client.get("/sales/board/")
    assert r.status_code == 200 and "第一个" in r.content.decode()
    for i in range(30):
        make_opportunity(rep_east, pipeline_east_customer, name=f"机会{i}", amount=i + 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get("/sales/board/")
    html = r.content.decode()
    assert html.count('class="card opp-card') == 20  # capped per column
    assert "/sales/opportunities/?" in html and "stage=" in html  # the column's "all" link


def test_board_move_returns_card_and_totals(
    page_client: Any, rep_east: Any, east_opportunity: Any, default_stages: Any
) -> None:
    client = page_client(rep_east)
    url = f"/sales/opportunities/{east_opportunity.pk}/move/"
    r = client.post(
        url,
        {"stage": default_stages[1].pk, "version": east_opportunity.version, "bu": "default"},
        **HTMX,
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert f'id="opp-card-{east_opportunity.pk}"' in html and 'hx-swap-oob="true"' in html
    assert f'data-version="{east_opportunity.version + 1}"' in html
    assert html.count('class="board-head') == 7
    # the same (now stale) version again: 409 with the message, nothing moves
    r = client.post(
        url,
        {"stage": default_stages[2].pk, "version": east_opportunity.version, "bu": "default"},
        **HTMX,
    )
    assert r.status_code == 409 and "其他人已修改" in r.content.decode()
    assert Opportunity.objects.get(pk=east_opportunity.pk).stage == default_stages[1]


def test_stage_settings_page(page_client: Any, admin: Any, east_co: Any, west_co: Any) -> None:
    client = page_client(admin)
    html = client.get(f"/sales/stages/?bu={east_co.pk}").content.decode()
    assert 'id="stage-default-note"' in html
    first = stage_set(east_co).first()
    assert first is not None
    r = client.post(
        "/sales/stages/",
        {
            "bu": east_co.pk,
            "action": "update",
            "id": first.pk,
            f"s{first.pk}-name": "初次拜访",
            f"s{first.pk}-probability": "15",
            f"s{first.pk}-forecast_category": "pipeline",
            f"s{first.pk}-active": "on",
        },
    )
    assert r.status_code == 302
    assert stage_set(east_co).first().name == "初次拜访"  # type: ignore[union-attr]
    assert stage_set(west_co).first().name == "初步接触"  # type: ignore[union-attr]
    ids = list(stage_set(east_co).values_list("pk", flat=True))
    client.post("/sales/stages/reorder/", {"bu": east_co.pk, "ids": ",".join(map(str, ids[::-1]))})
    assert list(stage_set(east_co).values_list("pk", flat=True)) == ids[::-1]
    assert client.get("/sales/stages/?bu=999999").status_code == 404


def test_stage_delete_in_use_shows_message(
    page_client: Any, admin: Any, east_opportunity: Any, default_stages: Any
) -> None:
    client = page_client(admin)
    r = client.post(
        "/sales/stages/",
        {"bu": "default", "action": "delete", "id": default_stages[0].pk},
        follow=True,
    )
    assert Stage.objects.filter(pk=default_stages[0].pk).exists()
    assert "请停用" in r.content.decode()


def test_forecast_page_and_export(page_client: Any, leader: Any, east_opportunity: Any) -> None:
    client = page_client(leader)
    r = client.get("/sales/forecast/", {"period": "quarter", "group_by": "business_unit"})
    html = r.content.decode()
    assert r.status_code == 200 and "华东化工有限公司" in html and 'id="forecast-data"' in html
    x = client.get("/sales/forecast/export/", {"format": "xlsx"})
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxml")


def test_customer_tab(page_client: Any, rep_east: Any, east_opportunity: Any) -> None:
    client = page_client(rep_east)
    page = client.get(f"/customers/{east_opportunity.customer_id}/").content.decode()
    assert 'id="figure-open_opportunities"' in page and 'id="figure-weighted_pipeline"' in page
    url = f"/customers/{east_opportunity.customer_id}/tabs/opportunities/"
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="customer-opportunities"' in html and east_opportunity.name in html
    assert "<html" not in html  # the fragment only, for htmx


def test_lists_constant_queries(
    page_client: Any,
    rep_east: Any,
    pipeline_east_customer: Any,
    make_opportunity: Any,
    make_lead: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = page_client(rep_east)
    make_opportunity(rep_east, pipeline_east_customer)
    make_lead(rep_east)
    client.get("/sales/opportunities/")
    with django_assert_max_num_queries(40) as opp:
        client.get("/sales/opportunities/")
    with django_assert_max_num_queries(40) as leads:
        client.get("/sales/leads/")
    for i in range(15):
        make_opportunity(rep_east, pipeline_east_customer, name=f"o{i}")
        make_lead(rep_east, f"公司{i}")
    with django_assert_max_num_queries(len(opp.captured_queries)):
        client.get("/sales/opportunities/")
    with django_assert_max_num_queries(len(leads.captured_queries)):
        client.get("/sales/leads/")


def test_global_search_finds_leads_and_opportunities(
    page_client: Any, rep_east: Any, rep_west: Any, east_lead: Any, east_opportunity: Any
) -> None:
    html = page_client(rep_east).get("/search/", {"q": "hzlj"}).content.decode()
    assert f"/sales/leads/{east_lead.pk}/" in html
    html = page_client(rep_east).get("/search/", {"q": "MDI"}).content.decode()
    assert f"/sales/opportunities/{east_opportunity.pk}/" in html
    other = page_client(rep_west).get("/search/", {"q": "MDI"}).content.decode()
    assert f"/sales/opportunities/{east_opportunity.pk}/" not in other


def test_opportunity_page_lists_its_activities_and_plans_one(
    page_client: Any, rep_east: Any, east_opportunity: Any
) -> None:
    from crm.sales import services_activities

    client = page_client(rep_east)
    url = f"/sales/opportunities/{east_opportunity.pk}/"
    empty = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="opportunity-activities-empty"' in empty
    assert f"opportunity={east_opportunity.pk}" in empty  # "plan a visit" carries the deal
    services_activities.activity_create(
        actor=rep_east,
        kind="visit",
        subject="方案演示拜访",
        customer=east_opportunity.customer,
        opportunity=east_opportunity,
        planned_start=timezone.now() + timedelta(days=1),
    )
    services_activities.activity_create(
        actor=rep_east,
        kind="visit",
        subject="别的商机的拜访",
        customer=east_opportunity.customer,
        planned_start=timezone.now() + timedelta(days=2),
    )
    html = client.get(url).content.decode()
    assert "方案演示拜访" in html and "别的商机的拜访" not in html
    listed = client.get(f"/sales/activities/?opportunity={east_opportunity.pk}").content.decode()
    assert "方案演示拜访" in listed and "别的商机的拜访" not in listed
