"""The opportunity form's product picker: search-as-you-type among any number of active
products with the unit and the customer's price today; lines typed without JavaScript; bad
product references refused with a Chinese message."""

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from crm.customers import services as customer_services
from crm.products import services as product_services
from crm.products.models import Product, UnitOfMeasure
from crm.products.services import product_search_text
from crm.products.services_prices import customer_price_create
from crm.sales.models import Opportunity

from .conftest import in_days

pytestmark = pytest.mark.usefixtures("demo_once")

URL = "/sales/opportunities/products/"


@pytest.fixture
def catalogue(admin: Any) -> dict[str, Product]:
    ton = UnitOfMeasure.objects.get(code="t")
    drum = UnitOfMeasure.objects.get(code="桶")
    brand = product_services.brand_create(actor=admin, name="万华")
    make = product_services.product_create
    return {
        "mdi": make(
            actor=admin,
            code="WH-MDI-100",
            name="纯MDI",
            unit=ton,
            brand=brand,
            specification="250 kg/桶",
            list_price=Decimal("4850"),
        ),
        "tdi": make(actor=admin, code="TDI 80", name="甲苯二异氰酸酯", unit=drum, list_price=9),
        "old": make(
            actor=admin, code="OLD-1", name="停产聚醚", unit=ton, list_price=1, active=False
        ),
    }


@pytest.fixture
def priced_customer(rep_east: Any, admin: Any, catalogue: Any) -> Any:
    customer = customer_services.customer_create(actor=rep_east, name="上海浦江化工有限公司")
    customer_price_create(
        actor=admin,
        customer=customer,
        product=catalogue["mdi"],
        price="4321.5",
        valid_from=timezone.localdate(),
    )
    return customer


def _options(client: Any, q: str, customer: Any = None, **params: Any) -> str:
    data = {"q": q, **params}
    if customer is not None:
        data["customer"] = f"{customer.code} {customer.name}"
    r = client.get(URL, data)
    assert r.status_code == 200
    return r.content.decode()


def test_finds_active_products_by_code_name_spec_and_brand(
    page_client: Any, rep_east: Any, catalogue: Any
) -> None:
    client = page_client(rep_east)
    mdi = catalogue["mdi"]
    for q in ("wh-mdi", "纯MDI", "250 kg", "万华", "wanhua"):
        assert f'data-id="{mdi.pk}"' in _options(client, q), q
    # the retired product is never offered; an empty search lists nothing
    assert "OLD-1" not in _options(client, "停产")
    assert "product-none" in _options(client, "停产")
    assert _options(client, "").strip() == ""
    # the box's own field name works as the query too (what htmx sends)
    html = client.get(URL, {"lines-3-product_text": "甲苯"}).content.decode()
    assert f'data-id="{catalogue["tdi"].pk}"' in html


def test_shows_unit_and_the_customers_price_today(
    page_client: Any, rep_east: Any, rep_west: Any, catalogue: Any, priced_customer: Any
) -> None:
    mdi = catalogue["mdi"]
    html = _options(page_client(rep_east), "MDI", priced_customer)
    assert 'data-price="4321.50"' in html and 'data-unit="吨"' in html
    assert "客户专属价" in html and "4321.50 / 吨" in html
    # no customer chosen yet: the list price, with a hint
    html = _options(page_client(rep_east), "MDI")
    assert 'data-price="4850.00"' in html and "目录价" in html and "先选择客户" in html
    # a customer the user may not see gives nothing away: the list price
    html = _options(page_client(rep_west), "MDI", priced_customer)
    assert 'data-price="4850.00"' in html and "4321" not in html
    assert f'data-label="{mdi.code} {mdi.name}"' in html


