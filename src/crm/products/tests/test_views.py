"""Pages: the catalogue read-only for reps, editable for catalogue editors; price lists, customer
prices, the customer page's Prices tab; no N+1."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from crm.customers.models import Customer
from crm.products import services_prices
from crm.products.models import (
    Brand,
    CustomerPrice,
    PriceList,
    PriceListItem,
    Product,
    Series,
    UnitOfMeasure,
)


def _form(unit: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "code": "FL-PB-18",
        "name": "刨花板",
        "unit": unit.pk,
        "list_price": "86",
        "specification": "1220×2440×18 mm",
        "active": "on",
    }
    data.update(overrides)
    return data


def test_rep_reads_the_catalogue_without_edit_controls(
    page_client: Any, rep_east: Any, product: Product
) -> None:
    client = page_client(rep_east)
    html = client.get("/products/").content.decode()
    assert product.name in html and 'id="product-new"' not in html
    detail = client.get(f"/products/{product.pk}/").content.decode()
    assert 'id="product-edit"' not in detail and 'id="history"' in detail
    assert client.get("/products/new/").status_code == 403
    assert client.get(f"/products/{product.pk}/edit/").status_code == 403
    assert client.post(f"/products/{product.pk}/delete/").status_code == 403
    assert Product.objects.filter(pk=product.pk).exists()


def test_without_the_sales_module_the_catalogue_is_404(
    page_client: Any, marketer: Any, product: Product
) -> None:
    client = page_client(marketer)
    assert client.get("/products/").status_code == 404
    assert client.get(f"/products/{product.pk}/").status_code == 404


def test_a_sales_manager_may_not_edit_the_catalogue(
    page_client: Any, mgr_east: Any, product: Product, ton: Any
) -> None:
    client = page_client(mgr_east)
    assert client.get("/products/new/").status_code == 403
    assert client.post("/products/new/", _form(ton)).status_code == 403
    assert (
        client.post("/products/brands/save/", {"name": "新品牌", "sort_order": 0}).status_code
        == 403
    )
    assert not Brand.objects.filter(name="新品牌").exists()


def test_list_search_filters_sorting_and_empty_state(
    page_client: Any, rep_east: Any, make_product: Any, brand: Brand
) -> None:
    make_product("A-1", "10", name="中密度纤维板", brand=brand)
    make_product("B-2", "20", name="刨花板")
    make_product("C-3", "30", name="旧板", active=False)
    client = page_client(rep_east)
    assert "中密度纤维板" in client.get("/products/", {"q": "zmdxwb"}).content.decode()
    branded = client.get("/products/", {"brand": brand.pk}).content.decode()
    assert "中密度纤维板" in branded and "刨花板" not in branded
    assert "旧板" not in client.get("/products/", {"active": "1"}).content.decode()
    html = client.get("/products/", {"sort": "-list_price"}).content.decode()
    assert html.index("旧板") < html.index("刨花板") < html.index("中密度纤维板")
    assert 'id="product-empty"' in client.get("/products/", {"q": "不存在"}).content.decode()
    assert client.get("/products/", {"brand": "x", "sort": "bad", "page": "-1"}).status_code == 200
    assert client.get("/products/", {"brand": str(2**70), "series": "0"}).status_code == 200


def test_list_query_count_does_not_grow(
    page_client: Any,
    rep_east: Any,
    make_product: Any,
    brand: Brand,
    series: Series,
    django_assert_max_num_queries: Any,
) -> None:
    client = page_client(rep_east)
    for i in range(3):
        make_product(f"P-{i}", brand=brand, series=series)
    client.get("/products/")
    with django_assert_max_num_queries(12) as few:
        client.get("/products/")
    for i in range(3, 20):
        make_product(f"P-{i}", brand=brand, series=series)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/products/")


def test_admin_creates_edits_and_deletes_a_product(
    page_client: Any, admin: Any, ton: UnitOfMeasure
) -> None:
    client = page_client(admin)
    bad = client.post("/products/new/", _form(ton, list_price="0"))
    assert bad.status_code == 422 and "大于零" in bad.content.decode()
    ok = client.post("/products/new/", _form(ton))
    product = Product.objects.get(code="FL-PB-18")
    assert ok.status_code == 302 and ok["Location"] == f"/products/{product.pk}/"
    dup = client.post("/products/new/", _form(ton))
    assert dup.status_code == 422 and "编码" in dup.content.decode()
    edit = client.get(f"/products/{product.pk}/edit/")
    assert edit.status_code == 200 and 'value="86"' in edit.content.decode()
    saved = client.post(f"/products/{product.pk}/edit/", _form(ton, list_price="90", version=1))
    assert saved.status_code == 302
    stale = client.post(f"/products/{product.pk}/edit/", _form(ton, list_price="95", version=1))
    assert stale.status_code == 409 and "其他人" in stale.content.decode()
    assert Product.objects.get(pk=product.pk).list_price == Decimal("90")
    assert "确定" in client.get(f"/products/{product.pk}/delete/").content.decode()
    assert client.post(f"/products/{product.pk}/delete/").status_code == 302
    assert Product.all_objects.get(pk=product.pk).is_deleted


def test_price_lookup_on_the_product_page(
    page_client: Any,
    rep_east: Any,
    rep_west: Any,
    admin: Any,
    product: Product,
    east_customer: Customer,
    west_customer: Customer,
) -> None:
    services_prices.customer_price_create(
        actor=admin,
        customer=east_customer,
        product=product,
        price="4321",
        valid_from=timezone.localdate(),
    )
    html = (
        page_client(rep_east).get(f"/products/{product.pk}/price/", {"q": "zsh"}).content.decode()
    )
    assert "4321.00" in html and east_customer.name in html and "客户专属价" in html
    # another unit's customers are not found
    other = page_client(rep_west).get(f"/products/{product.pk}/price/", {"q": "zsh"})
    assert 'id="price-lookup-empty"' in other.content.decode()


def test_catalogue_page_adds_and_renames_entries(
    page_client: Any, admin: Any, rep_east: Any, brand: Brand
) -> None:
    client = page_client(admin)
    assert (
        client.post(
            "/products/units/save/", {"code": "卷", "name": "卷", "sort_order": 80, "active": "on"}
        ).status_code
        == 302
    )
    assert UnitOfMeasure.objects.filter(code="卷", active=True).exists()
    client.post("/products/brands/save/", {"name": "大亚", "sort_order": 1, "active": "on"})
    dy = Brand.objects.get(name="大亚")
    client.post(
        "/products/series/save/",
        {"brand": dy.pk, "name": "人造板", "sort_order": 0, "active": "on"},
    )
    series = Series.objects.get(brand=dy, name="人造板")
    client.post(
        "/products/series/save/", {"id": series.pk, "version": 1, "name": "纤维板", "sort_order": 0}
    )
    series.refresh_from_db()
    assert series.name == "纤维板" and not series.active
    dup = client.post("/products/brands/save/", {"name": "大亚", "sort_order": 2}, follow=True)
    assert "已有同名品牌" in dup.content.decode()
    html = page_client(rep_east).get("/products/catalogue/").content.decode()
    assert "纤维板" in html and 'id="brand-new"' not in html
    assert client.post(f"/products/series/{series.pk}/delete/").status_code == 302
    assert Series.all_objects.get(pk=series.pk).is_deleted


def test_price_list_pages_and_items(
    page_client: Any, admin: Any, rep_east: Any, product: Product, make_product: Any
) -> None:
    client = page_client(admin)
    today = timezone.localdate()
    bad = client.post(
        "/products/price-lists/new/",
        {"name": "x", "valid_from": today, "valid_to": today - timedelta(days=1)},
    )
    assert bad.status_code == 422 and "早于" in bad.content.decode()
    r = client.post(
        "/products/price-lists/new/", {"name": "2026 华东价", "valid_from": today, "active": "on"}
    )
    pl = PriceList.objects.get(name="2026 华东价")
    assert r.status_code == 302
    wrong = client.post(
        f"/products/price-lists/{pl.pk}/items/", {"item-product": "NOPE", "item-price": "10"}
    )
    assert wrong.status_code == 422 and "没有产品使用此编码" in wrong.content.decode()
    client.post(
        f"/products/price-lists/{pl.pk}/items/",
        {"item-product": product.code, "item-price": "4500"},
    )
    item = PriceListItem.objects.get(price_list=pl, product=product)
    assert item.price == Decimal("4500")
    for i in range(25):
        make_product(f"X-{i:02d}")
    detail = page_client(rep_east).get(f"/products/price-lists/{pl.pk}/")
    assert "4500.00" in detail.content.decode() and 'id="item-form"' not in detail.content.decode()
    assert (
        page_client(rep_east).post(f"/products/price-list-items/{item.pk}/delete/").status_code
        == 403
    )
    client.post(f"/products/price-list-items/{item.pk}/delete/")
    assert not PriceListItem.objects.filter(pk=item.pk).exists()
    assert "2026 华东价" in page_client(rep_east).get("/products/price-lists/").content.decode()
    edit = client.post(
        f"/products/price-lists/{pl.pk}/edit/", {"name": "改名", "valid_from": today, "version": 1}
    )
    assert edit.status_code == 302
    assert client.post(f"/products/price-lists/{pl.pk}/delete/").status_code == 302


def test_customer_prices_follow_the_customers_scope(
    page_client: Any,
    rep_west: Any,
    rep_east: Any,
    agent: Any,
    west_customer: Customer,
    product: Product,
) -> None:
    url = f"/products/customers/{west_customer.pk}/prices/"
    assert page_client(rep_east).get(url).status_code == 404
    body = {"cp-product": product.code, "cp-price": "4400", "cp-valid_from": timezone.localdate()}
    assert page_client(rep_east).post(url + "new/", body).status_code == 404
    assert page_client(agent).post(url + "new/", body).status_code == 403  # sales view only
    client = page_client(rep_west)
    assert client.post(url + "new/", {**body, "cp-price": "-1"}).status_code == 422
    assert client.post(url + "new/", body).status_code == 302
    cp = CustomerPrice.objects.get(customer=west_customer)
    html = client.get(url).content.decode()
    assert "4400.00" in html and "客户专属价" in html
    assert page_client(rep_east).get(f"/products/customer-prices/{cp.pk}/edit/").status_code == 404
    r = client.post(
        f"/products/customer-prices/{cp.pk}/edit/",
        {"price": "4350", "valid_from": cp.valid_from, "version": 1},
    )
    assert r.status_code == 302
    listing = page_client(rep_east).get("/products/customer-prices/").content.decode()
    assert west_customer.name not in listing
    assert (
        west_customer.name
        in client.get("/products/customer-prices/", {"q": "shuneng"}).content.decode()
    )
    assert client.post(f"/products/customer-prices/{cp.pk}/delete/").status_code == 302
    assert CustomerPrice.all_objects.get(pk=cp.pk).is_deleted


def test_customer_page_has_a_prices_tab_with_constant_queries(
    page_client: Any,
    rep_east: Any,
    marketer: Any,
    admin: Any,
    east_customer: Customer,
    make_product: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(3):
        make_product(f"P-{i:02d}", str(100 + i))
    client = page_client(rep_east)
    url = f"/customers/{east_customer.pk}/tabs/prices/"
    assert f'hx-get="{url}"' in client.get(f"/customers/{east_customer.pk}/").content.decode()
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="effective-prices"' in html and "目录价" in html and "102.00" in html
    with django_assert_max_num_queries(60) as few:
        client.get(url, HTTP_HX_REQUEST="true")
    for i in range(3, 30):
        make_product(f"P-{i:02d}", str(100 + i))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, HTTP_HX_REQUEST="true")
    second = client.get(f"/products/customers/{east_customer.pk}/prices/tab/", {"page": 2})
    assert "120.00" in second.content.decode() and "100.00" not in second.content.decode()
    # marketers see customers but have no sales module: no tab
    html = page_client(marketer).get(f"/customers/{east_customer.pk}/").content.decode()
    assert 'id="effective-prices"' not in html


def test_recycle_bin_lists_and_restores_catalogue_records(
    page_client: Any, admin: Any, west_customer: Customer, product: Product
) -> None:
    cp = services_prices.customer_price_create(
        actor=admin,
        customer=west_customer,
        product=product,
        price="1",
        valid_from=timezone.localdate(),
    )
    services_prices.customer_price_delete(customer_price=cp, actor=admin)
    from crm.products import services

    services.product_delete(product=Product.objects.get(pk=product.pk), actor=admin)
    client = page_client(admin)
    html = client.get("/org/recycle-bin/").content.decode()
    assert "纯MDI" in html and "成都蜀能贸易有限公司 · WH-MDI-100 纯MDI" in html
    r = client.post(f"/org/recycle-bin/products.product/{product.pk}/restore/")
    assert r.status_code == 302 and Product.objects.filter(pk=product.pk).exists()
