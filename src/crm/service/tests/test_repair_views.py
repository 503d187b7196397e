"""Warranty and repair pages: the new-ticket form's customer, product and order pickers; the
ticket page's warranty panel, the refused start with its message, the paid repair, work
orders, defects and attachments; the defects list with filters and counts per product; the
warranty period on the product form."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from crm.products.models import Product, UnitOfMeasure
from crm.service.models import ProductDefect, RepairOrder, Ticket, TicketStatus, TicketType

from .repair_helpers import repair_ticket, shipped_order, warranty_product

pytestmark = pytest.mark.usefixtures("demo_once")


def test_create_with_customer_product_and_order_pickers(
    page_client: Any, admin: Any, agent: Any, rep_west: Any, west_customer: Any
) -> None:
    product = warranty_product(admin)
    order = shipped_order(rep_west, west_customer, product, timezone.localdate())
    client = page_client(agent)
    form = client.get("/service/tickets/new/").content.decode()
    assert 'name="customer_text"' in form and 'list="customer-options"' in form
    options = client.get("/service/tickets/pick/customers/", {"customer_text": "蜀能"})
    assert f"{west_customer.code} {west_customer.name}" in options.content.decode()
    options = client.get("/service/tickets/pick/products/", {"product": "PUMP"})
    assert "PUMP-1 离心泵" in options.content.decode()
    repair = TicketType.objects.get(code="repair").pk
    body = {"title": "水泵漏油", "type": repair, "channel": "phone", "priority": "normal"}
    r = client.post("/service/tickets/new/", {**body, "customer_text": "不存在的客户"})
    assert r.status_code == 422 and "请从列表中选择客户" in r.content.decode()
    r = client.post(
        "/service/tickets/new/",
        {**body, "customer_text": west_customer.code, "product": "NOPE", "order": "X1"},
    )
    assert r.status_code == 422
    assert (
        "请从列表中选择产品" in r.content.decode()
        and "该客户没有此编号的订单" in r.content.decode()
    )
    r = client.post(
        "/service/tickets/new/",
        {
            **body,
            "customer_text": f"{west_customer.code} {west_customer.name}",
            "product": "PUMP-1 离心泵",
            "order": order.number,
        },
    )
    t = Ticket.objects.get(customer=west_customer)
    assert r.status_code == 302 and t.product == product and t.order == order
    # From the customer's page the customer is fixed and its orders are offered.
    form = client.get(f"/service/tickets/new/?customer={west_customer.pk}").content.decode()
    assert 'name="customer_text"' not in form and f'<option value="{order.number}">' in form


def test_out_of_warranty_refused_then_paid_repair(
    page_client: Any, admin: Any, agent: Any, rep_west: Any, west_customer: Any
) -> None:
    product = warranty_product(admin, months=12)
    shipped = timezone.localdate() - timedelta(days=800)
    shipped_order(rep_west, west_customer, product, shipped)
    t = repair_ticket(agent, west_customer, product)
    client = page_client(agent)
    url = f"/service/tickets/{t.pk}/"
    page = client.get(url).content.decode()
    assert 'data-state="expired"' in page and "保修已于" in page
    assert 'value="override"' not in page  # the agent is not the queue's manager
    r = client.post(
        f"{url}transition/", {"to": "in_progress", "version": t.version}, HTTP_REFERER=url
    )
    assert r.status_code == 302
    page = client.get(url).content.decode()
    assert "该产品的保修已于" in page and "记录付费维修" in page
    assert Ticket.objects.get(pk=t.pk).status == TicketStatus.NEW
    client.post(f"{url}repair-charge/", {"version": t.version, "charge": "paid"})
    t.refresh_from_db()
    assert t.repair_charge == "paid"
    client.post(f"{url}transition/", {"to": "in_progress", "version": t.version})
    t.refresh_from_db()
    assert t.status == TicketStatus.IN_PROGRESS
    r = client.post(
        f"{url}repair-orders/",
        {"labour_hours": "2", "labour_rate": "50", "part": "PUMP-1 离心泵", "quantity": "1"},
    )
    assert r.status_code == 302
    order = RepairOrder.objects.get(ticket=t)
    assert order.charged and order.total_amount == 600
    page = client.get(url).content.decode()
    assert order.number in page and "600.00" in page
    client.post(f"/service/repair-orders/{order.pk}/status/", {"version": 1, "status": "done"})
    order.refresh_from_db()
    assert order.status == "done"
    r = client.post(
        f"{url}repair-orders/", {"labour_hours": "1", "labour_rate": "1", "part": "NOPE"}
    )
    assert r.status_code == 302 and RepairOrder.objects.filter(ticket=t).count() == 1


def test_defects_recorded_and_listed_with_counts(
    page_client: Any, admin: Any, agent: Any, leader: Any, west_customer: Any
) -> None:
    product = warranty_product(admin)
    t = repair_ticket(agent, west_customer, product)
    client = page_client(agent)
    url = f"/service/tickets/{t.pk}/"
    client.post(
        f"{url}defects/",
        {"description": "密封圈开裂", "batch_number": "B2026-11", "severity": "critical"},
    )
    client.post(f"{url}defects/", {"description": "外壳划伤", "severity": "minor"})
    assert ProductDefect.objects.filter(ticket=t, product=product).count() == 2
    page = client.get(url).content.decode()
    assert 'id="ticket-defects"' in page and "B2026-11" in page
    listed = page_client(leader).get("/service/defects/").content.decode()
    assert "密封圈开裂" in listed and 'id="defect-counts"' in listed
    assert f'<a href="?product_id={product.pk}">PUMP-1 离心泵</a></td><td class="text-end">2<' in (
        listed
    )
    filtered = client.get("/service/defects/", {"severity": "critical", "product": "PUMP-1"})
    assert "密封圈开裂" in filtered.content.decode()
    assert "外壳划伤" not in filtered.content.decode()
    d = ProductDefect.objects.get(batch_number="B2026-11")
    client.post(f"/service/defects/{d.pk}/status/", {"version": d.version, "status": "fixed"})
    d.refresh_from_db()
    assert d.status == "fixed"
    empty = client.get("/service/defects/", {"status": "closed"}).content.decode()
    assert 'id="defect-empty"' in empty


def test_attachments_upload_and_download(
    page_client: Any, agent: Any, rep_east: Any, west_ticket: Any
) -> None:
    client = page_client(agent)
    url = f"/service/tickets/{west_ticket.pk}/"
    r = client.post(f"{url}attachments/", {"file": SimpleUploadedFile("照片.jpg", b"\xff\xd8")})
    assert r.status_code == 302
    page = client.get(url).content.decode()
    a = west_ticket.attachments.get()
    assert f"/service/tickets/attachments/{a.pk}/" in page and "照片.jpg" in page
    download = client.get(f"/service/tickets/attachments/{a.pk}/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    r = client.post(f"{url}attachments/", {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert r.status_code == 302 and west_ticket.attachments.count() == 1
    other = page_client(rep_east).get(f"/service/tickets/attachments/{a.pk}/")
    assert other.status_code == 404


def test_warranty_period_on_the_product_form(page_client: Any, admin: Any) -> None:
    client = page_client(admin)
    r = client.post(
        "/products/new/",
        {
            "code": "GEAR-9",
            "name": "减速机",
            "unit": UnitOfMeasure.objects.get(code="t").pk,
            "list_price": "100",
            "active": "on",
            "warranty_months": "18",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    product = Product.objects.get(code="GEAR-9")
    assert product.warranty_months == 18
    assert 'id="product-warranty">18<' in client.get(f"/products/{product.pk}/").content.decode()
