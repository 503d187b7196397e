from django.urls import path

from . import views, views_board, views_forecast, views_leads, views_picker, views_stages
from .urls_activities import urlpatterns as activity_urls
from .urls_approvals import urlpatterns as approval_urls
from .urls_contracts import urlpatterns as contract_urls
from .urls_quotes import urlpatterns as quote_urls

app_name = "sales"
urlpatterns: list = [
    *activity_urls,
    *approval_urls,
    *quote_urls,
    *contract_urls,
    path("leads/", views_leads.lead_list, name="lead_list"),
    path("leads/new/", views_leads.lead_create, name="lead_create"),
    path("leads/<int:pk>/", views_leads.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/edit/", views_leads.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/status/", views_leads.lead_status, name="lead_status"),
    path("leads/<int:pk>/convert/", views_leads.lead_convert, name="lead_convert"),
    path("leads/<int:pk>/delete/", views_leads.lead_delete, name="lead_delete"),
    path("board/", views_board.board, name="board"),
    path("opportunities/", views.opportunity_list, name="opportunity_list"),
    path("opportunities/new/", views.opportunity_create, name="opportunity_create"),
    path("opportunities/customers/", views.customer_options, name="customer_options"),
    path("opportunities/products/", views_picker.product_options, name="product_options"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<int:pk>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:pk>/move/", views_board.opportunity_move, name="opportunity_move"),
    path("opportunities/<int:pk>/close/", views.opportunity_close, name="opportunity_close"),
    path("opportunities/<int:pk>/delete/", views.opportunity_delete, name="opportunity_delete"),
    path("stages/", views_stages.stage_settings, name="stages"),
    path("stages/reorder/", views_stages.stage_reorder, name="stages_reorder"),
    path("forecast/", views_forecast.forecast_page, name="forecast"),
    path("forecast/export/", views_forecast.forecast_export, name="forecast_export"),
]
