"""Catalogue and price writes: field rules with Chinese errors, unique codes, stale versions,
soft delete with recycle bin and restore, history."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from crm.core import recycle
from crm.core.audit import history_for
from crm.core.errors import Conflict, StaleVersion, ValidationFailed
from crm.products import services, services_prices
from crm.products.models import Brand, CustomerPrice, Product, Series, UnitOfMeasure


def _fields(exc: Any) -> dict[str, list[str]]:
    return exc.value.fields


def test_create_product_builds_search_keys_and_history(admin: Any, product: Product) -> None:
    assert product.version == 1 and product.list_price == Decimal("4850")
    assert "chunmdi" in product.search_text and "wh-mdi-100" in product.search_text
    assert "wanhua" in product.search_text  # the brand's pinyin
    entry = history_for(product).get()
    assert entry.action == "create" and entry.actor == admin


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"list_price": "0"}, "list_price", "大于零"),
        ({"list_price": "-5"}, "list_price", "大于零"),
        ({"list_price": "abc"}, "list_price", "大于零"),
        ({"list_price": "1.23456"}, "list_price", "4 位小数"),
        ({"name": "  "}, "name", "名称"),
        ({"code": ""}, "code", "编码"),
        ({"unit": None}, "unit", "计量单位"),
    ],
)
def test_invalid_product_fields_give_chinese_errors(
    admin: Any, ton: UnitOfMeasure, fields: dict[str, Any], field: str, text: str
) -> None:
    values = {"code": "X-1", "name": "测试", "unit": ton, "list_price": "10", **fields}
    with pytest.raises(ValidationFailed) as exc:
        services.product_create(actor=admin, **values)
    assert text in " ".join(_fields(exc)[field])
    assert not Product.all_objects.exists()


def test_codes_are_unique_also_against_the_recycle_bin(admin: Any, make_product: Any) -> None:
    first = make_product("P-1")
    with pytest.raises(ValidationFailed) as exc:
        make_product("P-1")
    assert "编码" in _fields(exc)["code"][0]
    services.product_delete(product=first, actor=admin)
    with pytest.raises(ValidationFailed) as exc:
        make_product("P-1")
    assert "回收站" in _fields(exc)["code"][0]
    second = make_product("P-2")
    with pytest.raises(ValidationFailed):
        services.product_update(product=second, version=1, actor=admin, code="P-1")


def test_series_must_belong_to_the_brand(
    admin: Any, make_product: Any, brand: Brand, series: Series
) -> None:
    other = services.brand_create(actor=admin, name="长城")
    with pytest.raises(ValidationFailed) as exc:
        make_product("P-1", brand=other, series=series)
    assert "其他品牌" in _fields(exc)["series"][0]
    # a series alone brings its brand
    p = make_product("P-2", series=series)
    assert p.brand == brand


def test_retired_entries_cannot_be_chosen_but_stay(
    admin: Any, make_product: Any, brand: Brand, ton: UnitOfMeasure, sheet: UnitOfMeasure
) -> None:
    p = make_product("P-1", brand=brand)
    services.unit_update(unit=ton, actor=admin, active=False)
    services.brand_update(brand=brand, version=brand.version, actor=admin, active=False)
    with pytest.raises(ValidationFailed) as exc:
        make_product("P-2", unit=UnitOfMeasure.objects.get(code="t"))
    assert "停用" in _fields(exc)["unit"][0]
    with pytest.raises(ValidationFailed):
        make_product("P-3", unit=sheet, brand=Brand.objects.get(pk=brand.pk))
    # a product that already has them keeps them on update
    ton.refresh_from_db()
    updated = services.product_update(
        product=p,
        version=p.version,
        actor=admin,
        name="改名",
        unit=ton,
        brand=Brand.objects.get(pk=brand.pk),
    )
    assert updated.name == "改名" and updated.version == 2


def test_update_refuses_a_stale_version_and_records_changes(admin: Any, product: Product) -> None:
    updated = services.product_update(
        product=product, version=1, actor=admin, list_price="4999.5", specification="200 kg/桶"
    )
    assert updated.version == 2 and updated.list_price == Decimal("4999.5")
    assert "200kg/桶" in updated.search_text
    with pytest.raises(StaleVersion):
        services.product_update(product=product, version=1, actor=admin, name="旧")
    change = history_for(product).filter(action="update").get()
    assert set(change.changes) == {"list_price", "specification"}
    assert Product.objects.get(pk=product.pk).name == "纯MDI"


def test_soft_delete_goes_to_the_recycle_bin_and_restores(
    admin: Any, leader: Any, product: Product
) -> None:
    services.product_delete(product=product, actor=admin)
    assert not Product.objects.filter(pk=product.pk).exists()
    label = Product._meta.label_lower
    assert product.pk in recycle.deleted_for_user(admin, label).values_list("pk", flat=True)
    assert not recycle.deleted_for_user(leader, label).exists()  # no delete right
    recycle.bins()[label].restore(Product.all_objects.get(pk=product.pk), admin)
    assert Product.objects.filter(pk=product.pk).exists()
    assert [e.action for e in history_for(product)][:2] == ["restore", "delete"]


def test_product_restore_needs_its_brand(admin: Any, product: Product, brand: Brand) -> None:
    services.product_delete(product=product, actor=admin)
    Series.objects.filter(brand=brand).update(is_deleted=True)
    services.brand_delete(brand=Brand.objects.get(pk=brand.pk), actor=admin)
    with pytest.raises(Conflict):
        services.product_restore(product=Product.all_objects.get(pk=product.pk), actor=admin)


def test_brand_and_series_rules(admin: Any, brand: Brand, series: Series, product: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.brand_create(actor=admin, name="万华")
    assert "已有" in _fields(exc)["name"][0]
    with pytest.raises(ValidationFailed):
        services.series_create(actor=admin, brand=brand, name="聚氨酯")
    with pytest.raises(Conflict):
        services.series_delete(series=series, actor=admin)  # a product uses it
    with pytest.raises(Conflict):
        services.brand_delete(brand=brand, actor=admin)
    services.brand_update(brand=brand, version=brand.version, actor=admin, name="万华化学")
    assert "wanhuahuaxue" in Product.objects.get(pk=product.pk).search_text
    with pytest.raises(StaleVersion):
        services.brand_update(brand=brand, version=1, actor=admin, name="万华")
    renamed = services.series_update(series=series, version=1, actor=admin, name="MDI 系列")
    assert renamed.version == 2


def test_units_have_unique_codes_and_history(admin: Any, ton: UnitOfMeasure) -> None:
    box = services.unit_create(actor=admin, code="箱", name="箱")
    with pytest.raises(ValidationFailed) as exc:
        services.unit_create(actor=admin, code="箱", name="大箱")
    assert "代码" in _fields(exc)["code"][0]
    services.unit_update(unit=box, actor=admin, name="纸箱")
    assert [e.action for e in history_for(box)] == ["update", "create"]
    with pytest.raises(ValidationFailed):
        services.unit_update(unit=box, actor=admin, code="t")


# --- price lists, items, customer prices -------------------------------------------------


def test_price_list_dates_and_criteria(admin: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services_prices.price_list_create(
            actor=admin, name="x", valid_from=date(2026, 5, 1), valid_to=date(2026, 4, 30)
        )
    assert "早于" in _fields(exc)["valid_to"][0]
    from crm.customers.models import Choice
    from crm.org.models import OrgUnit

    region = Choice.objects.filter(kind="region").first()
    with pytest.raises(ValidationFailed) as exc:
        services_prices.price_list_create(
            actor=admin,
            name="x",
            valid_from=date(2026, 5, 1),
            rating=region,
            business_unit=OrgUnit.objects.get(name="上海分公司"),
        )
    assert set(_fields(exc)) == {"rating", "business_unit"}
    one_day = services_prices.price_list_create(
        actor=admin, name="一天", valid_from=date(2026, 5, 1), valid_to=date(2026, 5, 1)
    )
    with pytest.raises(ValidationFailed):
        services_prices.price_list_update(
            price_list=one_day, version=1, actor=admin, valid_from=date(2026, 5, 2)
        )
    with pytest.raises(StaleVersion):
        services_prices.price_list_update(price_list=one_day, version=7, actor=admin, name="y")


def test_items_are_upserted_and_audited_on_the_list(admin: Any, product: Product) -> None:
    pl = services_prices.price_list_create(actor=admin, name="A", valid_from=date(2026, 1, 1))
    item = services_prices.item_set(price_list=pl, product=product, price="4500", actor=admin)
    again = services_prices.item_set(price_list=pl, product=product, price="4400", actor=admin)
    assert again.pk == item.pk and again.price == Decimal("4400")
    with pytest.raises(ValidationFailed) as exc:
        services_prices.item_set(price_list=pl, product=product, price="0", actor=admin)
    assert "大于零" in _fields(exc)["price"][0]
    services_prices.item_delete(item=again, actor=admin)
    changes = [list(e.changes.values())[0] for e in history_for(pl).filter(action="update")]
    assert [(c["old"], c["new"]) for c in changes] == [
        ("4400.0000", ""),
        ("4500.0000", "4400.0000"),
        ("", "4500.0000"),
    ]


def test_customer_prices_validate_and_go_to_the_recycle_bin(
    admin: Any, mgr_west: Any, west_customer: Any, product: Product
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services_prices.customer_price_create(
            actor=admin,
            customer=west_customer,
            product=product,
            price="-1",
            valid_from=date(2026, 5, 2),
            valid_to=date(2026, 5, 1),
        )
    assert set(_fields(exc)) == {"price", "valid_to"}
    cp = services_prices.customer_price_create(
        actor=mgr_west,
        customer=west_customer,
        product=product,
        price="4300",
        valid_from=date(2026, 5, 1),
    )
    updated = services_prices.customer_price_update(
        customer_price=cp, version=1, actor=mgr_west, price="4200"
    )
    assert updated.version == 2
    with pytest.raises(StaleVersion):
        services_prices.customer_price_update(customer_price=cp, version=1, actor=mgr_west)
    services_prices.customer_price_delete(customer_price=updated, actor=mgr_west)
    label = CustomerPrice._meta.label_lower
    assert list(recycle.deleted_for_user(mgr_west, label)) == [updated]
    recycle.bins()[label].restore(CustomerPrice.all_objects.get(pk=cp.pk), mgr_west)
    assert CustomerPrice.objects.filter(pk=cp.pk).exists()
