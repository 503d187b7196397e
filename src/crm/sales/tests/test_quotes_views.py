"""Quote pages: list (filters, empty state, query count), create from the customer's page with
lines and the totals preview, from the opportunity's page, detail with actions and the approval
inbox, the PDF; the 360° tab."""

from decimal import Decimal
from typing import Any

import pytest

from crm.sales import services_quotes
from crm.sales.models_quotes import Quote, QuoteStatus

from .conftest import in_days
from .fixtures_quotes import *  # noqa: F403

pytestmark = pytest.mark.usefixtures("demo_once")


def _line_data(product: Any, extra: dict[str, str]) -> dict[str, str]:
    return {
        "lines-0-product": str(product.pk),
        "lines-0-product_text": f"{product.code} {product.name}",
        "lines-0-quantity": "2",
        **{f"lines-0-{k}": v for k, v in extra.items()},
    }


def _form(product: Any, **extra: str) -> dict[str, str]:
    return {
        "title": "页面报价",
        "valid_until": in_days(10).isoformat(),
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        **_line_data(product, extra),
    }


def test_list_empty_state_filters_and_query_count(
    page_client: Any,
    rep_east: Any,
    pipeline_east_customer: Any,
    quote_product: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = page_client(rep_east)
    r = client.get("/sales/quotes/")
    assert r.status_code == 200 and 'id="quote-empty"' in r.content.decode()
    make = services_quotes.quote_create
    lines = [{"product": quote_product, "quantity": Decimal("1")}]
    make(actor=rep_east, customer=pipeline_east_customer, title="第一", lines=lines)
    client.get("/sales/quotes/")
    with django_assert_max_num_queries(40) as few:
        client.get("/sales/quotes/")
    for i in range(15):
        make(actor=rep_east, customer=pipeline_east_customer, title=f"报价{i}", lines=lines)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get("/sales/quotes/")
    assert r.content.decode().count('href="/sales/quotes/') >= 16
    r = client.get("/sales/quotes/", {"status": "sent"})
    assert "No quotes match" in r.content.decode() or 'id="quote-empty"' in r.content.decode()
    r = client.get("/sales/quotes/", {"q": "报价3", "sort": "amount"})
    assert "报价3" in r.content.decode() and "报价4" not in r.content.decode()


def test_create_from_the_customer_with_lines_and_preview(
    page_client: Any, rep_east: Any, pipeline_east_customer: Any, quote_product: Any
) -> None:
    client = page_client(rep_east)
    url = f"/sales/quotes/new/?customer={pipeline_east_customer.pk}"
    r = client.get(url)
    assert r.status_code == 200 and 'id="quote-form"' in r.content.decode()
    preview = client.post(
        "/sales/quotes/preview/",
        {"customer": pipeline_east_customer.pk, **_form(quote_product, discount_pct="10")},
    )
    html = preview.content.decode().replace(",", "")
    assert "21600.00" in html and "24408.00" in html  # net, gross (13 % tax)
    bad = client.post(url, _form(quote_product, discount_pct="150"))
    assert bad.status_code == 422
    r = client.post(url, _form(quote_product, discount_pct="10"))
    assert r.status_code == 302, r.content.decode()[:2000]
    q = Quote.objects.get(title="页面报价")
    assert q.gross_amount == Decimal("24408.00") and q.lines.count() == 1
    detail = client.get(r.url).content.decode()
    assert "贰万肆仟肆佰零捌元整" in detail and 'id="quote-to-sent"' in detail
    tab = client.get(f"/customers/{pipeline_east_customer.pk}/tabs/quotes/").content.decode()
    assert (
        f"/sales/quotes/{q.pk}/" in tab
        and f"/sales/quotes/new/?customer={pipeline_east_customer.pk}" in tab
    )


def test_edit_keeps_version_and_refuses_stale(
    page_client: Any, rep_east: Any, east_quote: Quote, quote_product: Any
) -> None:
    client = page_client(rep_east)
    url = f"/sales/quotes/{east_quote.pk}/edit/"
    assert client.get(url).status_code == 200
    data = {**_form(quote_product), "version": str(east_quote.version)}
    assert client.post(url, data).status_code == 302
    stale = client.post(url, data)
    assert stale.status_code == 409


def test_from_opportunity_and_send_to_approval_then_inbox(
    page_client: Any,
    rep_east: Any,
    mgr_east: Any,
    pipeline_east_customer: Any,
    make_opportunity: Any,
    product: Any,
    quote_product: Any,
) -> None:
    from crm.sales import services

    opp = make_opportunity(rep_east, pipeline_east_customer)
    services.opportunity_update(
        opportunity=opp,
        version=opp.version,
        actor=rep_east,
        lines=[{"product": product, "quantity": Decimal("1"), "unit_price": Decimal("4000")}],
    )
    client = page_client(rep_east)
    page = client.get(f"/sales/opportunities/{opp.pk}/").content.decode()
    assert 'id="opportunity-quote-new"' in page
    r = client.post(f"/sales/opportunities/{opp.pk}/quote/")
    q = Quote.objects.get(opportunity=opp)
    assert r.status_code == 302 and r.url == f"/sales/quotes/{q.pk}/edit/"
    data = {**_form(quote_product, discount_pct="25"), "version": str(q.version)}
    assert client.post(r.url, data).status_code == 302
    q.refresh_from_db()
    r = client.post(f"/sales/quotes/{q.pk}/transition/", {"to": "sent", "version": q.version})
    q.refresh_from_db()
    assert r.status_code == 302 and q.status == QuoteStatus.PENDING
    assert 'id="quote-locked"' in client.get(f"/sales/quotes/{q.pk}/").content.decode()
    assert q.label in client.get(f"/sales/opportunities/{opp.pk}/").content.decode()

    manager = page_client(mgr_east)
    inbox = manager.get("/sales/approvals/").content.decode()
    from crm.sales.approvals import approval_pending_for

    req = approval_pending_for(q)
    assert req is not None and f"/sales/approvals/{req.pk}/" in inbox
    detail = manager.get(f"/sales/approvals/{req.pk}/").content.decode()
    assert 'id="approve-btn"' in detail
    r = manager.post(f"/sales/approvals/{req.pk}/decide/", {"decision": "reject"})
    assert r.status_code == 302  # refused: a rejection needs a comment (message, back)
    r = manager.post(f"/sales/approvals/{req.pk}/decide/", {"decision": "approve", "comment": "可"})
    assert r.status_code == 302
    q.refresh_from_db()
    assert q.status == QuoteStatus.SENT
    assert (
        f"/sales/approvals/{req.pk}/"
        in manager.get("/sales/approvals/?box=decided").content.decode()
    )


def test_pdf_page(page_client: Any, rep_east: Any, east_quote: Quote) -> None:
    r = page_client(rep_east).get(f"/sales/quotes/{east_quote.pk}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")


def test_rules_page(page_client: Any, admin: Any) -> None:
    client = page_client(admin)
    html = client.get("/sales/approvals/rules/").content.decode()
    assert "报价折扣超过15%需主管审批" in html
    assert client.get("/sales/approvals/rules/new/").status_code == 200
