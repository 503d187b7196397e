"""Order and receivable pages: list with filters, sorting and empty state (query count flat),
create with lines, detail with actions, stale version message, payment entry, 360° tabs and
header figures."""

from decimal import Decimal
from typing import Any

import pytest

from crm.orders import services_receivables, services_shipping
from crm.orders.models import SalesOrder

pytestmark = pytest.mark.usefixtures("demo_once")


def test_list_filters_and_empty_state(page_client: Any, rep_west: Any, west_order: Any) -> None:
    client = page_client(rep_west)
    r = client.get("/orders/")
    assert r.status_code == 200 and west_order.number in r.content.decode()
    r = client.get("/orders/", {"status": "shipped"})
    assert 'id="order-empty"' in r.content.decode()
    r = client.get(
        "/orders/", {"status": "bogus", "sort": "amount", "page": "x", "customer": "9" * 30}
    )
    assert r.status_code == 200


def test_list_query_count_does_not_grow(
    page_client: Any,
    rep_west: Any,
    make_order: Any,
    west_customer: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = page_client(rep_west)
    make_order(rep_west, west_customer)
    with django_assert_max_num_queries(15) as few:
        client.get("/orders/")
    for _ in range(6):
        make_order(rep_west, west_customer)
    with django_assert_max_num_queries(len(few)):
        client.get("/orders/")
    with django_assert_max_num_queries(len(few) + 10):
        client.get("/orders/invoices/")


def test_create_with_lines_then_confirm(
    page_client: Any, rep_west: Any, west_customer: Any, product: Any
) -> None:
    client = page_client(rep_west)
    assert client.get(f"/orders/new/?customer={west_customer.pk}").status_code == 200
    data = {
        "customer": f"{west_customer.code} {west_customer.name}",
        "order_date": "2026-03-01",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "200",
        "lines-0-product": str(product.pk),
        "lines-0-product_text": f"{product.code} {product.name}",
        "lines-0-quantity": "2", "lines-0-unit_price": "", "lines-0-discount_percent": "",
        "lines-0-tax_rate": "",
    }  # fmt: skip
    r = client.post("/orders/new/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    order = SalesOrder.objects.get(customer=west_customer)
    assert order.gross_total == Decimal("2260.00")  # list price 1000 × 2 + 13 %
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "order-to-confirmed" in page and order.number in page
    stale = client.post(
        f"/orders/{order.pk}/transition/",
        {"to": "confirmed", "version": "99"},
        HTTP_REFERER=f"http://testserver/orders/{order.pk}/",
    )
    assert stale.status_code == 302
    order.refresh_from_db()
    assert order.status == "draft"
    client.post(f"/orders/{order.pk}/transition/", {"to": "confirmed", "version": order.version})
    order.refresh_from_db()
    assert order.status == "confirmed"
    line = order.lines.get()
    r = client.post(
        f"/orders/{order.pk}/ship/",
        {f"ship-{line.pk}": "2", "shipped_on": "2026-03-02", "carrier": "顺丰"},
    )
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.status == "shipped"


def test_payment_entry_and_customer_tabs(
    page_client: Any,
    finance: Any,
    rep_west: Any,
    west_order: Any,
    confirmed: Any,
    west_customer: Any,
) -> None:
    order = confirmed(west_order)
    line = order.lines.get()
    services_shipping.shipment_create(
        order=order, actor=rep_west, quantities={line.pk: Decimal(10)}
    )
    inv = services_receivables.invoice_create(order=order, actor=finance)
    client = page_client(finance)
    form = client.get(f"/orders/payments/new/?customer={west_customer.pk}").content.decode()
    assert inv.number in form and f'name="alloc-{inv.pk}"' in form
    r = client.post("/orders/payments/new/", {
        "customer": west_customer.pk, "received_on": "2026-03-05", "amount": "1130.00",
        "method": "transfer", "reference": "BK1", f"alloc-{inv.pk}": "1130.00"})  # fmt: skip
    assert r.status_code == 302
    rep = page_client(rep_west)
    page = rep.get(f"/customers/{west_customer.pk}/").content.decode()
    assert 'id="figure-open_balance"' in page and 'id="tab-orders-button"' in page
    orders_tab = rep.get(f"/customers/{west_customer.pk}/tabs/orders/", HTTP_HX_REQUEST="true")
    assert 'id="customer-orders"' in orders_tab.content.decode()
    assert order.number in orders_tab.content.decode()
    receivables = rep.get(f"/customers/{west_customer.pk}/tabs/receivables/").content.decode()
    assert 'id="customer-receivables"' in receivables and "<html" in receivables
    assert client.get("/orders/receivables/aging/").status_code == 200
    assert client.get("/orders/receivables/overdue/").status_code == 200
