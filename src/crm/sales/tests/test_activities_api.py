"""API of activities, targets and the achievement reports."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.customers.models import Interaction
from crm.sales.models_activities import Activity, Target
from crm.sales.target_periods import period_of

from .fixtures_activities import *  # noqa: F403

pytestmark = pytest.mark.usefixtures("demo_once")


def _iso(dt):
    return timezone.localtime(dt).isoformat()


def test_plan_check_in_complete_and_rate(api_client, rep_west, west_customer, west_contact):
    client = api_client(rep_west)
    start = timezone.now() + timedelta(minutes=5)

    res = client.post_json(
        "/api/v1/activities",
        {
            "kind": "visit",
            "subject": "季度拜访",
            "customer_id": west_customer.pk,
            "contact_id": west_contact.pk,
            "planned_start": _iso(start),
            "purpose": "介绍新品",
        },
    )
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["owner"]["id"] == rep_west.pk and body["customer"]["name"] == west_customer.name
    assert body["status"] == "planned" and body["is_overdue"] is False
    aid, version = body["id"], body["version"]
    rate = client.get("/api/v1/visits/achievement").json()
    assert (rate["planned"], rate["done"], rate["rate"]) == (1, 0, 0.0)

    res = client.post_json(f"/api/v1/activities/{aid}/check-in", {"version": version})
    assert res.status_code == 200 and res.json()["checked_in_at"]
    again = client.post_json(
        f"/api/v1/activities/{aid}/check-in", {"version": res.json()["version"]}
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "checked_in"
    stale = client.post_json(
        f"/api/v1/activities/{aid}/complete", {"version": version, "notes": "x"}
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"

    res = client.post_json(
        f"/api/v1/activities/{aid}/complete",
        {"version": res.json()["version"], "notes": "谈妥", "next_step": "发报价"},
    )
    assert res.status_code == 200, res.content
    assert res.json()["status"] == "done" and res.json()["interaction_id"]
    assert Interaction.objects.filter(pk=res.json()["interaction_id"], channel="visit").exists()
    rate = client.get("/api/v1/visits/achievement").json()
    assert (rate["planned"], rate["done"], rate["rate"]) == (1, 1, 100.0)
    assert rate["reps"][0]["owner"]["id"] == rep_west.pk


def test_field_errors(api_client, rep_west, west_customer, east_customer, mgr_west):
    client = api_client(rep_west)
    start = _iso(timezone.now())

    res = client.post_json(
        "/api/v1/activities",
        {"subject": "拜访", "planned_start": start, "customer_id": east_customer.pk},
    )
    assert res.status_code == 422 and "customer_id" in res.json()["error"]["fields"]
    res = client.post_json("/api/v1/activities", {"subject": "拜访", "planned_start": start})
    assert res.status_code == 422 and "customer" in res.json()["error"]["fields"]
    res = client.post_json(
        "/api/v1/activities",
        {
            "subject": "拜访",
            "planned_start": start,
            "customer_id": west_customer.pk,
            "owner_id": mgr_west.pk,
        },
    )
    assert res.status_code == 422 and "owner_id" in res.json()["error"]["fields"]
    res = client.post_json("/api/v1/activities", {"subject": "", "planned_start": "tomorrow"})
    assert res.status_code == 422
    assert {"subject", "planned_start"} <= set(res.json()["error"]["fields"])
    assert not Activity.objects.exists()


def test_list_filters_patch_and_delete(api_client, plan, rep_west, mgr_west, west_customer):
    a = plan(rep_west, west_customer, start=timezone.now() - timedelta(hours=3), subject="逾期")
    plan(rep_west, west_customer, kind="call", subject="电话")
    client = api_client(mgr_west)

    res = client.get("/api/v1/activities?status=overdue")
    assert [i["id"] for i in res.json()["items"]] == [a.pk]
    assert res.json()["items"][0]["is_overdue"] is True
    assert client.get("/api/v1/activities?kind=call").json()["count"] == 1
    assert client.get("/api/v1/activities?status=bogus").status_code == 422

    res = client.patch_json(
        f"/api/v1/activities/{a.pk}",
        {"version": a.version, "planned_start": _iso(timezone.now() + timedelta(days=1))},
    )
    assert res.status_code == 200 and res.json()["is_overdue"] is False
    res = client.patch_json(f"/api/v1/activities/{a.pk}", {"version": a.version, "subject": "旧"})
    assert res.status_code == 409
    assert client.delete(f"/api/v1/activities/{a.pk}").status_code == 204
    assert client.get(f"/api/v1/activities/{a.pk}").status_code == 404
    assert Activity.all_objects.get(pk=a.pk).is_deleted


def test_rep_may_not_patch_away_to_another_owner(
    api_client, plan, rep_west, rep_east, west_customer
):
    a = plan(rep_west, west_customer)

    res = api_client(rep_west).patch_json(
        f"/api/v1/activities/{a.pk}", {"version": a.version, "owner_id": rep_east.pk}
    )

    assert res.status_code == 422
    assert Activity.objects.get(pk=a.pk).owner == rep_west


def test_targets_api(api_client, mgr_west, rep_west, west_customer, won):
    month = period_of("month", timezone.localdate(), 1)
    won(rep_west, west_customer, "25000", month.start)
    mgr = api_client(mgr_west)

    res = mgr.post_json(
        "/api/v1/targets",
        {
            "period_kind": "month",
            "period_start": str(month.start),
            "amount": "100000",
            "rep_id": rep_west.pk,
        },
    )
    assert res.status_code == 201, res.content
    body = res.json()
    assert Decimal(body["actual"]) == Decimal("25000") and Decimal(body["amount"]) == 100000
    assert body["percent"] == 25.0 and body["period_end"] == str(month.end)
    tid = body["id"]
    dup = mgr.post_json(
        "/api/v1/targets",
        {
            "period_kind": "month",
            "period_start": str(month.start),
            "amount": "1",
            "rep_id": rep_west.pk,
        },
    )
    assert dup.status_code == 422 and "rep" in dup.json()["error"]["fields"]
    both = mgr.post_json(
        "/api/v1/targets", {"period_kind": "month", "period_start": str(month.start), "amount": "1"}
    )
    assert both.status_code == 422

    rep = api_client(rep_west)
    assert [t["id"] for t in rep.get("/api/v1/targets").json()["items"]] == [tid]
    assert (
        rep.patch_json(f"/api/v1/targets/{tid}", {"version": 1, "amount": "1"}).status_code == 403
    )
    res = mgr.patch_json(f"/api/v1/targets/{tid}", {"version": 1, "amount": "50000"})
    assert res.status_code == 200 and res.json()["percent"] == 50.0

    tree = mgr.get(f"/api/v1/targets/achievement?period_kind=month&date={month.start}").json()
    assert tree["period"]["start"] == str(month.start)
    rep_row = next(r for r in tree["rows"] if r["rep"] and r["rep"]["id"] == rep_west.pk)
    assert rep_row["percent"] == 50.0 and rep_row["target_id"] == tid
    assert mgr.delete(f"/api/v1/targets/{tid}").status_code == 204
    assert Target.all_objects.get(pk=tid).is_deleted


BIG = 2**70  # beyond any 64-bit integer column


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", f"/api/v1/activities/{BIG}", 404),
        ("get", f"/api/v1/targets/{BIG}", 404),
        ("get", f"/api/v1/activities?owner_id={BIG}", 422),
        ("get", f"/api/v1/visits/achievement?unit_id={BIG}", 422),
        ("get", "/api/v1/visits/achievement?date=0", 422),
        ("get", "/api/v1/activities?search=a%00b", 200),
        ("post", "/api/v1/activities", 422),
    ],
)
def test_input_edges(api_client, admin, method, path, status):
    client = api_client(admin)
    body = {"subject": "x", "planned_start": "2026-01-01T09:00:00+08:00", "customer_id": BIG}

    res = client.get(path) if method == "get" else client.post_json(path, body)

    assert res.status_code == status, res.content


def test_deleted_activity_is_restored_from_the_recycle_bin(
    api_client, plan, rep_west, mgr_west, west_customer
):
    a = plan(rep_west, west_customer)
    mgr = api_client(mgr_west)
    assert mgr.delete(f"/api/v1/activities/{a.pk}").status_code == 204

    listed = mgr.get("/api/v1/recycle-bin?model=sales.activity").json()
    assert a.pk in {i["id"] for i in listed["items"]}
    res = mgr.post_json(f"/api/v1/recycle-bin/sales.activity/{a.pk}/restore")

    assert res.status_code == 204, res.content
    assert mgr.get(f"/api/v1/activities/{a.pk}").status_code == 200
