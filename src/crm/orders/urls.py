from django.urls import path

from . import views, views_receivables, views_statement

app_name = "orders"
urlpatterns: list = [
    path("", views.order_list, name="order_list"),
    path("new/", views.order_create, name="order_create"),
    path("from-quote/<int:pk>/", views.order_from_quote, name="order_from_quote"),
    path("from-contract/<int:pk>/", views.order_from_contract, name="order_from_contract"),
    path("<int:pk>/", views.order_detail, name="order_detail"),
    path("<int:pk>/edit/", views.order_edit, name="order_edit"),
    path("<int:pk>/transition/", views.order_transition, name="order_transition"),
    path("<int:pk>/ship/", views.shipment_create, name="shipment_create"),
    path("<int:pk>/return/", views.return_create, name="return_create"),
    path("<int:pk>/invoice/", views_receivables.invoice_create, name="invoice_create"),
    path("shipments/<int:pk>/events/", views.shipment_event, name="shipment_event"),
    path("invoices/", views_receivables.invoice_list, name="invoice_list"),
    path("invoices/<int:pk>/", views_receivables.invoice_detail, name="invoice_detail"),
    path("payments/", views_receivables.payment_list, name="payment_list"),
    path("payments/new/", views_receivables.payment_create, name="payment_create"),
    path("receivables/aging/", views_receivables.aging, name="aging"),
    path("receivables/overdue/", views_receivables.overdue, name="overdue"),
    path(
        "receivables/statement/<int:customer_pk>/",
        views_statement.statement,
        name="statement",
    ),
    path("credit/<int:customer_pk>/", views_receivables.credit_edit, name="credit_edit"),
]
