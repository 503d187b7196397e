"""The products module's pages in the access matrix; who may do what: see matrix_entries.py."""

from typing import Any

from crm.products.models import (
    CustomerPrice,
    PriceList,
    PriceListItem,
    Product,
    Series,
    UnitOfMeasure,
)
from crm.testing.matrix import page, roles

from .matrix_entries import (
    CREATE,
    DELETE,
    DELETERS,
    EDIT,
    EDITORS,
    EXPORT,
    EXPORTERS,
    NOT_DELETERS,
    PRICE_EDITORS,
    READ_ONLY,
    READERS,
    SALES,
    SEES_WEST_PRICES,
    VIEW,
    _csv,
    _href,
    _unit,
    brand,
    item,
    price_list,
    product,
    series,
    west_customer,
    west_price,
)

# --- products ------------------------------------------------------------------------------

page(
    "products: product list",
    "GET",
    "/products/?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=READERS,
    target=product,
    visible_to=READERS,
    marker=_href,
)
page(
    "products: product detail",
    "GET",
    "/products/{id}/",
    module=SALES,
    action=VIEW,
    allowed=READERS,
    target=product,
)
page(
    "products: product price lookup",
    "GET",
    "/products/{id}/price/?q=shuneng",
    module=SALES,
    action=VIEW,
    allowed=READERS,
    target=product,
)
page(
    "products: product create",
    "POST",
    "/products/new/",
    module=SALES,
    action=CREATE,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    body=lambda users, t: {
        "code": "MX-NEW",
        "name": "新产品",
        "unit": _unit().pk,
        "list_price": "1",
        "active": "on",
    },
    tables=(Product,),
)
page(
    "products: product edit",
    "POST",
    "/products/{id}/edit/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    target=product,
    body=lambda users, t: {
        "code": t.code,
        "name": "改名",
        "unit": t.unit_id,
        "list_price": "120",
        "version": t.version,
    },
)
page(
    "products: product delete",
    "POST",
    "/products/{id}/delete/",
    module=SALES,
    action=DELETE,
    allowed=DELETERS,
    forbidden=NOT_DELETERS,
    target=product,
)
page(
    "products: product export",
    "GET",
    "/products/export/?format=csv",
    module=SALES,
    action=EXPORT,
    allowed=EXPORTERS,
    forbidden=READERS - EXPORTERS,
)
page(
    "products: product import",
    "POST",
    "/products/import/",
    module=SALES,
    action=CREATE,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    files=_csv,
    tables=(Product,),
)
page(
    "products: product import template",
    "GET",
    "/products/import/template/?format=xlsx",
    module=SALES,
    action=CREATE,
    allowed=EDITORS,
    forbidden=READ_ONLY,
)


def _import_job(users: Any) -> Any:
    from crm.products import imports

    return imports.import_start(
        user=users["admin"], kind="products", upload=_csv()["file"], dry_run=True
    )


# Another user's job is not found (jobs are private): admin, who started it, imports it.
page(
    "products: product import commit",
    "POST",
    "/products/import/{id}/",
    module=SALES,
    action=CREATE,
    allowed=roles("admin"),  # the job's starter; finance, a catalogue editor too, gets 404
    target=_import_job,
    body={"action": "commit"},
    tables=(Product,),
)

# --- brands, series, units -----------------------------------------------------------------

