"""The products module's endpoints and pages in the access matrix (see crm.testing.matrix).

The catalogue (units, brands, series, products, price lists) is company-wide: every role with
the sales module's view right reads it (admin, leader, mgr_east, mgr_west, rep_east, agent,
finance); marketer and general (no sales right) get 404. Writing it needs the sales action with
data scope "all": admin and finance (sales create/edit, all) create and edit, only admin
deletes (finance has no sales delete right); the others get 403.

Customer prices belong to a WEST customer (rep_west_1's, 成都销售一组): they are seen by whoever
sees that customer (customers scope) and has the sales module — admin, leader, mgr_west,
agent, finance; edited with the sales edit right — admin, mgr_west, finance (leader and
agent: 403).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from crm.core.modules import Action, Module
from crm.customers import services as customer_services
from crm.products import services, services_prices
from crm.products.models import (
    Brand,
    CustomerPrice,
    PriceList,
    PriceListItem,
    Product,
    Series,
    UnitOfMeasure,
)
from crm.testing.matrix import api, roles

SALES = Module.SALES.value
VIEW, CREATE, EDIT, DELETE, EXPORT = (
    a.value for a in (Action.VIEW, Action.CREATE, Action.EDIT, Action.DELETE, Action.EXPORT)
)
READERS = roles("admin", "leader", "mgr_east", "mgr_west", "rep_east", "agent", "finance")
EDITORS = roles("admin")  # sales create/edit with scope "all"
READ_ONLY = READERS - EDITORS
DELETERS = roles("admin")  # sales delete with scope "all"
NOT_DELETERS = READERS - DELETERS
SEES_WEST_PRICES = roles("admin", "leader", "mgr_west", "agent", "finance")
PRICE_EDITORS = roles("admin", "mgr_west")
# sales export + export right
EXPORTERS = roles("admin", "leader", "mgr_east", "mgr_west", "finance")


def _unit() -> UnitOfMeasure:
    return UnitOfMeasure.objects.get(code="t")


def brand(users: Any) -> Brand:
    return services.brand_create(actor=users["admin"], name="矩阵品牌")


def series(users: Any) -> Series:
    return services.series_create(actor=users["admin"], brand=brand(users), name="矩阵系列")


def product(users: Any) -> Product:
    return services.product_create(
        actor=users["admin"],
        code="MX-001",
        name="矩阵测试产品",
        unit=_unit(),
        list_price=Decimal("100"),
    )


def price_list(users: Any) -> PriceList:
    return services_prices.price_list_create(
        actor=users["admin"], name="矩阵价目表", valid_from=timezone.localdate()
    )


def item(users: Any) -> PriceListItem:
    return services_prices.item_set(
        price_list=price_list(users), product=product(users), price="90", actor=users["admin"]
    )


def west_customer(users: Any) -> Any:
    return customer_services.customer_create(
        actor=users["rep_west_1"], name="成都蜀能贸易有限公司", short_name="蜀能"
    )


def west_price(users: Any) -> CustomerPrice:
    return services_prices.customer_price_create(
        actor=users["admin"],
        customer=west_customer(users),
        product=product(users),
        price="80",
        valid_from=timezone.localdate(),
    )


@dataclass
class _Path:
    """Stands in for a target whose path needs two ids. `/api/v1/products/{id}/price` with
    pk "12/price?customer=34&rest=" becomes `/api/v1/products/12/price?customer=34&rest=/price`
    (the matrix replaces `{id}` with `pk`; the extra query parameter is ignored)."""

    pk: str


def price_query(users: Any) -> _Path:
    return _Path(f"{product(users).pk}/price?customer={west_customer(users).pk}&rest=")


def _csv() -> dict[str, Any]:
    body = "编码,名称,计量单位,目录价\r\nMX-IMP,导入产品,t,10\r\n".encode("utf-8-sig")
    return {"file": SimpleUploadedFile("p.csv", body)}


def _href(target: Any) -> str:
    return f'href="/products/{target.pk}/"'


# --- API: products -------------------------------------------------------------------------

api(
    "products: product list",
    "GET",
    "/api/v1/products?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=READERS,
    target=product,
    visible_to=READERS,
)
api(
    "products: product search",
    "GET",
    "/api/v1/products?search=juzhen",
    module=SALES,
    action=VIEW,
    allowed=READERS,
    target=product,
    visible_to=READERS,
)
api(
    "products: product detail",
    "GET",
    "/api/v1/products/{id}",
    module=SALES,
    action=VIEW,
    allowed=READERS,
    target=product,
)
api(
    "products: product create",
    "POST",
    "/api/v1/products",
    module=SALES,
    action=CREATE,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    body=lambda users, t: {
        "code": "MX-NEW",
        "name": "新产品",
        "unit_id": _unit().pk,
        "list_price": "1",
    },
    tables=(Product,),
)
api(
    "products: product patch",
    "PATCH",
    "/api/v1/products/{id}",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    target=product,
    body=lambda users, t: {"version": t.version, "list_price": "120"},
)
api(
    "products: product delete",
    "DELETE",
    "/api/v1/products/{id}",
    module=SALES,
    action=DELETE,
    allowed=DELETERS,
    forbidden=NOT_DELETERS,
    target=product,
)
api(
    "products: product price for a west customer",
    "GET",
    "/api/v1/products/{id}/price",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST_PRICES,
    target=price_query,
)
api(
    "products: product export",
    "GET",
    "/api/v1/products/export",
    module=SALES,
    action=EXPORT,
    allowed=EXPORTERS,
    forbidden=READERS - EXPORTERS,
)
api(
    "products: product import",
    "POST",
    "/api/v1/products/import",
    module=SALES,
    action=CREATE,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    body={"kind": "products"},
    files=_csv,
    tables=(Product,),
)

# --- API: units, brands, series ------------------------------------------------------------

api("products: unit list", "GET", "/api/v1/units", module=SALES, action=VIEW, allowed=READERS)
api(
    "products: unit create",
    "POST",
    "/api/v1/units",
    module=SALES,
    action=CREATE,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    body={"code": "卷", "name": "卷"},
    tables=(UnitOfMeasure,),
)
api(
    "products: unit patch",
    "PATCH",
    "/api/v1/units/{id}",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    target=lambda users: _unit(),
    body={"name": "公吨"},
)
api(
    "products: brand list",
    "GET",
    "/api/v1/brands",
    module=SALES,
    action=VIEW,
    allowed=READERS,
    target=brand,
    visible_to=READERS,
)
api(
    "products: brand create",
    "POST",
    "/api/v1/brands",
    module=SALES,
    action=CREATE,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    body={"name": "新品牌"},
    tables=(Brand,),
)
api(
    "products: brand patch",
    "PATCH",
    "/api/v1/brands/{id}",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    target=brand,
    body=lambda users, t: {"version": t.version, "name": "改名品牌"},
)
api(
    "products: brand delete",
    "DELETE",
    "/api/v1/brands/{id}",
    module=SALES,
    action=DELETE,
    allowed=DELETERS,
    forbidden=NOT_DELETERS,
    target=brand,
)
api(
    "products: series list",
    "GET",
    "/api/v1/series",
    module=SALES,
    action=VIEW,
    allowed=READERS,
    target=series,
    visible_to=READERS,
)
api(
    "products: series create",
    "POST",
    "/api/v1/series",
    module=SALES,
    action=CREATE,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    target=brand,
    body=lambda users, t: {"brand_id": t.pk, "name": "新系列"},
    tables=(Series,),
)
api(
    "products: series patch",
    "PATCH",
    "/api/v1/series/{id}",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    target=series,
    body=lambda users, t: {"version": t.version, "name": "改名系列"},
)
api(
    "products: series delete",
    "DELETE",
    "/api/v1/series/{id}",
    module=SALES,
    action=DELETE,
    allowed=DELETERS,
    forbidden=NOT_DELETERS,
    target=series,
)

# --- API: price lists ----------------------------------------------------------------------

api(
    "products: price list list",
    "GET",
    "/api/v1/price-lists?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=READERS,
    target=price_list,
    visible_to=READERS,
)
api(
    "products: price list create",
    "POST",
    "/api/v1/price-lists",
    module=SALES,
    action=CREATE,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    body={"name": "新价目表", "valid_from": "2026-01-01"},
    tables=(PriceList,),
)
api(
    "products: price list detail",
    "GET",
    "/api/v1/price-lists/{id}",
    module=SALES,
    action=VIEW,
    allowed=READERS,
    target=price_list,
)
api(
    "products: price list patch",
    "PATCH",
    "/api/v1/price-lists/{id}",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    target=price_list,
    body=lambda users, t: {"version": t.version, "active": False},
)
api(
    "products: price list delete",
    "DELETE",
    "/api/v1/price-lists/{id}",
    module=SALES,
    action=DELETE,
    allowed=DELETERS,
    forbidden=NOT_DELETERS,
    target=price_list,
)
api(
    "products: price list items",
    "GET",
    "/api/v1/price-lists/{id}/items",
    module=SALES,
    action=VIEW,
    allowed=READERS,
    target=price_list,
)
api(
    "products: price list item set",
    "POST",
    "/api/v1/price-lists/{id}/items",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    target=price_list,
    body=lambda users, t: {"product_id": product(users).pk, "price": "95"},
    tables=(PriceListItem,),
)
api(
    "products: price list item delete",
    "DELETE",
    "/api/v1/price-list-items/{id}",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    target=item,
)

# --- API: customer prices (a west customer) ------------------------------------------------

api(
    "products: customer effective prices",
    "GET",
    "/api/v1/customers/{id}/prices",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST_PRICES,
    target=west_customer,
)
api(
    "products: customer price create",
    "POST",
    "/api/v1/customers/{id}/prices",
    module=SALES,
    action=EDIT,
    allowed=PRICE_EDITORS,
    forbidden=SEES_WEST_PRICES - PRICE_EDITORS,
    target=west_customer,
    body=lambda users, t: {"product_id": product(users).pk, "price": "85"},
    tables=(CustomerPrice,),
)
api(
    "products: customer price list",
    "GET",
    "/api/v1/customer-prices?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=READERS,
    target=west_price,
    visible_to=SEES_WEST_PRICES,
)
api(
    "products: customer price detail",
    "GET",
    "/api/v1/customer-prices/{id}",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST_PRICES,
    target=west_price,
)
api(
    "products: customer price patch",
    "PATCH",
    "/api/v1/customer-prices/{id}",
    module=SALES,
    action=EDIT,
    allowed=PRICE_EDITORS,
    forbidden=SEES_WEST_PRICES - PRICE_EDITORS,
    target=west_price,
    body=lambda users, t: {"version": t.version, "price": "75"},
)
api(
    "products: customer price delete",
    "DELETE",
    "/api/v1/customer-prices/{id}",
    module=SALES,
    action=EDIT,
    allowed=PRICE_EDITORS,
    forbidden=SEES_WEST_PRICES - PRICE_EDITORS,
    target=west_price,
)
