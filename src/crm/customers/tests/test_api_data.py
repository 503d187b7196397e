"""API of the data-quality report and of saved list views."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from crm.customers import services
from crm.customers.models import Customer, SavedFilter

from .conftest import VALID_USCC


def test_quality_report_worst_first_with_what_to_fix(
    api_client: Any, make_customer: Any, rep_east: Any, west_customer: Any
) -> None:
    poor = make_customer(rep_east, name="空白公司")
    rich = make_customer(rep_east, name="完整公司", uscc=VALID_USCC, phone="021-1")
    Customer.objects.filter(pk=poor.pk).update(updated_at=timezone.now() - timedelta(days=400))
    r = api_client(rep_east).get("/api/v1/customers/quality", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200, r.content
    body = r.json()
    # rep_east sees only their own two customers, not the west's
    assert [i["id"] for i in body["items"]] == [poor.pk, rich.pk]
    assert body["count"] == 2
    first = body["items"][0]
    assert first["score"] == 0 and first["stale"] is True
    assert "统一社会信用代码" in first["missing"]
    assert "统一社会信用代码" not in body["items"][1]["missing"]
    assert body["summary"]["count"] == 2 and body["summary"]["stale"] == 1
    assert body["summary"]["stale_months"] >= 1


def test_quality_filters_stale_and_below(
    api_client: Any, make_customer: Any, rep_east: Any
) -> None:
    poor = make_customer(rep_east, name="空白公司")
    make_customer(rep_east, name="完整公司", uscc=VALID_USCC, phone="021-1")
    Customer.objects.filter(pk=poor.pk).update(updated_at=timezone.now() - timedelta(days=400))
    client = api_client(rep_east)
    stale = client.get("/api/v1/customers/quality", {"stale": "true"}).json()
    assert [i["id"] for i in stale["items"]] == [poor.pk]
    below = client.get("/api/v1/customers/quality", {"below": 10}).json()
    assert [i["id"] for i in below["items"]] == [poor.pk]
    bad = client.get("/api/v1/customers/quality", {"below": "many"})
    assert bad.status_code == 422 and bad.json()["error"]["fields"]["below"]


def test_saved_views_are_the_callers_own(api_client: Any, rep_east: Any, rep_east_2: Any) -> None:
    mine = api_client(rep_east)
    r = mine.post_json("/api/v1/customers/views", {"name": "重点", "query": "q=化工&page=3&x=1"})
    assert r.status_code == 201, r.content
    view = r.json()
    assert view["name"] == "重点" and view["query"] == "q=%E5%8C%96%E5%B7%A5"  # page, x dropped
    # the same name replaces the view
    r = mine.post_json("/api/v1/customers/views", {"name": "重点", "query": "status=active"})
    assert r.json()["id"] == view["id"] and r.json()["query"] == "status=active"
    assert [v["name"] for v in mine.get("/api/v1/customers/views").json()] == ["重点"]
    # another user neither lists nor deletes it
    other = api_client(rep_east_2)
    assert other.get("/api/v1/customers/views").json() == []
    assert other.delete(f"/api/v1/customers/views/{view['id']}").status_code == 404
    assert mine.delete(f"/api/v1/customers/views/{view['id']}").status_code == 204
    assert not SavedFilter.objects.exists()


def test_saved_view_needs_a_name(api_client: Any, rep_east: Any) -> None:
    r = api_client(rep_east).post_json(
        "/api/v1/customers/views", {"name": "  ", "query": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["name"]
    services.saved_filter_save(user=rep_east, name="甲", query="")
    assert SavedFilter.objects.count() == 1
