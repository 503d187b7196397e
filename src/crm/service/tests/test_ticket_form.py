"""The ticket form (issue #6 follow-up): the contact picker that follows the chosen customer,
contacts and orders of another customer refused with a field error (page and API), the edit
page of a ticket with its version check, and the ticket's order shown as a link only to those
who may open it."""

from decimal import Decimal
from typing import Any

import pytest

from crm.customers import services as customer_services
from crm.orders import services as order_services
from crm.service import services
from crm.service.models import Ticket, TicketType

from .repair_helpers import warranty_product

pytestmark = pytest.mark.usefixtures("demo_once")


@pytest.fixture
def contacts(agent: Any, west_customer: Any) -> list[Any]:
    return [
        customer_services.contact_create(
            actor=agent, customer=west_customer, name="王经理", title="设备部"
        ),
        customer_services.contact_create(actor=agent, customer=west_customer, name="李工"),
    ]


@pytest.fixture
def east_contact(rep_east: Any, east_customer: Any) -> Any:
    return customer_services.contact_create(actor=rep_east, customer=east_customer, name="赵主任")


def _order(actor: Any, customer: Any, product: Any) -> Any:
    line = {"product": product, "quantity": Decimal(1), "unit_price": Decimal("10.00")}
    return order_services.order_create(actor=actor, customer=customer, lines=[line])


def _body(**extra: Any) -> dict[str, Any]:
    complaint = TicketType.objects.get(code="complaint").pk
    return {"title": "漏油", "type": complaint, "channel": "phone", "priority": "normal", **extra}


def test_contact_picker_follows_the_customer(
    page_client: Any, agent: Any, west_customer: Any, east_customer: Any, contacts: list[Any]
) -> None:
    client = page_client(agent)
    form = client.get("/service/tickets/new/").content.decode()
    # The select waits for a customer and reloads when the customer field changes.
    assert 'id="id_contact"' in form and "请先选择客户" in form
    assert 'hx-trigger="input changed delay:400ms from:#id_customer_text"' in form
    url = "/service/tickets/pick/contacts/"
    html = client.get(url, {"customer_text": f"{west_customer.code} {west_customer.name}"})
    text = html.content.decode()
    assert f'<option value="{contacts[0].pk}">王经理 · 设备部 · 主要联系人</option>' in text
    assert f'<option value="{contacts[1].pk}">李工</option>' in text
    assert 'id="order-options" hx-swap-oob="true"' in text
    # By id (a customer fixed by the page), a customer without contacts, nothing chosen.
    text = client.get(url, {"customer": east_customer.pk}).content.decode()
    assert "该客户还没有联系人" in text and f"/customers/{east_customer.pk}/" in text
    assert "请先选择客户" in client.get(url, {"customer_text": "不存在"}).content.decode()
    assert client.get(url, {"customer": 9**15}).status_code == 404
    # A ticket opened from the customer's page lists its contacts at once.
    page = client.get(f"/service/tickets/new/?customer={west_customer.pk}&contact={contacts[1].pk}")
    assert f'<option value="{contacts[1].pk}" selected>李工</option>' in page.content.decode()


def test_create_with_contact_and_refuse_another_customers(
    page_client: Any,
    agent: Any,
    west_customer: Any,
    contacts: list[Any],
    east_contact: Any,
) -> None:
    client = page_client(agent)
    customer_text = f"{west_customer.code} {west_customer.name}"
    r = client.post(
        "/service/tickets/new/",
        _body(customer_text=customer_text, contact=east_contact.pk),
    )
    page = r.content.decode()
    assert r.status_code == 422 and "该联系人属于其他客户" in page
    # The typed customer's contacts stay offered with the error on the field.
    assert 'class="form-select is-invalid"' in page and "王经理" in page
    r = client.post("/service/tickets/new/", _body(customer_text=customer_text, contact=9**15))
    assert r.status_code == 422 and "请选择该客户的联系人" in r.content.decode()
    assert not Ticket.objects.filter(customer=west_customer).exists()
    r = client.post(
        "/service/tickets/new/", _body(customer_text=customer_text, contact=contacts[1].pk)
    )
    ticket = Ticket.objects.get(customer=west_customer)
    assert r.status_code == 302 and ticket.contact == contacts[1]
    page = client.get(f"/service/tickets/{ticket.pk}/").content.decode()
    assert 'id="ticket-contact">李工' in page


