"""'The price for this customer today': every rule of the precedence, validity boundaries,
business units, and a constant number of queries for many products."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.customers.models import Choice, ChoiceKind, Customer
from crm.org.models import OrgUnit
from crm.products import selectors, services_prices
from crm.products.pricing import Source, business_unit_of
from crm.products.selectors import price_for, prices_for

DAY = date(2026, 6, 15)


def _choice(kind: str, label: str) -> Choice:
    return Choice.objects.get(kind=kind, label=label)


@pytest.fixture
def rating_a(db: Any) -> Choice:
    return _choice(ChoiceKind.RATING, "A 类（重点客户）")


@pytest.fixture
def rating_b(db: Any) -> Choice:
    return _choice(ChoiceKind.RATING, "B 类（一般客户）")


@pytest.fixture
def east(db: Any) -> Choice:
    return _choice(ChoiceKind.REGION, "华东")


@pytest.fixture
def west(db: Any) -> Choice:
    return _choice(ChoiceKind.REGION, "西南")


@pytest.fixture
def customer(east_customer: Customer, rating_a: Choice, east: Choice) -> Customer:
    Customer.objects.filter(pk=east_customer.pk).update(rating=rating_a, region=east)
    east_customer.refresh_from_db()
    return east_customer


def _list(admin: Any, name: str, price: str, product: Any, **fields: Any) -> Any:
    fields.setdefault("valid_from", DAY - timedelta(days=30))
    pl = services_prices.price_list_create(actor=admin, name=name, **fields)
    services_prices.item_set(price_list=pl, product=product, price=price, actor=admin)
    return pl


def test_list_price_when_nothing_else(customer: Customer, product: Any) -> None:
    quote = price_for(customer, product, DAY)
    assert quote.price == Decimal("4850") and quote.source == Source.LIST_PRICE
    assert quote.source_id is None and quote.source_label


def test_a_list_for_everyone_beats_the_list_price(
    admin: Any, customer: Customer, product: Any
) -> None:
    pl = _list(admin, "全体客户价", "4700", product)
    quote = price_for(customer, product, DAY)
    assert (quote.price, quote.source, quote.source_id) == (Decimal("4700"), "price_list", pl.pk)
    assert quote.source_label == "全体客户价"


def test_more_matching_criteria_win(
    admin: Any, customer: Customer, product: Any, rating_a: Choice, east: Choice
) -> None:
    _list(admin, "全体", "4700", product)
    _list(admin, "A 类", "4600", product, rating=rating_a)
    assert price_for(customer, product, DAY).price == Decimal("4600")
    both = _list(admin, "A 类华东", "4500", product, rating=rating_a, region=east)
    assert price_for(customer, product, DAY).source_id == both.pk
    unit = OrgUnit.objects.get(name="华东化工有限公司")
    three = _list(
        admin,
        "华东公司 A 类华东",
        "4400",
        product,
        rating=rating_a,
        region=east,
        business_unit=unit,
    )
    assert price_for(customer, product, DAY).source_id == three.pk


def test_lists_for_other_customers_do_not_apply(
    admin: Any, customer: Customer, product: Any, rating_b: Choice, west: Choice
) -> None:
    _list(admin, "B 类", "4000", product, rating=rating_b)
    _list(admin, "西南", "4100", product, region=west)
    _list(
        admin,
        "西南公司",
        "4200",
        product,
        business_unit=OrgUnit.objects.get(name="西南能源有限公司"),
    )
    assert price_for(customer, product, DAY).source == Source.LIST_PRICE


def test_a_customer_without_rating_only_gets_lists_without_one(
    admin: Any, east_customer: Customer, product: Any, rating_a: Choice
) -> None:
    _list(admin, "A 类", "4000", product, rating=rating_a)
    assert price_for(east_customer, product, DAY).source == Source.LIST_PRICE
    _list(admin, "全体", "4700", product)
    assert price_for(east_customer, product, DAY).price == Decimal("4700")


def test_business_unit_is_the_nearest_company_above_the_customers_unit(
    east_customer: Customer, west_customer: Customer
) -> None:
    assert east_customer.org_unit.name == "上海销售一组"
    east, west = business_unit_of(east_customer.org_unit), business_unit_of(west_customer.org_unit)
    assert east is not None and east.name == "华东化工有限公司"
    assert west is not None and west.name == "西南能源有限公司"
    company = OrgUnit.objects.get(name="华东化工有限公司")
    assert business_unit_of(company) == company
    assert business_unit_of(OrgUnit.objects.get(name="中化示范集团")) is None
    assert business_unit_of(None) is None


def test_ties_go_to_the_latest_valid_from(
    admin: Any, customer: Customer, product: Any, rating_a: Choice
) -> None:
    _list(admin, "A 类旧", "4600", product, rating=rating_a, valid_from=DAY - timedelta(days=60))
    newer = _list(
        admin, "A 类新", "4550", product, rating=rating_a, valid_from=DAY - timedelta(days=5)
    )
    assert price_for(customer, product, DAY).source_id == newer.pk
    # before the newer one starts, the older one applies
    assert price_for(customer, product, DAY - timedelta(days=6)).price == Decimal("4600")


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "applies"),
    [
        (DAY, None, True),  # starts today
        (DAY + timedelta(days=1), None, False),  # starts tomorrow
        (DAY - timedelta(days=10), DAY, True),  # ends today (inclusive)
        (DAY - timedelta(days=10), DAY - timedelta(days=1), False),  # ended yesterday
    ],
)
def test_price_list_validity_boundaries(
    admin: Any, customer: Customer, product: Any, valid_from: date, valid_to: Any, applies: bool
) -> None:
    _list(admin, "期间价", "4000", product, valid_from=valid_from, valid_to=valid_to)
    source = price_for(customer, product, DAY).source
    assert (source == Source.PRICE_LIST) is applies


def test_inactive_and_deleted_lists_do_not_apply(
    admin: Any, customer: Customer, product: Any
) -> None:
    pl = _list(admin, "停用", "4000", product, active=False)
    assert price_for(customer, product, DAY).source == Source.LIST_PRICE
    services_prices.price_list_update(price_list=pl, version=pl.version, actor=admin, active=True)
    assert price_for(customer, product, DAY).price == Decimal("4000")
    pl.refresh_from_db()
    services_prices.price_list_delete(price_list=pl, actor=admin)
    assert price_for(customer, product, DAY).source == Source.LIST_PRICE


def test_a_specific_list_without_the_product_falls_back_to_a_general_one(
    admin: Any, customer: Customer, product: Any, make_product: Any, rating_a: Choice
) -> None:
    other = make_product("P-OTHER", "10")
    _list(admin, "A 类", "9", other, rating=rating_a)  # lists only the other product
    general = _list(admin, "全体", "4700", product)
    assert price_for(customer, product, DAY).source_id == general.pk
    assert price_for(customer, other, DAY).price == Decimal("9")


def test_a_customer_price_beats_every_list(
    admin: Any, customer: Customer, product: Any, rating_a: Choice, east: Choice
) -> None:
    _list(admin, "A 类华东", "4500", product, rating=rating_a, region=east)
    cp = services_prices.customer_price_create(
        actor=admin, customer=customer, product=product, price="4300", valid_from=DAY
    )
    quote = price_for(customer, product, DAY)
    assert (quote.price, quote.source, quote.source_id) == (Decimal("4300"), "customer", cp.pk)
    # the day before it starts, the list applies
    assert price_for(customer, product, DAY - timedelta(days=1)).price == Decimal("4500")


def test_customer_price_boundaries_latest_and_deleted(
    admin: Any, customer: Customer, west_customer: Customer, product: Any
) -> None:
    old = services_prices.customer_price_create(
        actor=admin,
        customer=customer,
        product=product,
        price="4000",
        valid_from=DAY - timedelta(days=100),
        valid_to=DAY,
    )
    assert price_for(customer, product, DAY).source_id == old.pk
    assert price_for(customer, product, DAY + timedelta(days=1)).source == Source.LIST_PRICE
    newer = services_prices.customer_price_create(
        actor=admin,
        customer=customer,
        product=product,
        price="3900",
        valid_from=DAY - timedelta(days=1),
    )
    assert price_for(customer, product, DAY).source_id == newer.pk
    services_prices.customer_price_delete(customer_price=newer, actor=admin)
    assert price_for(customer, product, DAY).source_id == old.pk
    # another customer's agreed price does not apply
    assert price_for(west_customer, product, DAY).source == Source.LIST_PRICE


def test_default_day_is_today(admin: Any, customer: Customer, product: Any) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    services_prices.customer_price_create(
        actor=admin, customer=customer, product=product, price="1", valid_from=today
    )
    assert price_for(customer, product).price == Decimal("1")
    assert price_for(customer, product.pk).price == Decimal("1")


def test_prices_for_many_products_takes_a_constant_number_of_queries(
    admin: Any, customer: Customer, make_product: Any, rating_a: Choice
) -> None:
    products = [make_product(f"P-{i:03d}", str(100 + i)) for i in range(30)]
    pl = services_prices.price_list_create(
        actor=admin, name="A 类", valid_from=DAY - timedelta(days=1), rating=rating_a
    )
    for p in products[:10]:
        services_prices.item_set(price_list=pl, product=p, price="50", actor=admin)
    for p in products[10:15]:
        services_prices.customer_price_create(
            actor=admin, customer=customer, product=p, price="40", valid_from=DAY
        )
    fresh = Customer.objects.get(pk=customer.pk)
    with CaptureQueriesContext(connection) as few:
        prices_for(fresh, products[:3], DAY)
    fresh = Customer.objects.get(pk=customer.pk)
    with CaptureQueriesContext(connection) as many:
        quotes = prices_for(fresh, products, DAY)
    assert len(many) == len(few) <= 4
    sources = [quotes[p.pk].source for p in products]
    assert sources == ["price_list"] * 10 + ["customer"] * 5 + ["list_price"] * 15
    assert quotes[products[20].pk].price == Decimal("120")
    assert prices_for(customer, [], DAY) == {}


def test_effective_prices_pairs_products_with_quotes(customer: Customer, product: Any) -> None:
    rows = selectors.effective_prices(customer, [product], DAY)
    assert rows[0][0] == product and rows[0][1].price == Decimal("4850")
