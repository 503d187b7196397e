"""The quotes and approvals API: create from an opportunity or a customer, patch with version
(409), send through approval (423-like 409 while locked), decide in the inbox, revise, PDF."""

from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest

from crm.sales import services, services_quotes

from .conftest import in_days
from .fixtures_quotes import *  # noqa: F403

pytestmark = pytest.mark.usefixtures("demo_once")


def _lines(product: Any, discount: str = "0") -> list[dict[str, Any]]:
    return [{"product_id": product.pk, "quantity": "2", "discount_pct": discount}]


def test_create_from_customer_patch_and_errors(
    api_client: Any, rep_east: Any, pipeline_east_customer: Any, quote_product: Any
) -> None:
    client = api_client(rep_east)
    assert client.post_json("/api/v1/quotes", {}).status_code == 422
    r = client.post_json(
        "/api/v1/quotes",
        {
            "customer_id": pipeline_east_customer.pk,
            "lines": [{"product_id": 10**12, "quantity": "1"}],
        },
    )
    assert r.status_code == 422 and "lines.0.product_id" in r.json()["error"]["fields"]
    r = client.post_json(
        "/api/v1/quotes",
        {"customer_id": pipeline_east_customer.pk, "title": "报价", "lines": _lines(quote_product)},
    )
    assert r.status_code == 201, r.content
    q = r.json()
    assert q["number"].startswith("Q") and q["status"] == "draft"
    assert Decimal(q["gross_amount"]) == Decimal("27120.00")  # 2 × 12000 × 1.13
    assert q["amount_in_words"] == "贰万柒仟壹佰贰拾元整"
    assert q["allowed_transitions"] == ["sent"]
    r = client.patch_json(f"/api/v1/quotes/{q['id']}", {"version": q["version"], "title": "新"})
    assert r.status_code == 200 and r.json()["title"] == "新"
    stale = client.patch_json(f"/api/v1/quotes/{q['id']}", {"version": q["version"], "title": "x"})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    bad = client.patch_json(
        f"/api/v1/quotes/{q['id']}",
        {
            "version": r.json()["version"],
            "lines": [{"product_id": quote_product.pk, "quantity": "1", "discount_pct": "101"}],
        },
    )
    assert bad.status_code == 422


def test_from_opportunity(
    api_client: Any,
    rep_east: Any,
    pipeline_east_customer: Any,
    make_opportunity: Any,
    product: Any,
) -> None:
    opp = make_opportunity(rep_east, pipeline_east_customer)
    services.opportunity_update(
        opportunity=opp,
        version=opp.version,
        actor=rep_east,
        lines=[{"product": product, "quantity": Decimal("1"), "unit_price": Decimal("5000")}],
    )
    r = api_client(rep_east).post_json("/api/v1/quotes", {"opportunity_id": opp.pk})
    assert r.status_code == 201, r.content
    body = r.json()
    assert (
        body["customer"]["id"] == pipeline_east_customer.pk and body["opportunity"]["id"] == opp.pk
    )
    assert [line["unit_price"] for line in body["lines"]] == ["5000.0000"]


