"""Orders from an accepted quote or an active contract (SAL-6): the lines come along, the
order links back, one order per document, anything else is a clear 409."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from crm.orders import services
from crm.orders.errors import NotOrderable
from crm.orders.models import OrderStatus
from crm.sales import services_contracts, services_quotes
from crm.sales.models_contracts import ContractStatus
from crm.sales.models_quotes import QuoteStatus

pytestmark = pytest.mark.usefixtures("demo_once")


@pytest.fixture
def quote(rep_west: Any, west_customer: Any, product: Any) -> Any:
    return services_quotes.quote_create(
        actor=rep_west,
        customer=west_customer,
        valid_until=timezone.localdate() + timedelta(days=20),
        lines=[
            {"product": product, "quantity": Decimal("3"), "discount_pct": Decimal("5")},
            {"product": product, "quantity": Decimal("1"), "unit_price": Decimal("99.5")},
        ],
    )


def _accept(quote: Any, actor: Any) -> Any:
    for to in (QuoteStatus.SENT, QuoteStatus.ACCEPTED):
        quote = services_quotes.quote_transition(
            quote=quote, to=to, version=quote.version, actor=actor
        )
    return quote


def test_an_accepted_quote_becomes_one_draft_order_with_its_lines(
    quote: Any, rep_west: Any
) -> None:
    with pytest.raises(NotOrderable):  # a draft quote is not an agreement yet
        services.order_from_document(document=quote, actor=rep_west)
    quote = _accept(quote, rep_west)
    order = services.order_from_document(document=quote, actor=rep_west)
    assert (order.status, order.quote_id, order.customer_id) == (
        OrderStatus.DRAFT,
        quote.pk,
        quote.customer_id,
    )
    pairs = [
        (x.quantity, x.unit_price, x.discount_percent, x.gross_amount) for x in order.lines.all()
    ]
    expected = [
        (x.quantity, x.unit_price, x.discount_pct, x.gross_amount) for x in quote.lines.all()
    ]
    assert pairs == expected and order.gross_total == quote.gross_amount
    with pytest.raises(NotOrderable) as exc:  # once only
        services.order_from_document(document=quote, actor=rep_west)
    assert str(order.number) in str(exc.value.message)


def test_an_active_contract_brings_its_payment_terms(quote: Any, rep_west: Any) -> None:
    contract = services_contracts.contract_from_quote(
        actor=rep_west, quote=_accept(quote, rep_west), payment_terms_days=45
    )
    with pytest.raises(NotOrderable):  # still a draft
        services.order_from_document(document=contract, actor=rep_west)
    contract = services_contracts.contract_transition(
        contract=contract, to=ContractStatus.ACTIVE, version=contract.version, actor=rep_west
    )
    assert contract.status == ContractStatus.ACTIVE
    order = services.order_from_document(document=contract, actor=rep_west)
    assert (order.contract_id, order.payment_terms_days) == (contract.pk, 45)
    assert order.gross_total == contract.gross_amount


def test_api_and_page_make_the_order_and_refuse_the_second(
    quote: Any, rep_west: Any, rep_east: Any, api_client: Any, page_client: Any
) -> None:
    quote = _accept(quote, rep_west)
    assert api_client(rep_east).post(f"/api/v1/orders/from-quote/{quote.pk}").status_code == 404
    res = api_client(rep_west).post(f"/api/v1/orders/from-quote/{quote.pk}")
    assert res.status_code == 201 and res.json()["quote_id"] == quote.pk
    again = api_client(rep_west).post(f"/api/v1/orders/from-quote/{quote.pk}")
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_orderable"
    page = page_client(rep_west).post(f"/orders/from-quote/{quote.pk}/", follow=True)
    html = page.content.decode()
    assert res.json()["number"] in html and 'id="quote-orders"' in html  # back on the quote
