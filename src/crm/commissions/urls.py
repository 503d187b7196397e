from django.urls import path

from . import views

app_name = "commissions"
urlpatterns: list = [
    path("", views.statement_list, name="statement_list"),
    path("statements/<int:pk>/", views.statement_detail, name="statement_detail"),
    path("recompute/", views.recompute, name="recompute"),
    path("periods/<int:pk>/close/", views.period_close, name="period_close"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/new/", views.rule_edit, name="rule_create"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
]
