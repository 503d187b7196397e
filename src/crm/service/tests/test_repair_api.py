"""The warranty and repair API: a repair ticket with product and order, the warranty status,
the 409 out_of_warranty refusal and the paid repair, work orders, defects with counts,
attachments; reps read their customers' repair data only."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from crm.service.models import TicketType

from .repair_helpers import shipped_order, warranty_product

pytestmark = pytest.mark.usefixtures("demo_once")


def test_repair_main_path(
    api_client: Any, admin: Any, agent: Any, rep_west: Any, west_customer: Any
) -> None:
    product = warranty_product(admin, months=12)
    order = shipped_order(rep_west, west_customer, product, timezone.localdate() - timedelta(400))
    client = api_client(agent)
    r = client.post_json(
        "/api/v1/tickets",
        {
            "customer_id": west_customer.pk,
            "title": "水泵漏油",
            "type_id": TicketType.objects.get(code="repair").pk,
            "product_id": product.pk,
            "order_id": order.pk,
        },
    )
    assert r.status_code == 201, r.content
    t = r.json()
    assert t["order"] == {"id": order.pk, "name": order.number}
    assert t["warranty"]["state"] == "expired" and t["warranty"]["may_start"] is False
    assert t["warranty"]["source_number"] == order.number
    url = f"/api/v1/tickets/{t['id']}"
    r = client.post_json(f"{url}/transition", {"to": "in_progress", "version": t["version"]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "out_of_warranty"
    r = client.post_json(f"{url}/repair-charge", {"version": t["version"], "charge": "override"})
    assert r.status_code == 403
    r = client.post_json(f"{url}/repair-charge", {"version": t["version"], "charge": "paid"})
    assert r.status_code == 200 and r.json()["repair_charge"] == "paid"
    assert client.get(f"{url}/warranty").json()["may_start"] is True
    version = r.json()["version"]
    r = client.post_json(f"{url}/transition", {"to": "in_progress", "version": version})
    assert r.status_code == 200 and r.json()["status"] == "in_progress"

    r = client.post_json(
        f"{url}/repair-orders",
        {
            "labour_hours": "1.5",
            "labour_rate": "100",
            "parts": [{"product_id": product.pk, "quantity": "3", "unit_price": "10.005"}],
        },
    )
    assert r.status_code == 201, r.content
    ro = r.json()
    assert ro["charged"] is True and Decimal(ro["total_amount"]) == Decimal("180.02")
    assert Decimal(ro["parts"][0]["amount"]) == Decimal("30.02")  # 30.015, half up
    assert ro["amount_due"] == ro["total_amount"]
    r = client.patch_json(
        f"/api/v1/repair-orders/{ro['id']}", {"version": ro["version"], "status": "done"}
    )
    assert r.status_code == 200 and r.json()["status"] == "done"
    r = client.patch_json(
        f"/api/v1/repair-orders/{ro['id']}", {"version": ro["version"], "notes": "x"}
    )
    assert r.status_code == 409
    assert len(client.get(f"{url}/repair-orders").json()) == 1

    r = client.post_json(f"{url}/defects", {"description": "密封圈老化", "batch_number": "B7"})
    assert r.status_code == 201 and r.json()["product"]["id"] == product.pk
    defect = r.json()
    r = client.patch_json(
        f"/api/v1/defects/{defect['id']}", {"version": defect["version"], "status": "bogus"}
    )
    assert r.status_code == 422
    r = client.patch_json(
        f"/api/v1/defects/{defect['id']}", {"version": defect["version"], "status": "fixed"}
    )
    assert r.status_code == 200 and r.json()["status"] == "fixed"
    counts = client.get("/api/v1/defects/counts", {"product_id": product.pk}).json()
    assert counts == [
        {
            "product": {"id": product.pk, "name": product.name},
            "code": "PUMP-1",
            "total": 1,
            "open": 0,
        }
    ]
    listed = client.get("/api/v1/defects", {"status": "fixed", "search": "B7"}).json()
    assert [d["id"] for d in listed["items"]] == [defect["id"]]

    r = client.post(f"{url}/attachments", {"file": SimpleUploadedFile("发票.pdf", b"%PDF-1.4")})
    assert r.status_code == 201, r.content
    download = client.get(r.json()["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4"
    r = client.post(f"{url}/attachments", {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert r.status_code == 422


def test_bad_input_and_scope(
    api_client: Any,
    admin: Any,
    agent: Any,
    rep_west: Any,
    rep_east: Any,
    mgr_west: Any,
    west_customer: Any,
    east_customer: Any,
) -> None:
    product = warranty_product(admin)
    other_order = shipped_order(rep_east, east_customer, product, timezone.localdate())
    client = api_client(agent)
    repair = TicketType.objects.get(code="repair").pk
    body = {"customer_id": west_customer.pk, "title": "维修", "type_id": repair}
    r = client.post_json("/api/v1/tickets", {**body, "order_id": other_order.pk})
    assert r.status_code == 422 and "order_id" in r.json()["error"]["fields"]
    t = client.post_json("/api/v1/tickets", {**body, "product_id": product.pk}).json()
    assert t["warranty"]["state"] == "none"
    url = f"/api/v1/tickets/{t['id']}"
    r = client.post_json(f"{url}/repair-orders", {"labour_hours": "-1"})
    assert r.status_code == 422
    r = client.post_json(f"{url}/repair-orders", {"parts": [{"product_id": 9**15, "quantity": 1}]})
    assert r.status_code == 422
    r = client.post_json(f"{url}/repair-charge", {"version": t["version"], "charge": "gratis"})
    assert r.status_code == 422
    # The west rep's manager reads the customer's repair data; changes are refused.
    reader = api_client(mgr_west)
    assert reader.get(f"{url}/warranty").status_code == 200
    assert reader.get(f"{url}/defects").status_code == 200
    r = reader.post_json(f"{url}/defects", {"description": "裂纹"})
    assert r.status_code == 403
    # Another unit's rep does not see the ticket at all.
    outsider = api_client(rep_east)
    assert outsider.get(f"{url}/warranty").status_code == 404
    assert outsider.get(f"{url}/repair-orders").status_code == 404
    complaint = client.post_json(
        "/api/v1/tickets",
        {**body, "type_id": TicketType.objects.get(code="complaint").pk},
    ).json()
    assert complaint["warranty"] is None
    r = client.post_json(f"/api/v1/tickets/{complaint['id']}/repair-orders", {})
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_a_repair"