page(
    "products: catalogue lists",
    "GET",
    "/products/catalogue/",
    module=SALES,
    action=VIEW,
    allowed=READERS,
    target=brand,
    visible_to=READERS,
    marker=lambda t: f'data-brand="{t.name}"',
)
page(
    "products: unit save",
    "POST",
    "/products/units/save/",
    module=SALES,
    action=CREATE,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    body={"code": "卷", "name": "卷", "sort_order": "80", "active": "on"},
    tables=(UnitOfMeasure,),
)
page(
    "products: brand save",
    "POST",
    "/products/brands/save/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    target=brand,
    body=lambda users, t: {"id": t.pk, "version": t.version, "name": "改名", "sort_order": "0"},
)
page(
    "products: series save",
    "POST",
    "/products/series/save/",
    module=SALES,
    action=CREATE,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    target=brand,
    body=lambda users, t: {"brand": t.pk, "name": "新系列", "sort_order": "0", "active": "on"},
    tables=(Series,),
)
page(
    "products: brand delete",
    "POST",
    "/products/brands/{id}/delete/",
    module=SALES,
    action=DELETE,
    allowed=DELETERS,
    forbidden=NOT_DELETERS,
    target=brand,
)
page(
    "products: series delete",
    "POST",
    "/products/series/{id}/delete/",
    module=SALES,
    action=DELETE,
    allowed=DELETERS,
    forbidden=NOT_DELETERS,
    target=series,
)

# --- price lists ---------------------------------------------------------------------------

page(
    "products: price list list",
    "GET",
    "/products/price-lists/?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=READERS,
    target=price_list,
    visible_to=READERS,
    marker=lambda t: f'href="/products/price-lists/{t.pk}/"',
)
page(
    "products: price list detail",
    "GET",
    "/products/price-lists/{id}/",
    module=SALES,
    action=VIEW,
    allowed=READERS,
    target=price_list,
)
page(
    "products: price list create",
    "POST",
    "/products/price-lists/new/",
    module=SALES,
    action=CREATE,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    body={"name": "新价目表", "valid_from": "2026-01-01", "active": "on"},
    tables=(PriceList,),
)
page(
    "products: price list edit",
    "POST",
    "/products/price-lists/{id}/edit/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    target=price_list,
    body=lambda users, t: {"name": "改名", "valid_from": "2026-01-01", "version": t.version},
)
page(
    "products: price list delete",
    "POST",
    "/products/price-lists/{id}/delete/",
    module=SALES,
    action=DELETE,
    allowed=DELETERS,
    forbidden=NOT_DELETERS,
    target=price_list,
)
page(
    "products: price list item set",
    "POST",
    "/products/price-lists/{id}/items/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    target=price_list,
    body=lambda users, t: {"item-product": product(users).code, "item-price": "95"},
    tables=(PriceListItem,),
)
page(
    "products: price list item delete",
    "POST",
    "/products/price-list-items/{id}/delete/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=READ_ONLY,
    target=item,
)

# --- customer prices (a west customer) -----------------------------------------------------

page(
    "products: customer price list",
    "GET",
    "/products/customer-prices/?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=READERS,
    target=west_price,
    visible_to=SEES_WEST_PRICES,
    marker=lambda t: f'href="/products/customers/{t.customer_id}/prices/"',
)
page(
    "products: customer prices of a customer",
    "GET",
    "/products/customers/{id}/prices/",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST_PRICES,
    target=west_customer,
)
page(
    "products: customer prices tab page",
    "GET",
    "/products/customers/{id}/prices/tab/?page=1",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST_PRICES,
    target=west_customer,
)
page(
    "products: customer price create",
    "POST",
    "/products/customers/{id}/prices/new/",
    module=SALES,
    action=EDIT,
    allowed=PRICE_EDITORS,
    forbidden=SEES_WEST_PRICES - PRICE_EDITORS,
    target=west_customer,
    body=lambda users, t: {
        "cp-product": product(users).code,
        "cp-price": "85",
        "cp-valid_from": "2026-01-01",
    },
    tables=(CustomerPrice,),
)
page(
    "products: customer price edit",
    "POST",
    "/products/customer-prices/{id}/edit/",
    module=SALES,
    action=EDIT,
    allowed=PRICE_EDITORS,
    forbidden=SEES_WEST_PRICES - PRICE_EDITORS,
    target=west_price,
    body=lambda users, t: {"price": "75", "valid_from": "2026-01-01", "version": t.version},
)
page(
    "products: customer price delete",
    "POST",
    "/products/customer-prices/{id}/delete/",
    module=SALES,
    action=EDIT,
    allowed=PRICE_EDITORS,
    forbidden=SEES_WEST_PRICES - PRICE_EDITORS,
    target=west_price,
)
