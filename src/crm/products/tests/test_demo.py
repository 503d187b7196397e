"""The demo catalogue (`crm demo`): realistic, idempotent, prices that the selector uses."""

from typing import Any

import pytest

from crm.customers.demo import load_customers
from crm.customers.models import Customer
from crm.products.demo import load_products
from crm.products.models import Brand, CustomerPrice, PriceList, PriceListItem, Product, Series
from crm.products.selectors import prices_for

pytestmark = pytest.mark.usefixtures("demo_once")


def test_loads_a_catalogue_once(demo: Any) -> None:
    load_customers(200)
    made = load_products(customers=200)
    assert made["brands"] >= 6 and made["series"] >= 12
    assert 55 <= made["products"] <= 70 and made["price_lists"] == 2
    assert made["customer_prices"] == 10
    assert {"万华", "中石化长城", "昆仑", "大亚", "丰林"} <= set(
        Brand.objects.values_list("name", flat=True)
    )
    assert set(Product.objects.values_list("unit__code", flat=True)) >= {"t", "桶", "张", "m³"}
    for p in Product.objects.select_related("brand", "series")[:10]:
        assert p.series is not None and p.series.brand_id == p.brand_id
        assert p.search_text and p.list_price > 0
    pl = PriceList.objects.get(name__contains="A 类")
    assert pl.rating is not None and PriceListItem.objects.filter(price_list=pl).count() > 20
    region = PriceList.objects.get(name__contains="西南").region
    assert region is not None and region.label == "西南"
    again = load_products(customers=200)
    assert again == dict.fromkeys(made, 0)
    assert Series.objects.count() == made["series"]
    assert load_products(customers=400)["customer_prices"] == 10
    assert CustomerPrice.objects.count() == 20


def test_demo_prices_are_quoted(demo: Any) -> None:
    load_customers(100)
    load_products(customers=100)
    first = CustomerPrice.objects.first()
    assert first is not None
    customer = Customer.objects.get(pk=first.customer_id)
    quotes = prices_for(customer, list(Product.objects.filter(active=True)))
    assert "customer" in {q.source for q in quotes.values()}
    assert all(q.price > 0 for q in quotes.values())
