from django.urls import path

from . import views

app_name = "fieldservice"
urlpatterns: list = [
    path("", views.equipment_list, name="equipment_list"),
    path("equipment/new/", views.equipment_create, name="equipment_create"),
    path("equipment/<int:pk>/", views.equipment_detail, name="equipment_detail"),
    path("equipment/<int:pk>/edit/", views.equipment_edit, name="equipment_edit"),
    path("equipment/<int:pk>/delete/", views.equipment_delete, name="equipment_delete"),
    path("equipment/<int:pk>/products/", views.equipment_products, name="equipment_products"),
    path("equipment/<int:pk>/plans/", views.plan_create, name="plan_create"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/schedule/", views.plan_schedule, name="plan_schedule"),
    path("plans/<int:pk>/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/record/", views.visit_record, name="visit_record"),
    path("visits/<int:pk>/cancel/", views.visit_cancel, name="visit_cancel"),
    path("skills/", views.skills, name="skills"),
]
