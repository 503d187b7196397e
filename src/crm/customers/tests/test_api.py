from typing import Any

from crm.customers import services
from crm.customers.models import Choice, Customer

from .conftest import VALID_USCC


def test_list_envelope_and_search(api_client: Any, rep_east: Any, east_customer: Any) -> None:
    client = api_client(rep_east)
    r = client.get("/api/v1/customers", {"search": "zsh", "page_size": 5})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"items", "count", "page", "page_size"}
    assert body["count"] == 1 and body["page_size"] == 5
    assert body["items"][0]["code"] == east_customer.code


def test_list_rejects_unknown_ordering(api_client: Any, rep_east: Any) -> None:
    r = api_client(rep_east).get("/api/v1/customers", {"ordering": "password"})
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["ordering"]


def test_create_returns_201_with_defaults(api_client: Any, rep_east: Any) -> None:
    industry = Choice.objects.get(kind="industry", label="石油化工")
    r = api_client(rep_east).post_json(
        "/api/v1/customers",
        {
            "name": "上海华谊集团",
            "uscc": VALID_USCC,
            "industry_id": industry.pk,
            "province": "31",
            "city": "3101",
            "district": "310115",
            "tags": ["重点"],
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["owner"]["id"] == rep_east.pk and body["org_unit"]["id"] == rep_east.unit_id
    assert body["industry"]["label"] == "石油化工" and body["tags"] == ["重点"]
    assert body["version"] == 1 and body["code"].startswith("C")


def test_create_with_invalid_uscc_is_422_in_chinese(api_client: Any, rep_east: Any) -> None:
    r = api_client(rep_east).post_json(
        "/api/v1/customers", {"name": "坏代码公司", "uscc": "123"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert r.status_code == 422
    assert "统一社会信用代码" in r.json()["error"]["fields"]["uscc"][0]
    assert not Customer.objects.exists()


def test_patch_with_stale_version_is_409_and_changes_nothing(
    api_client: Any, rep_east: Any, east_customer: Any
) -> None:
    client = api_client(rep_east)
    url = f"/api/v1/customers/{east_customer.pk}"
    ok = client.patch_json(url, {"version": 1, "phone": "021-1"})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch_json(url, {"version": 1, "name": "被覆盖"})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    current = Customer.objects.get(pk=east_customer.pk)
    assert current.name == "中国石油化工股份有限公司" and current.version == 2


def test_patch_requires_version(api_client: Any, rep_east: Any, east_customer: Any) -> None:
    r = api_client(rep_east).patch_json(f"/api/v1/customers/{east_customer.pk}", {"name": "x"})
    assert r.status_code == 422


def test_sensitive_fields_hidden_for_rep_shown_for_leader(
    api_client: Any, rep_east: Any, leader: Any, admin: Any
) -> None:
    aaa = Choice.objects.get(kind="credit_level", label="AAA")
    c = services.customer_create(
        actor=admin,
        name="敏感信息公司",
        owner=rep_east,
        tax_id="91310000TAX",
        bank_account="6222000011112222",
        credit_level=aaa,
    )
    rep_view = api_client(rep_east).get(f"/api/v1/customers/{c.pk}").json()
    assert rep_view["tax_id"] is None and rep_view["bank_account"] is None
    assert rep_view["credit_level"] is None
    leader_view = api_client(leader).get(f"/api/v1/customers/{c.pk}").json()
    assert leader_view["tax_id"] == "91310000TAX"
    assert leader_view["bank_account"] == "6222000011112222"
    assert leader_view["credit_level"]["label"] == "AAA"
    listed = api_client(rep_east).get("/api/v1/customers").json()["items"][0]
    assert listed["bank_account"] is None


def test_rep_may_not_write_sensitive_fields(api_client: Any, rep_east: Any) -> None:
    r = api_client(rep_east).post_json("/api/v1/customers", {"name": "甲", "tax_id": "X"})
    assert r.status_code == 403
    assert not Customer.objects.exists()


def test_other_units_customer_is_404_for_every_verb(
    api_client: Any, rep_west: Any, east_customer: Any
) -> None:
    client = api_client(rep_west)
    url = f"/api/v1/customers/{east_customer.pk}"
    assert client.get(url).status_code == 404
    assert client.patch_json(url, {"version": 1, "name": "x"}).status_code == 404
    assert client.delete(url).status_code == 404
    assert client.get(f"{url}/contacts").status_code == 404
    assert client.post_json(f"{url}/contacts", {"name": "x"}).status_code == 404
    assert Customer.objects.get(pk=east_customer.pk).name == east_customer.name


def test_delete_is_soft_and_needs_the_right(
    api_client: Any, rep_east: Any, mgr_east: Any, east_customer: Any
) -> None:
    url = f"/api/v1/customers/{east_customer.pk}"
    assert api_client(rep_east).delete(url).status_code == 403
    assert api_client(mgr_east).delete(url).status_code == 204
    assert Customer.all_objects.get(pk=east_customer.pk).is_deleted
    assert api_client(mgr_east).get(url).status_code == 404


def test_contacts_and_interactions(api_client: Any, rep_east: Any, east_customer: Any) -> None:
    client = api_client(rep_east)
    base = f"/api/v1/customers/{east_customer.pk}"
    r = client.post_json(f"{base}/contacts", {"name": "王强", "mobile": "13812345678"})
    assert r.status_code == 201 and r.json()["is_primary"] is True
    bad = client.post_json(f"{base}/contacts", {"name": "李四", "mobile": "999"})
    assert bad.status_code == 422 and "mobile" in bad.json()["error"]["fields"]
    assert [c["name"] for c in client.get(f"{base}/contacts").json()] == ["王强"]
    assert client.get("/api/v1/contacts", {"search": "王"}).json()["count"] == 1
    log = client.post_json(
        f"{base}/interactions",
        {
            "channel": "call",
            "direction": "in",
            "occurred_at": "2026-03-01T10:00:00+08:00",
            "contact_id": r.json()["id"],
            "summary": "客户来电询价",
        },
    )
    assert log.status_code == 201, log.content
    timeline = client.get(f"{base}/interactions").json()
    assert timeline["count"] == 1 and timeline["items"][0]["author"]["id"] == rep_east.pk
