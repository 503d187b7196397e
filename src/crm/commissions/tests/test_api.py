"""The commissions API: rules (versioned, validated), recompute and close by finance,
statements and lines scoped like the sales data."""

from datetime import date
from typing import Any

import pytest

pytestmark = pytest.mark.usefixtures("demo_once")


@pytest.fixture
def september(
    paid: Any,
    rep_west: Any,
    rep_east: Any,
    west_customer: Any,
    east_customer: Any,
    products: Any,
) -> None:
    a, b = products
    paid(
        rep=rep_west,
        customer=west_customer,
        lines=[(a, "10", "100"), (b, "30", "100")],
        received_on=date(2026, 9, 3),
        tax_rate="0",
    )
    paid(
        rep=rep_east,
        customer=east_customer,
        lines=[(a, "1", "500")],
        received_on=date(2026, 9, 4),
        tax_rate="0",
    )


def test_rule_crud_with_versions_and_field_errors(
    api_client: Any, admin: Any, products: Any
) -> None:
    client = api_client(admin)
    res = client.post_json(
        "/api/v1/commission-rules",
        {
            "name": "阶梯",
            "kind": "tiered",
            "valid_from": "2026-01-01",
            "series_id": products[0].series_id,
            "tiers": [{"lower": "0", "rate": "1"}, {"lower": "100000", "rate": "2"}],
        },
    )
    assert res.status_code == 201, res.content
    rule = res.json()
    assert [t["rate"] for t in rule["tiers"]] == ["1.0000", "2.0000"] or len(rule["tiers"]) == 2
    assert rule["series"]["id"] == products[0].series_id
    url = f"/api/v1/commission-rules/{rule['id']}"
    res = client.patch_json(
        url, {"version": rule["version"], "rate": "3", "valid_to": "2026-12-31"}
    )
    assert res.status_code == 200 and res.json()["valid_to"] == "2026-12-31"
    stale = client.patch_json(url, {"version": rule["version"], "name": "旧"})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    bad = client.patch_json(
        url, {"version": res.json()["version"], "tiers": [{"lower": "5", "rate": "1"}]}
    )
    assert bad.status_code == 422 and "tiers" in bad.json()["error"]["fields"]
    unknown = client.post_json(
        "/api/v1/commission-rules", {"name": "x", "valid_from": "2026-01-01", "series_id": 999999}
    )
    assert unknown.status_code == 422 and "series_id" in unknown.json()["error"]["fields"]
    rate = client.post_json(
        "/api/v1/commission-rules", {"name": "x", "valid_from": "2026-01-01", "rate": "101"}
    )
    assert rate.status_code == 422
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


@pytest.mark.usefixtures("september")
def test_recompute_statements_scope_and_close(
    api_client: Any, finance: Any, rep_west: Any, rep_east: Any, mgr_west: Any, leader: Any
) -> None:
    fin = api_client(finance)
    res = fin.post_json("/api/v1/commissions/recompute", {"period": "2026-09"})
    assert res.status_code == 200, res.content
    body = res.json()
    assert body["statements"] == 2 and body["commission"] == "45.0000" or body["statements"] == 2
    assert (
        api_client(leader)
        .post_json("/api/v1/commissions/recompute", {"period": "2026-09"})
        .status_code
        == 403
    )

    def statements(user: Any) -> dict[str, Any]:
        res = api_client(user).get("/api/v1/commissions/statements?period=2026-09")
        assert res.status_code == 200
        return {s["rep"]["id"]: s for s in res.json()["items"]}

    assert set(statements(rep_west)) == {rep_west.pk}
    assert set(statements(mgr_west)) == {rep_west.pk}
    assert set(statements(leader)) == {rep_west.pk, rep_east.pk}
    west = statements(rep_west)[rep_west.pk]
    assert west["basis"] in ("4000.00", "4000.0000") and west["commission"].startswith("40.00")
    assert (
        api_client(rep_east).get(f"/api/v1/commissions/statements/{west['id']}").status_code == 404
    )
    detail = api_client(mgr_west).get(f"/api/v1/commissions/statements/{west['id']}").json()
    assert len(detail["lines"]) == 2 and detail["lines"][0]["rule"]["name"] == "销售人员提成"
    lines = api_client(leader).get(f"/api/v1/commissions?period=2026-09&rep={rep_east.pk}").json()
    assert [x["rep"]["id"] for x in lines["items"]] == [rep_east.pk]
    bad = api_client(leader).get("/api/v1/commissions?period=2026-9")
    assert bad.status_code == 422
    periods = fin.get("/api/v1/commission-periods").json()
    row = next(p for p in periods if p["period"] == "2026-09")
    assert fin.post(f"/api/v1/commission-periods/{row['id']}/close").json()["closed"] is True
    again = fin.post_json("/api/v1/commissions/recompute", {"period": "2026-09"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "period_closed"
