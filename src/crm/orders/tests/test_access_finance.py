"""The finance role (财务): sees every order and receivable, writes invoices, payments and
credit limits; the data migration seeds the role."""

from typing import Any

import pytest

from crm.org.models import Role

pytestmark = pytest.mark.usefixtures("demo_once")


def test_finance_role_is_seeded_with_its_grants(finance: Any) -> None:
    role = Role.objects.get(code="finance")
    assert role.name == "财务" and finance.roles.filter(pk=role.pk).exists()
    sales = role.grants.get(module="sales")
    assert sales.scope == "all" and sales.can_view and sales.can_export
    assert not (sales.can_create or sales.can_edit or sales.can_delete)


def test_finance_sees_all_and_keeps_receivables(
    api_client: Any,
    page_client: Any,
    finance: Any,
    west_order: Any,
    west_customer: Any,
    rep_west: Any,
) -> None:
    client = api_client(finance)
    assert client.get(f"/api/v1/orders/{west_order.pk}").status_code == 200
    r = client.put_json(f"/api/v1/credit-limits/{west_customer.pk}", {"amount": "5000"})
    assert r.status_code == 200 and r.json()["version"] == 1
    stale = client.put_json(
        f"/api/v1/credit-limits/{west_customer.pk}", {"amount": "1", "version": 9}
    )
    assert stale.status_code == 409
    r = api_client(rep_west).put_json(f"/api/v1/credit-limits/{west_customer.pk}", {"amount": "1"})
    assert r.status_code == 403
    pages = page_client(finance)
    for url in (
        "/orders/",
        "/orders/invoices/",
        "/orders/payments/new/",
        "/orders/receivables/aging/",
        f"/orders/credit/{west_customer.pk}/",
    ):
        assert pages.get(url).status_code == 200, url