def test_any_number_of_products_and_constant_queries(
    page_client: Any,
    rep_east: Any,
    catalogue: Any,
    priced_customer: Any,
    django_assert_max_num_queries: Any,
) -> None:
    ton = UnitOfMeasure.objects.get(code="t")
    many = [
        Product(code=f"BULK-{i:04d}", name=f"批量聚醚{i}", unit=ton, list_price=Decimal(i + 1))
        for i in range(600)
    ]
    for p in many:
        p.search_text = product_search_text(p)
    Product.objects.bulk_create(many)
    client = page_client(rep_east)
    # the 600th product is found (the old form offered the first 500 only)
    assert "BULK-0599" in _options(client, "BULK-0599", priced_customer)
    _options(client, "BULK-000", priced_customer)
    with django_assert_max_num_queries(12) as few:
        html = _options(client, "bulk", priced_customer)
    assert html.count('class="list-group-item list-group-item-action product-option"') == 20
    assert "仅显示前 20 个产品" in html
    with django_assert_max_num_queries(len(few.captured_queries)):
        _options(client, "BULK-000", priced_customer)


def test_no_sales_right_is_404(page_client: Any, marketer: Any) -> None:
    assert page_client(marketer).get(URL, {"q": "MDI"}).status_code == 404


def _form_data(customer: Any, rep: Any, default_stages: Any, **lines: Any) -> dict[str, Any]:
    return {
        "name": "MDI 年度框架",
        "customer": f"{customer.code} {customer.name}",
        "stage": default_stages[1].pk,
        "amount": "0",
        "expected_close": in_days(30).isoformat(),
        "owner": rep.pk,
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        **lines,
    }


NEW = "/sales/opportunities/new/"


def test_picked_and_typed_lines_are_saved(
    page_client: Any, rep_east: Any, catalogue: Any, priced_customer: Any, default_stages: Any
) -> None:
    client = page_client(rep_east)
    mdi = catalogue["mdi"]
    data = _form_data(
        priced_customer,
        rep_east,
        default_stages,
        **{
            # picked: the id and its label; the price left empty → the customer price
            "lines-0-product": mdi.pk,
            "lines-0-product_text": f"{mdi.code} {mdi.name}",
            "lines-0-quantity": "2",
            # typed without JavaScript: a code holding a space, in lower case, no id
            "lines-1-product": "",
            "lines-1-product_text": "tdi 80",
            "lines-1-quantity": "10",
            "lines-1-unit_price": "8.5",
            # an untouched empty line
            "lines-2-product": "",
            "lines-2-product_text": "",
        },
    )
    r = client.post(NEW, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    o = Opportunity.objects.get(name="MDI 年度框架")
    lines = {li.product.code: li for li in o.lines.select_related("product")}
    assert set(lines) == {"WH-MDI-100", "TDI 80"}
    assert lines["WH-MDI-100"].unit_price == Decimal("4321.50")
    assert lines["TDI 80"].unit_price == Decimal("8.50")
    assert o.amount == Decimal("8643.00") + Decimal("85.00")


def test_words_that_find_one_product_name_it(
    page_client: Any, rep_east: Any, catalogue: Any, priced_customer: Any, default_stages: Any
) -> None:
    data = _form_data(
        priced_customer,
        rep_east,
        default_stages,
        **{"lines-0-product_text": "甲苯二异", "lines-0-quantity": "1"},
    )
    assert page_client(rep_east).post(NEW, data).status_code == 302
    line = Opportunity.objects.get(name="MDI 年度框架").lines.get()
    assert line.product == catalogue["tdi"] and line.unit_price == Decimal("9.00")


def test_a_cleared_line_is_dropped_and_retyped_text_wins(
    page_client: Any, rep_east: Any, catalogue: Any, priced_customer: Any, default_stages: Any
) -> None:
    mdi, tdi = catalogue["mdi"], catalogue["tdi"]
    data = _form_data(
        priced_customer,
        rep_east,
        default_stages,
        **{
            # cleared without JavaScript: the old id stays in the hidden field
            "lines-0-product": mdi.pk,
            "lines-0-product_text": "",
            "lines-0-quantity": "3",
            # retyped without JavaScript: the text names another product
            "lines-1-product": mdi.pk,
            "lines-1-product_text": "TDI 80",
            "lines-1-quantity": "1",
        },
    )
    assert page_client(rep_east).post(NEW, data).status_code == 302
    line = Opportunity.objects.get(name="MDI 年度框架").lines.get()
    assert line.product == tdi


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"lines-0-product": "999999999", "lines-0-product_text": "X 不存在"}, "产品不存在"),
        ({"lines-0-product": "999999999"}, "产品不存在"),
        ({"lines-0-product": "99999999999999999999999"}, "产品不存在"),
        ({"lines-0-product": "abc"}, "整数"),
        ({"lines-0-product_text": "NO-SUCH-CODE"}, "没有与“NO-SUCH-CODE”匹配的在用产品"),
        ({"lines-0-product_text": "OLD-1 停产聚醚"}, "“OLD-1 停产聚醚”已停用"),
        ({"lines-0-product_text": "wh"}, None),  # one match (万华 MDI): accepted
        ({"lines-0-product_text": "t"}, "有多个产品与“t”匹配"),  # ton: every product
    ],
)
def test_bad_references_are_refused_in_chinese(
    page_client: Any,
    rep_east: Any,
    catalogue: Any,
    priced_customer: Any,
    default_stages: Any,
    line: dict[str, str],
    message: str | None,
) -> None:
    data = _form_data(
        priced_customer, rep_east, default_stages, **line, **{"lines-0-quantity": "1"}
    )
    r = page_client(rep_east).post(NEW, data)
    if message is None:
        assert r.status_code == 302
        return
    html = r.content.decode()
    assert r.status_code == 422 and message in html, html[:200]
    assert not Opportunity.objects.filter(name="MDI 年度框架").exists()
    # the page keeps what was typed
    if line.get("lines-0-product_text"):
        assert f'value="{line["lines-0-product_text"]}"' in html


