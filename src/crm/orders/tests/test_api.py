"""The orders and receivables API: the main path, idempotent create, version and transition
conflicts (409), bad input (422), scope (another unit's order → 404)."""

from decimal import Decimal
from typing import Any

import pytest

from crm.orders.models import SalesOrder

pytestmark = pytest.mark.usefixtures("demo_once")


def _body(customer: Any, product: Any, qty: str = "10") -> dict[str, Any]:
    return {
        "customer_id": customer.pk,
        "lines": [{"product_id": product.pk, "quantity": qty, "unit_price": "100.00",
                   "discount_percent": "5", "tax_rate": "13"}],
    }  # fmt: skip


def test_order_to_cash_main_path(
    api_client: Any, rep_west: Any, finance: Any, west_customer: Any, product: Any
) -> None:
    rep, fin = api_client(rep_west), api_client(finance)
    r = rep.post_json("/api/v1/orders", _body(west_customer, product))
    assert r.status_code == 201, r.content
    o = r.json()
    assert o["number"].startswith("SO") and Decimal(o["gross_total"]) == Decimal("1073.50")
    assert Decimal(o["lines"][0]["net_amount"]) == 950 and o["status"] == "draft"
    r = rep.post_json(
        f"/api/v1/orders/{o['id']}/transition", {"to": "confirmed", "version": o["version"]}
    )
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    line_id = o["lines"][0]["id"]
    r = rep.post_json(
        f"/api/v1/orders/{o['id']}/shipments",
        {
            "carrier": "顺丰",
            "tracking_number": "SF1",
            "lines": [{"order_line_id": line_id, "quantity": "10"}],
        },
    )
    assert r.status_code == 201, r.content
    shipment = r.json()
    assert [e["status"] for e in shipment["events"]] == ["created"]
    r = rep.post_json(f"/api/v1/shipments/{shipment['id']}/events", {"status": "delivered"})
    assert r.status_code == 201
    assert rep.get(f"/api/v1/orders/{o['id']}").json()["status"] == "shipped"
    assert rep.post_json("/api/v1/invoices", {"order_id": o["id"]}).status_code == 403
    r = fin.post_json(
        "/api/v1/invoices",
        {
            "order_id": o["id"],
            "shipment_id": shipment["id"],
            "fapiao_type": "special",
            "fapiao_number": "12345678",
        },
    )
    assert r.status_code == 201, r.content
    inv = r.json()
    assert Decimal(inv["open_amount"]) == Decimal("1073.50")
    r = fin.post_json(
        "/api/v1/payments",
        {
            "customer_id": west_customer.pk,
            "amount": "1100",
            "allocations": [{"invoice_id": inv["id"], "amount": "1073.50"}],
        },
    )
    assert r.status_code == 201, r.content
    assert Decimal(r.json()["unallocated"]) == Decimal("26.50")
    balance = fin.get(f"/api/v1/receivables/customers/{west_customer.pk}").json()
    assert Decimal(balance["balance"]) == Decimal("-26.50")  # the rest stays as credit
    assert [e["kind"] for e in balance["ledger"]] == ["payment", "invoice"]
    aging = fin.get("/api/v1/receivables/aging").json()
    assert Decimal(aging["totals"]["total"]) == 0


def test_idempotency_key(
    api_client: Any,
    rep_west: Any,
    rep_east: Any,
    west_customer: Any,
    east_customer: Any,
    product: Any,
) -> None:
    client = api_client(rep_west)
    key = {"HTTP_IDEMPOTENCY_KEY": "order-2026-001"}
    first = client.post_json("/api/v1/orders", _body(west_customer, product), **key)
    again = client.post_json("/api/v1/orders", _body(west_customer, product), **key)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    other = client.post_json("/api/v1/orders", _body(west_customer, product, "11"), **key)
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    # keys are per user
    mine = api_client(rep_east).post_json("/api/v1/orders", _body(east_customer, product), **key)
    assert mine.status_code == 201 and mine.json()["id"] != first.json()["id"]
    assert SalesOrder.objects.filter(customer=west_customer).count() == 1


def test_conflicts_and_bad_input(
    api_client: Any, rep_west: Any, west_order: Any, product: Any, west_customer: Any
) -> None:
    client = api_client(rep_west)
    url = f"/api/v1/orders/{west_order.pk}"
    ok = client.patch_json(url, {"version": west_order.version, "notes": "加急"})
    assert ok.status_code == 200
    stale = client.patch_json(url, {"version": west_order.version, "notes": "x"})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    bad = client.post_json(f"{url}/transition", {"to": "shipped", "version": ok.json()["version"]})
    assert bad.status_code == 409 and bad.json()["error"]["code"] == "invalid_transition"
    r = client.post_json("/api/v1/orders", {"customer_id": west_customer.pk, "lines": []})
    assert r.status_code == 422
    r = client.post_json(
        "/api/v1/orders",
        {**_body(west_customer, product), "lines": [{"product_id": 2**40, "quantity": "1"}]},
    )
    assert r.status_code == 422 and "lines.0.product_id" in r.json()["error"]["fields"]
    r = client.post_json("/api/v1/orders", _body(west_customer, product, "-1"))
    assert r.status_code == 422
    confirmed = client.post_json(
        f"{url}/transition", {"to": "confirmed", "version": ok.json()["version"]}
    )
    line = confirmed.json()["lines"][0]["id"]
    over = client.post_json(
        f"{url}/shipments", {"lines": [{"order_line_id": line, "quantity": "11"}]}
    )
    assert over.status_code == 422 and over.json()["error"]["code"] == "quantity_exceeds_open"


def test_scope(
    api_client: Any, rep_east: Any, mgr_east: Any, mgr_west: Any, leader: Any, west_order: Any
) -> None:
    assert api_client(rep_east).get(f"/api/v1/orders/{west_order.pk}").status_code == 404
    assert api_client(mgr_east).get(f"/api/v1/orders/{west_order.pk}").status_code == 404
    assert api_client(mgr_west).get(f"/api/v1/orders/{west_order.pk}").status_code == 200
    ids = [o["id"] for o in api_client(rep_east).get("/api/v1/orders").json()["items"]]
    assert west_order.pk not in ids
    r = api_client(leader).patch_json(
        f"/api/v1/orders/{west_order.pk}", {"version": 1, "notes": "x"}
    )
    assert r.status_code == 403