def test_discount_approval_flow_and_lock(
    api_client: Any,
    rep_east: Any,
    mgr_east: Any,
    mgr_west: Any,
    pipeline_east_customer: Any,
    quote_product: Any,
) -> None:
    rep = api_client(rep_east)
    q = rep.post_json(
        "/api/v1/quotes",
        {"customer_id": pipeline_east_customer.pk, "lines": _lines(quote_product, "20")},
    ).json()
    r = rep.post_json(
        f"/api/v1/quotes/{q['id']}/transition", {"to": "sent", "version": q["version"]}
    )
    assert r.status_code == 200 and r.json()["status"] == "pending"
    q = r.json()
    assert q["approvals"][0]["approver"]["id"] == mgr_east.pk
    locked = rep.patch_json(f"/api/v1/quotes/{q['id']}", {"version": q["version"], "title": "改"})
    assert locked.status_code == 409 and locked.json()["error"]["code"] == "approval_pending"

    assert api_client(mgr_west).get("/api/v1/approvals").json()["count"] == 0
    inbox = api_client(mgr_east).get("/api/v1/approvals").json()
    (item,) = [i for i in inbox["items"] if i["document_id"] == q["id"]]
    assert item["kind"] == "quote" and item["can_decide"] and item["document_url"]
    assert (
        rep.post_json(f"/api/v1/approvals/{item['id']}/decide", {"approve": True}).status_code
        == 403
    )
    assert (
        api_client(mgr_west)
        .post_json(f"/api/v1/approvals/{item['id']}/decide", {"approve": True})
        .status_code
        == 404
    )
    mgr = api_client(mgr_east)
    r = mgr.post_json(f"/api/v1/approvals/{item['id']}/decide", {"approve": True, "comment": "可"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    again = mgr.post_json(f"/api/v1/approvals/{item['id']}/decide", {"approve": True})
    assert again.status_code == 409
    q = rep.get(f"/api/v1/quotes/{q['id']}").json()
    assert q["status"] == "sent"
    r = rep.post_json(
        f"/api/v1/quotes/{q['id']}/transition", {"to": "accepted", "version": q["version"]}
    )
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    bad = rep.post_json(
        f"/api/v1/quotes/{q['id']}/transition", {"to": "sent", "version": r.json()["version"]}
    )
    assert bad.status_code == 409 and bad.json()["error"]["code"] == "invalid_transition"


def test_revise_and_pdf(api_client: Any, rep_east: Any, east_quote: Any) -> None:
    from pypdf import PdfReader

    rep = api_client(rep_east)
    q = rep.post_json(
        f"/api/v1/quotes/{east_quote.pk}/transition", {"to": "sent", "version": east_quote.version}
    ).json()
    r = rep.post_json(f"/api/v1/quotes/{q['id']}/revise", {"version": q["version"]})
    assert r.status_code == 201
    new = r.json()
    assert new["revision"] == 2 and new["number"] == q["number"]
    assert [v["status"] for v in new["versions"]] == ["draft", "superseded"]
    pdf = rep.get(f"/api/v1/quotes/{new['id']}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert f"{q['number']}-2" in text
    assert "本公司" in text and "报价单" in text
    assert new["amount_in_words"] in text.replace("\n", "")


def test_list_filters_and_scope(
    api_client: Any, rep_east: Any, rep_west: Any, east_quote: Any, west_quote: Any
) -> None:
    east = api_client(rep_east).get("/api/v1/quotes").json()
    assert [i["id"] for i in east["items"]] == [east_quote.pk]
    assert api_client(rep_east).get(f"/api/v1/quotes/{west_quote.pk}").status_code == 404
    r = api_client(rep_east).get("/api/v1/quotes", {"status": "sent"})
    assert r.json()["count"] == 0
    assert api_client(rep_east).get("/api/v1/quotes", {"ordering": "bogus"}).status_code == 422


def test_rules_api_for_admins_only(api_client: Any, admin: Any, mgr_east: Any) -> None:
    from crm.org.models import Role

    assert api_client(mgr_east).get("/api/v1/approval-rules").status_code == 403
    client = api_client(admin)
    rules = client.get("/api/v1/approval-rules").json()
    assert {r["condition"] for r in rules} >= {"discount_above", "credit_exceeded"}
    role = Role.objects.get(code="leader")
    r = client.post_json(
        "/api/v1/approval-rules",
        {
            "name": "大额合同",
            "kind": "contract",
            "condition": "amount_above",
            "threshold": "1000000",
            "approver_kind": "role",
            "approver_role_id": role.pk,
        },
    )
    assert r.status_code == 201, r.content
    rule = r.json()
    r = client.patch_json(
        f"/api/v1/approval-rules/{rule['id']}", {"version": rule["version"], "threshold": "500000"}
    )
    assert r.status_code == 200 and Decimal(r.json()["threshold"]) == Decimal("500000")
    bad = client.patch_json(
        f"/api/v1/approval-rules/{rule['id']}",
        {"version": r.json()["version"], "condition": "discount_above", "threshold": "150"},
    )
    assert bad.status_code == 422
    assert client.delete(f"/api/v1/approval-rules/{rule['id']}").status_code == 204


def test_valid_until_in_the_past_cannot_be_sent(
    api_client: Any, rep_east: Any, pipeline_east_customer: Any, quote_product: Any
) -> None:
    rep = api_client(rep_east)
    q = rep.post_json(
        "/api/v1/quotes",
        {
            "customer_id": pipeline_east_customer.pk,
            "valid_until": str(in_days(-1)),
            "lines": _lines(quote_product),
        },
    ).json()
    r = rep.post_json(
        f"/api/v1/quotes/{q['id']}/transition", {"to": "sent", "version": q["version"]}
    )
    assert r.status_code == 422 and "valid_until" in r.json()["error"]["fields"]


def test_inbox_query_count_does_not_grow(
    api_client: Any,
    rep_east: Any,
    mgr_east: Any,
    pipeline_east_customer: Any,
    quote_product: Any,
    django_assert_max_num_queries: Any,
) -> None:
    def pending() -> None:
        q = services_quotes.quote_create(
            actor=rep_east,
            customer=pipeline_east_customer,
            lines=[
                {"product": quote_product, "quantity": Decimal("1"), "discount_pct": Decimal("30")}
            ],
        )
        services_quotes.quote_send(quote=q, version=q.version, actor=rep_east)

    pending()
    client = api_client(mgr_east)
    client.get("/api/v1/approvals")
    with django_assert_max_num_queries(30) as few:
        assert client.get("/api/v1/approvals").json()["count"] == 1
    for _ in range(6):
        pending()
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get("/api/v1/approvals").json()
    assert body["count"] == 7 and all(i["document_url"] for i in body["items"])
