"""The API: list envelope, search, filters, ordering; writes for catalogue editors only;
stale versions 409; the price for a customer; price lists and customer prices."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from crm.customers.models import Choice
from crm.products import services_prices
from crm.products.models import Brand, CustomerPrice, PriceList, PriceListItem, Product


def test_list_envelope_search_filters_and_ordering(
    api_client: Any, rep_east: Any, make_product: Any, brand: Brand
) -> None:
    make_product("A-1", "30", name="中密度纤维板", brand=brand, specification="18 mm E1")
    make_product("B-2", "20", name="刨花板", active=False)
    client = api_client(rep_east)
    body = client.get("/api/v1/products", {"search": "zmd", "page_size": 5}).json()
    assert set(body) == {"items", "count", "page", "page_size"}
    assert body["count"] == 1 and body["items"][0]["code"] == "A-1"
    assert body["items"][0]["brand"] == {"id": brand.pk, "name": "万华"}
    assert body["items"][0]["unit"]["code"] == "t"
    assert client.get("/api/v1/products", {"search": "18mm"}).json()["count"] == 1
    assert client.get("/api/v1/products", {"active": "false"}).json()["items"][0]["code"] == "B-2"
    assert client.get("/api/v1/products", {"brand_id": brand.pk}).json()["count"] == 1
    codes = [
        p["code"]
        for p in client.get("/api/v1/products", {"ordering": "list_price"}).json()["items"]
    ]
    assert codes == ["B-2", "A-1"]
    bad = client.get("/api/v1/products", {"ordering": "password"})
    assert bad.status_code == 422 and bad.json()["error"]["fields"]["ordering"]


def test_create_patch_delete_by_a_catalogue_editor(
    api_client: Any, admin: Any, ton: Any, brand: Brand, series: Any
) -> None:
    client = api_client(admin)
    r = client.post_json(
        "/api/v1/products",
        {
            "code": "WH-PM-200",
            "name": "聚合MDI",
            "unit_id": ton.pk,
            "list_price": "4200.5",
            "brand_id": brand.pk,
            "series_id": series.pk,
            "specification": "250 kg/桶",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["version"] == 1 and Decimal(str(body["list_price"])) == Decimal("4200.5")
    url = f"/api/v1/products/{body['id']}"
    dup = client.post_json(
        "/api/v1/products", {"code": "WH-PM-200", "name": "x", "unit_id": ton.pk, "list_price": "1"}
    )
    assert dup.status_code == 422 and "编码" in dup.json()["error"]["fields"]["code"][0]
    zero = client.post_json(
        "/api/v1/products", {"code": "Z", "name": "x", "unit_id": ton.pk, "list_price": "0"}
    )
    assert zero.status_code == 422 and zero.json()["error"]["fields"]["list_price"]
    ok = client.patch_json(url, {"version": 1, "list_price": "4100", "series_id": None})
    assert ok.status_code == 200 and ok.json()["series"] is None and ok.json()["version"] == 2
    stale = client.patch_json(url, {"version": 1, "name": "被覆盖"})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    assert Product.objects.get(pk=body["id"]).name == "聚合MDI"
    unknown = client.patch_json(url, {"version": 2, "unit_id": 999999})
    assert unknown.status_code == 422
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_reps_and_managers_may_not_write_the_catalogue(
    api_client: Any, rep_east: Any, mgr_west: Any, marketer: Any, product: Product, ton: Any
) -> None:
    body = {"code": "N-1", "name": "x", "unit_id": ton.pk, "list_price": "1"}
    for user in (rep_east, mgr_west):
        client = api_client(user)
        assert client.post_json("/api/v1/products", body).status_code == 403
        assert (
            client.patch_json(
                f"/api/v1/products/{product.pk}", {"version": 1, "name": "y"}
            ).status_code
            == 403
        )
        assert client.post_json("/api/v1/brands", {"name": "x"}).status_code == 403
    assert api_client(marketer).get(f"/api/v1/products/{product.pk}").status_code == 404
    assert Product.objects.count() == 1 and Product.objects.get().name == "纯MDI"


def test_brands_series_and_units(api_client: Any, admin: Any, rep_east: Any, brand: Brand) -> None:
    client = api_client(admin)
    s = client.post_json("/api/v1/series", {"brand_id": brand.pk, "name": "石化"})
    assert s.status_code == 201 and s.json()["brand"]["name"] == "万华"
    renamed = client.patch_json(f"/api/v1/series/{s.json()['id']}", {"version": 1, "name": "化工"})
    assert renamed.json()["name"] == "化工"
    assert client.post_json("/api/v1/brands", {"name": "万华"}).status_code == 422
    b = client.patch_json(f"/api/v1/brands/{brand.pk}", {"version": 1, "active": False})
    assert b.json()["active"] is False and b.json()["version"] == 2
    assert client.delete(f"/api/v1/brands/{brand.pk}").status_code == 409  # has a series
    u = client.post_json("/api/v1/units", {"code": "箱", "name": "箱"})
    assert u.status_code == 201
    client.patch_json(f"/api/v1/units/{u.json()['id']}", {"active": False})
    reader = api_client(rep_east)
    units = reader.get("/api/v1/units", {"active": "true"}).json()
    assert "箱" not in [x["code"] for x in units] and "m³" in [x["code"] for x in units]
    assert [x["name"] for x in reader.get("/api/v1/series", {"brand_id": brand.pk}).json()] == [
        "化工"
    ]
    assert reader.get("/api/v1/brands").json()[0]["name"] == "万华"


def test_price_for_a_customer(
    api_client: Any, admin: Any, rep_east: Any, rep_west: Any, product: Product, east_customer: Any
) -> None:
    today = timezone.localdate()
    rating = Choice.objects.get(kind="rating", label="A 类（重点客户）")
    east_customer.__class__.objects.filter(pk=east_customer.pk).update(rating=rating)
    pl = services_prices.price_list_create(
        actor=admin, name="A 类", valid_from=today, rating=rating
    )
    services_prices.item_set(price_list=pl, product=product, price="4600", actor=admin)
    client = api_client(rep_east)
    url = f"/api/v1/products/{product.pk}/price"
    body = client.get(url, {"customer": east_customer.pk}).json()
    assert body["source"] == "price_list" and body["source_id"] == pl.pk
    assert Decimal(str(body["price"])) == Decimal("4600") and body["on"] == str(today)
    before = client.get(url, {"customer": east_customer.pk, "on": str(today - timedelta(days=1))})
    assert before.json()["source"] == "list_price"
    assert api_client(rep_west).get(url, {"customer": east_customer.pk}).status_code == 404
    assert client.get(url).status_code == 422  # customer is required


def test_price_lists_and_items(
    api_client: Any, admin: Any, rep_east: Any, product: Product
) -> None:
    client = api_client(admin)
    region = Choice.objects.get(kind="region", label="华东")
    r = client.post_json(
        "/api/v1/price-lists",
        {"name": "华东价", "valid_from": "2026-01-01", "region_id": region.pk},
    )
    assert r.status_code == 201 and r.json()["region"]["label"] == "华东"
    pl_id = r.json()["id"]
    bad = client.post_json(
        "/api/v1/price-lists", {"name": "x", "valid_from": "2026-02-01", "valid_to": "2026-01-01"}
    )
    assert bad.status_code == 422 and bad.json()["error"]["fields"]["valid_to"]
    item = client.post_json(
        f"/api/v1/price-lists/{pl_id}/items", {"product_id": product.pk, "price": "4500"}
    )
    assert item.status_code == 200 and item.json()["product"]["code"] == product.code
    client.post_json(
        f"/api/v1/price-lists/{pl_id}/items", {"product_id": product.pk, "price": "4400"}
    )
    assert PriceListItem.objects.get().price == Decimal("4400")
    reader = api_client(rep_east)
    assert reader.get(f"/api/v1/price-lists/{pl_id}/items").json()["count"] == 1
    assert (
        reader.post_json(
            f"/api/v1/price-lists/{pl_id}/items", {"product_id": product.pk, "price": "1"}
        ).status_code
        == 403
    )
    p = client.patch_json(f"/api/v1/price-lists/{pl_id}", {"version": 1, "region_id": None})
    assert p.status_code == 200 and p.json()["region"] is None
    assert client.delete(f"/api/v1/price-list-items/{item.json()['id']}").status_code == 204
    assert client.delete(f"/api/v1/price-lists/{pl_id}").status_code == 204
    assert PriceList.all_objects.get(pk=pl_id).is_deleted


def test_customer_prices_api(
    api_client: Any,
    rep_west: Any,
    rep_east: Any,
    agent: Any,
    west_customer: Any,
    product: Product,
    make_product: Any,
) -> None:
    make_product("OLD-1", active=False)
    client = api_client(rep_west)
    url = f"/api/v1/customers/{west_customer.pk}/prices"
    created = client.post_json(url, {"product_id": product.pk, "price": "4300"})
    assert created.status_code == 201 and created.json()["valid_from"] == str(timezone.localdate())
    cp_id = created.json()["id"]
    eff = client.get(url).json()
    assert eff["count"] == 1  # active products only
    assert eff["items"][0]["source"] == "customer" and eff["items"][0]["source_id"] == cp_id
    assert api_client(rep_east).get(url).status_code == 404
    assert (
        api_client(rep_east).post_json(url, {"product_id": product.pk, "price": "1"}).status_code
        == 404
    )
    assert (
        api_client(agent).post_json(url, {"product_id": product.pk, "price": "1"}).status_code
        == 403
    )
    assert CustomerPrice.objects.count() == 1
    one = f"/api/v1/customer-prices/{cp_id}"
    assert api_client(rep_east).get(one).status_code == 404
    patched = client.patch_json(one, {"version": 1, "valid_to": "2020-01-01"})
    assert patched.status_code == 422 and patched.json()["error"]["fields"]["valid_to"]
    patched = client.patch_json(
        one, {"version": 1, "price": "4250", "valid_to": str(date(2099, 1, 1))}
    )
    assert patched.status_code == 200 and patched.json()["version"] == 2
    assert client.get("/api/v1/customer-prices", {"search": "shuneng"}).json()["count"] == 1
    assert api_client(rep_east).get("/api/v1/customer-prices").json()["count"] == 0
    assert client.delete(one).status_code == 204
    assert client.get(one).status_code == 404


def test_huge_ids_and_nul_characters_are_not_500(
    api_client: Any, admin: Any, product: Product
) -> None:
    big = 2**70
    client = api_client(admin)
    assert client.get(f"/api/v1/products/{big}").status_code == 404
    assert client.get("/api/v1/products", {"brand_id": big}).status_code == 422
    assert client.get(f"/api/v1/products/{product.pk}/price", {"customer": big}).status_code == 404
    assert client.get("/api/v1/products", {"search": "a\x00b"}).status_code == 200
    assert client.get(f"/api/v1/price-lists/{big}/items").status_code == 404
    assert client.get("/api/v1/customer-prices", {"customer_id": big}).status_code == 422
    assert client.get("/api/v1/series", {"brand_id": big}).status_code == 422
    nul = client.post_json("/api/v1/brands", {"name": "a\x00"})
    assert nul.status_code == 422
