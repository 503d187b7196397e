"""The pipeline API: leads with conversion, opportunities with versioned stage moves (409),
close, stages for system managers, forecast with export; the shared error body."""

from decimal import Decimal
from typing import Any

import pytest

from crm.customers.models import Customer
from crm.sales.models import Lead, LeadStatus, Opportunity, Stage

from .conftest import in_days

pytestmark = pytest.mark.usefixtures("demo_once")


def test_lead_create_read_patch_and_errors(api_client: Any, rep_east: Any) -> None:
    client = api_client(rep_east)
    r = client.post_json("/api/v1/leads", {"company": "杭州龙井新材料有限公司", "mobile": "123"})
    assert r.status_code == 422
    assert (
        r.json()["error"]["code"] == "validation_error" and "mobile" in r.json()["error"]["fields"]
    )
    r = client.post_json(
        "/api/v1/leads", {"company": "杭州龙井新材料有限公司", "contact_name": "王强"}
    )
    assert r.status_code == 201, r.content
    lead = r.json()
    assert lead["status"] == "new" and lead["owner"]["id"] == rep_east.pk
    assert lead["possible_duplicates"] == []
    r = client.patch_json(
        f"/api/v1/leads/{lead['id']}", {"version": lead["version"], "status": "disqualified"}
    )
    assert r.status_code == 422 and "reason" in r.json()["error"]["fields"]
    r = client.patch_json(
        f"/api/v1/leads/{lead['id']}",
        {"version": lead["version"], "status": "disqualified", "reason": "无预算", "notes": "x"},
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "disqualified" and r.json()["disqualify_reason"] == "无预算"
    stale = client.patch_json(f"/api/v1/leads/{lead['id']}", {"version": 1, "notes": "y"})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"


def test_lead_list_filters(api_client: Any, rep_east: Any, east_lead: Any, make_lead: Any) -> None:
    make_lead(rep_east, "南京化纤有限公司")
    client = api_client(rep_east)
    r = client.get("/api/v1/leads", {"search": "hzlj"})
    assert [i["id"] for i in r.json()["items"]] == [east_lead.pk]
    assert client.get("/api/v1/leads", {"status": "new"}).json()["count"] == 2
    assert client.get("/api/v1/leads", {"status": "bogus"}).status_code == 422


def test_convert_via_api(
    api_client: Any, rep_east: Any, east_lead: Any, make_lead: Any, pipeline_east_customer: Any
) -> None:
    client = api_client(rep_east)
    r = client.post_json(
        f"/api/v1/leads/{east_lead.pk}/convert",
        {"version": east_lead.version, "amount": "50000", "expected_close": "2030-01-31"},
    )
    assert r.status_code == 201, r.content
    out = r.json()
    o = Opportunity.objects.get(pk=out["opportunity_id"])
    assert o.source_lead_id == east_lead.pk and o.amount == Decimal("50000")
    assert o.customer_id == out["customer_id"] and o.contact_id == out["contact_id"]
    assert Lead.objects.get(pk=east_lead.pk).status == LeadStatus.CONVERTED
    # a duplicate of an existing customer: 409 possible_duplicate, unless forced
    dup = make_lead(rep_east, pipeline_east_customer.name)
    r = client.post_json(f"/api/v1/leads/{dup.pk}/convert", {"version": dup.version})
    assert r.status_code == 409 and r.json()["error"]["code"] == "possible_duplicate"
    detail = client.get(f"/api/v1/leads/{dup.pk}").json()
    assert [d["id"] for d in detail["possible_duplicates"]] == [pipeline_east_customer.pk]
    r = client.post_json(
        f"/api/v1/leads/{dup.pk}/convert",
        {"version": dup.version, "customer_id": pipeline_east_customer.pk},
    )
    assert r.status_code == 201 and r.json()["customer_id"] == pipeline_east_customer.pk
    assert Customer.objects.count() == 2


def test_opportunity_create_with_lines_and_detail(
    api_client: Any, rep_east: Any, pipeline_east_customer: Any, product: Any
) -> None:
    client = api_client(rep_east)
    body = {
        "name": "MDI 年度框架",
        "customer_id": pipeline_east_customer.pk,
        "expected_close": in_days(40).isoformat(),
        "lines": [{"product_id": product.pk, "quantity": "3", "unit_price": "4700"}],
    }
    r = client.post_json("/api/v1/opportunities", body)
    assert r.status_code == 201, r.content
    o = r.json()
    assert Decimal(o["amount"]) == Decimal("14100") and o["probability"] == 10
    assert Decimal(o["weighted_amount"]) == Decimal("1410.00")
    assert o["lines"][0]["product_code"] == "WH-MDI-100"
    assert o["stage_history"][0]["from_stage"] is None
    bad = client.post_json(
        "/api/v1/opportunities", {**body, "lines": [{"product_id": 999999, "quantity": "1"}]}
    )
    assert bad.status_code == 422 and "lines.0.product_id" in bad.json()["error"]["fields"]


def test_stage_move_and_stale_409(
    api_client: Any, rep_east: Any, east_opportunity: Any, default_stages: Any
) -> None:
    client = api_client(rep_east)
    url = f"/api/v1/opportunities/{east_opportunity.pk}/stage"
    r = client.post_json(
        url, {"stage_id": default_stages[1].pk, "version": east_opportunity.version}
    )
    assert r.status_code == 200, r.content
    moved = r.json()
    assert moved["stage"]["id"] == default_stages[1].pk and moved["probability"] == 20
    assert moved["stage_history"][0]["seconds_in_stage"] is not None
    # the old version again: refused, nothing changes
    r = client.post_json(
        url, {"stage_id": default_stages[3].pk, "version": east_opportunity.version}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "stale_version"
    assert Opportunity.objects.get(pk=east_opportunity.pk).stage_id == default_stages[1].pk
    # a lost stage needs a reason; close needs it too
    r = client.post_json(url, {"stage_id": default_stages[6].pk, "version": moved["version"]})
    assert r.status_code == 422
    r = client.post_json(
        f"/api/v1/opportunities/{east_opportunity.pk}/close",
        {"outcome": "won", "version": moved["version"]},
    )
    assert r.status_code == 200 and r.json()["status"] == "won"


def test_patch_opportunity(api_client: Any, rep_east: Any, east_opportunity: Any) -> None:
    client = api_client(rep_east)
    url = f"/api/v1/opportunities/{east_opportunity.pk}"
    r = client.patch_json(url, {"version": east_opportunity.version, "probability": 35})
    assert r.status_code == 200 and r.json()["probability"] == 35
    current = r.json()["version"]
    r = client.patch_json(url, {"version": east_opportunity.version, "next_step": "x"})
    assert r.status_code == 409
    r = client.patch_json(url, {"version": current, "amount": "-5"})
    assert r.status_code == 422 and "amount" in r.json()["error"]["fields"]


def test_other_units_opportunity_is_404(
    api_client: Any, rep_east: Any, west_opportunity: Any
) -> None:
    r = api_client(rep_east).get(f"/api/v1/opportunities/{west_opportunity.pk}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_stages_api(api_client: Any, admin: Any, rep_east: Any, east_co: Any) -> None:
    listed = api_client(rep_east).get("/api/v1/stages", {"business_unit_id": east_co.pk}).json()
    assert [s["name"] for s in listed][:2] == ["初步接触", "需求确认"]
    assert all(s["business_unit_id"] is None for s in listed)
    assert api_client(rep_east).post_json("/api/v1/stages", {"name": "x"}).status_code == 403
    client = api_client(admin)
    r = client.patch_json(
        f"/api/v1/stages/{listed[0]['id']}", {"business_unit_id": east_co.pk, "name": "初次拜访"}
    )
    assert r.status_code == 200 and r.json()["business_unit_id"] == east_co.pk
    east = client.get("/api/v1/stages", {"business_unit_id": east_co.pk}).json()
    assert east[0]["name"] == "初次拜访"
    assert client.get("/api/v1/stages").json()[0]["name"] == "初步接触"
    ids = [s["id"] for s in east]
    r = client.post_json(
        "/api/v1/stages/reorder",
        {"business_unit_id": east_co.pk, "ids": [ids[1], ids[0], *ids[2:]]},
    )
    assert r.status_code == 200 and [s["name"] for s in r.json()][:2] == ["需求确认", "初次拜访"]
    in_use_free = client.post_json(
        "/api/v1/stages", {"business_unit_id": east_co.pk, "name": "样品"}
    ).json()
    assert client.delete(f"/api/v1/stages/{in_use_free['id']}").status_code == 204
    assert not Stage.objects.filter(pk=in_use_free["id"]).exists()
    r = client.post_json("/api/v1/stages", {"business_unit_id": rep_east.unit_id, "name": "x"})
    assert r.status_code == 422


def test_forecast_api_and_export(
    api_client: Any, leader: Any, rep_east: Any, east_opportunity: Any
) -> None:
    r = api_client(leader).get("/api/v1/forecast", {"period": "quarter", "group_by": "unit"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["rows"][0]["group"] == "上海销售一组"
    assert Decimal(body["total"]["pipeline"]) == Decimal("10000.00")
    assert api_client(leader).get("/api/v1/forecast", {"period": "week"}).status_code == 422
    csv = api_client(leader).get("/api/v1/forecast/export", {"format": "csv"})
    assert csv.status_code == 200 and csv.content.startswith("\ufeff".encode())
    assert "加权合计" in csv.content.decode("utf-8")
    assert api_client(rep_east).get("/api/v1/forecast/export").status_code == 403