def test_api_refuses_another_customers_contact_and_order(
    api_client: Any,
    admin: Any,
    agent: Any,
    rep_east: Any,
    west_customer: Any,
    east_customer: Any,
    contacts: list[Any],
    east_contact: Any,
) -> None:
    client = api_client(agent)
    body = {"customer_id": west_customer.pk, "title": "咨询", "type_id": _body()["type"]}
    r = client.post_json("/api/v1/tickets", {**body, "contact_id": east_contact.pk})
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["contact_id"] == ["该联系人属于其他客户。"]
    east_order = _order(rep_east, east_customer, warranty_product(admin))
    r = client.post_json("/api/v1/tickets", {**body, "order_id": east_order.pk})
    assert r.json()["error"]["fields"]["order_id"] == ["该订单属于其他客户。"]
    r = client.post_json("/api/v1/tickets", {**body, "contact_id": 9**15})
    assert r.status_code == 422 and "contact_id" in r.json()["error"]["fields"]
    t = client.post_json("/api/v1/tickets", {**body, "contact_id": contacts[0].pk}).json()
    assert t["contact"] == {"id": contacts[0].pk, "name": "王经理"}
    r = client.patch_json(
        f"/api/v1/tickets/{t['id']}", {"version": t["version"], "contact_id": east_contact.pk}
    )
    assert r.status_code == 422 and Ticket.objects.get(pk=t["id"]).contact == contacts[0]


def test_edit_page_changes_contact_order_and_checks_version(
    page_client: Any,
    admin: Any,
    agent: Any,
    rep_west: Any,
    rep_east: Any,
    west_customer: Any,
    east_customer: Any,
    contacts: list[Any],
) -> None:
    product = warranty_product(admin)
    order = _order(rep_west, west_customer, product)
    east_order = _order(rep_east, east_customer, product)
    ticket = services.ticket_create(
        actor=agent,
        customer=west_customer,
        title="漏油",
        type=TicketType.objects.get(code="complaint"),
    )
    client = page_client(agent)
    url = f"/service/tickets/{ticket.pk}/edit/"
    assert f'href="{url}"' in client.get(f"/service/tickets/{ticket.pk}/").content.decode()
    form = client.get(url).content.decode()
    assert 'name="customer_text"' not in form and 'name="version"' in form
    assert f'<option value="{order.number}">' in form and "王经理" in form
    body = {**_body(), "version": ticket.version, "priority": "urgent"}
    r = client.post(url, {**body, "contact": contacts[1].pk, "order": east_order.number})
    assert r.status_code == 422 and "该客户没有此编号的订单" in r.content.decode()
    r = client.post(url, {**body, "contact": contacts[1].pk, "order": order.number})
    assert r.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.contact, ticket.order, ticket.priority) == (contacts[1], order, "urgent")
    # The page opened before that change is stale: refused, nothing changed.
    r = client.post(url, {**body, "title": "晚到的修改"})
    assert r.status_code == 409 and "其他人已修改了它" in r.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).title == "漏油"
    # Those who only read the ticket may not edit it.
    assert page_client(rep_west).get(url).status_code == 403


def test_order_is_a_link_for_those_who_may_open_it(
    page_client: Any, admin: Any, agent: Any, rep_west: Any, west_customer: Any
) -> None:
    # The order belongs to an administrator: outside the rep's own orders.
    order = _order(admin, west_customer, warranty_product(admin))
    ticket = services.ticket_create(
        actor=agent,
        customer=west_customer,
        title="漏油",
        type=TicketType.objects.get(code="complaint"),
        order=order,
    )
    url = f"/service/tickets/{ticket.pk}/"
    link = f'<a href="/orders/{order.pk}/">{order.number}</a>'
    assert link in page_client(agent).get(url).content.decode()
    page = page_client(rep_west).get(url).content.decode()  # sees the ticket via the customer
    assert link not in page and f'id="ticket-order">{order.number}</dd>' in page


def test_desk_opens_the_new_ticket_with_the_callers_contact(
    page_client: Any, agent: Any, west_customer: Any, contacts: list[Any]
) -> None:
    customer_services.contact_update(
        contact=contacts[1], version=contacts[1].version, actor=agent, mobile="13911112222"
    )
    desk = page_client(agent).get("/service/desk/", {"caller": "13911112222"}).content.decode()
    link = f"/service/tickets/new/?customer={west_customer.pk}&amp;contact={contacts[1].pk}"
    assert f'href="{link}"' in desk
