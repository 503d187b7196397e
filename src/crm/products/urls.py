from django.urls import path

from . import views, views_catalogue, views_data, views_prices

app_name = "products"
urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_create, name="create"),
    path("export/", views_data.product_export, name="export"),
    path("import/", views_data.import_upload, name="import"),
    path("import/template/", views_data.import_template, name="import_template"),
    path("import/<int:pk>/", views_data.import_again, name="import_again"),
    path("catalogue/", views_catalogue.catalogue, name="catalogue"),
    path("units/save/", views_catalogue.unit_save, name="unit_save"),
    path("brands/save/", views_catalogue.brand_save, name="brand_save"),
    path("brands/<int:pk>/delete/", views_catalogue.brand_delete, name="brand_delete"),
    path("series/save/", views_catalogue.series_save, name="series_save"),
    path("series/<int:pk>/delete/", views_catalogue.series_delete, name="series_delete"),
    path("price-lists/", views_prices.price_list_list, name="price_lists"),
    path("price-lists/new/", views_prices.price_list_create, name="price_list_create"),
    path("price-lists/<int:pk>/", views_prices.price_list_detail, name="price_list"),
    path("price-lists/<int:pk>/edit/", views_prices.price_list_edit, name="price_list_edit"),
    path("price-lists/<int:pk>/delete/", views_prices.price_list_delete, name="price_list_delete"),
    path("price-lists/<int:pk>/items/", views_prices.item_set, name="item_set"),
    path("price-list-items/<int:pk>/delete/", views_prices.item_delete, name="item_delete"),
    path("customer-prices/", views_prices.customer_price_list, name="customer_price_list"),
    path(
        "customer-prices/<int:pk>/edit/",
        views_prices.customer_price_edit,
        name="customer_price_edit",
    ),
    path(
        "customer-prices/<int:pk>/delete/",
        views_prices.customer_price_delete,
        name="customer_price_delete",
    ),
    path("customers/<int:pk>/prices/", views_prices.customer_prices, name="customer_prices"),
    path(
        "customers/<int:pk>/prices/new/",
        views_prices.customer_price_create,
        name="customer_price_create",
    ),
    path(
        "customers/<int:pk>/prices/tab/",
        views_prices.customer_prices_tab_page,
        name="customer_prices_tab",
    ),
    path("<int:pk>/", views.product_detail, name="detail"),
    path("<int:pk>/edit/", views.product_edit, name="edit"),
    path("<int:pk>/delete/", views.product_delete, name="delete"),
    path("<int:pk>/price/", views.product_price_lookup, name="price_lookup"),
]
