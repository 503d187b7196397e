"""The field-service API: equipment with installed products, plans, the scheduler, visits with
outcome and version; another unit's customer's equipment is a 404."""

from typing import Any

import pytest
from django.utils import timezone

from crm.fieldservice.models import Equipment, FieldVisit, ServicePlan
from crm.products.demo import load_products
from crm.products.models import Product

pytestmark = pytest.mark.usefixtures("demo_once")


def test_equipment_create_with_products_and_patch(
    api_client: Any, agent: Any, west_customer: Any, reactor: Any
) -> None:
    load_products(customers=0)
    product = Product.objects.filter(active=True).first()
    assert product is not None
    c = api_client(agent)
    res = c.post_json(
        "/api/v1/equipment",
        {
            "customer_id": west_customer.pk,
            "name": "加氢反应器",
            "type_id": reactor.pk,
            "location": "二号装置区",
            "installed_on": "2020-05-01",
            "products": [{"product_id": product.pk, "quantity": "12.5"}],
        },
    )
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["skill"]["name"] == "催化剂"
    assert body["products"][0]["product"]["id"] == product.pk
    pk, version = body["id"], body["version"]
    res = c.patch_json(f"/api/v1/equipment/{pk}", {"version": version, "status": "stopped"})
    assert res.status_code == 200 and res.json()["status"] == "stopped"
    stale = c.patch_json(f"/api/v1/equipment/{pk}", {"version": version, "location": "x"})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    bad = c.post_json(
        "/api/v1/equipment", {"customer_id": west_customer.pk, "name": "x", "type_id": 999999}
    )
    assert bad.status_code == 422 and "type_id" in bad.json()["error"]["fields"]


def test_other_units_equipment_is_404(
    api_client: Any, rep_east: Any, mgr_east: Any, mgr_west: Any, west_plan: ServicePlan
) -> None:
    e = west_plan.equipment
    for user in (rep_east, mgr_east):
        assert api_client(user).get(f"/api/v1/equipment/{e.pk}").status_code == 404
        assert (
            api_client(user).get(f"/api/v1/equipment?customer_id={e.customer_id}").json()["count"]
            == 0
        )
    assert api_client(mgr_west).get(f"/api/v1/equipment/{e.pk}").status_code == 200


def test_schedule_and_record_through_the_api(
    api_client: Any, agent: Any, west_plan: ServicePlan, make_expert: Any, catalyst: Any
) -> None:
    expert = make_expert("fs_api", catalyst)
    c = api_client(agent)
    res = c.post_json("/api/v1/service-plans/schedule", {"ahead_days": 5})
    assert res.status_code == 200, res.content
    assert (res.json()["created"], res.json()["warnings"]) == (1, [])
    assert c.post_json("/api/v1/service-plans/schedule", {}).json()["created"] == 0
    mine = api_client(expert).get("/api/v1/field-visits").json()
    assert mine["count"] == 1
    visit = mine["items"][0]
    assert visit["equipment"]["id"] == west_plan.equipment_id
    res = api_client(expert).post_json(
        f"/api/v1/field-visits/{visit['id']}/record",
        {"version": visit["version"], "outcome": "活性正常", "findings": "无"},
    )
    assert res.status_code == 200, res.content
    assert res.json()["status"] == "done"
    again = api_client(expert).post_json(
        f"/api/v1/field-visits/{visit['id']}/record",
        {"version": res.json()["version"], "outcome": "x"},
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "visit_closed"
    plan = c.get(f"/api/v1/service-plans?equipment_id={west_plan.equipment_id}").json()["items"]
    assert plan[0]["next_due"] > str(timezone.localdate())


def test_plan_create_and_patch(api_client: Any, agent: Any, west_equipment: Equipment) -> None:
    c = api_client(agent)
    res = c.post_json(
        "/api/v1/service-plans",
        {
            "equipment_id": west_equipment.pk,
            "name": "月检",
            "interval": 1,
            "next_due": "2030-01-31",
        },
    )
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["skill"]["name"] == "催化剂" and body["interval_unit"] == "months"
    res = c.patch_json(
        f"/api/v1/service-plans/{body['id']}", {"version": body["version"], "interval": 0}
    )
    assert res.status_code == 422
    res = c.patch_json(
        f"/api/v1/service-plans/{body['id']}", {"version": body["version"], "active": False}
    )
    assert res.status_code == 200 and res.json()["active"] is False
    assert not FieldVisit.objects.exists()