def test_an_inactive_picked_id_is_refused(
    page_client: Any, rep_east: Any, catalogue: Any, priced_customer: Any, default_stages: Any
) -> None:
    old = catalogue["old"]
    data = _form_data(
        priced_customer,
        rep_east,
        default_stages,
        **{"lines-0-product": old.pk, "lines-0-quantity": "1"},
    )
    r = page_client(rep_east).post(NEW, data)
    assert r.status_code == 422 and "“OLD-1 停产聚醚”已停用" in r.content.decode()


def test_a_product_without_quantity_is_refused(
    page_client: Any, rep_east: Any, catalogue: Any, priced_customer: Any, default_stages: Any
) -> None:
    mdi = catalogue["mdi"]
    data = _form_data(
        priced_customer,
        rep_east,
        default_stages,
        **{"lines-0-product": mdi.pk, "lines-0-product_text": mdi.code},
    )
    r = page_client(rep_east).post(NEW, data)
    html = r.content.decode()
    assert r.status_code == 422 and "数量" in html
    # the line shows the product it names, with its unit
    assert f'name="lines-0-product" value="{mdi.pk}"' in html
    assert 'class="col-2 col-md-1 pt-2 text-nowrap line-unit" title="计量单位">吨<' in html


def test_the_edit_page_shows_the_lines_picked(
    page_client: Any, rep_east: Any, catalogue: Any, priced_customer: Any
) -> None:
    from crm.sales.services import opportunity_create

    mdi = catalogue["mdi"]
    o = opportunity_create(
        actor=rep_east,
        customer=priced_customer,
        name="浦江 MDI",
        expected_close=in_days(30),
        lines=[{"product": mdi, "quantity": Decimal("2"), "unit_price": None}],
    )
    html = page_client(rep_east).get(f"/sales/opportunities/{o.pk}/edit/").content.decode()
    assert f'name="lines-0-product" value="{mdi.pk}"' in html
    assert f'value="{mdi.code} {mdi.name}"' in html
    assert 'id="line-template"' in html and "lines-__prefix__-product_text" in html
    assert "/sales/opportunities/products/" in html and "sales/lines.js" in html
